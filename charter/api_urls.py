from django.urls import path, re_path

from charter import api

FMT = r"(?P<fmt>md|html|pdf|docx)"

urlpatterns = [
    path("workspaces/<slug:slug>/charter/", api.CharterView.as_view(), name="api-charter"),
    path("workspaces/<slug:slug>/charter/versions/", api.VersionListView.as_view(), name="api-charter-versions"),
    path(
        "workspaces/<slug:slug>/charter/versions/<int:number>/",
        api.VersionDetailView.as_view(),
        name="api-charter-version",
    ),
    path(
        "workspaces/<slug:slug>/charter/versions/<int:number>/diff/<int:other>/",
        api.VersionDiffView.as_view(),
        name="api-charter-diff",
    ),
    re_path(
        rf"^workspaces/(?P<slug>[-\w]+)/charter/versions/(?P<number>[0-9]+)/export\.{FMT}$",
        api.VersionExportView.as_view(),
        name="api-charter-export",
    ),
    re_path(
        rf"^workspaces/(?P<slug>[-\w]+)/charter/preview\.{FMT}$",
        api.PreviewExportView.as_view(),
        name="api-charter-preview",
    ),
    path("workspaces/<slug:slug>/members/me/", api.MyConsentView.as_view(), name="api-my-membership"),
]

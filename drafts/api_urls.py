from django.urls import path

from drafts import api

urlpatterns = [
    path("boards/<int:board_id>/draft/", api.DraftView.as_view(), name="api-draft"),
    path("boards/<int:board_id>/draft/revisions/", api.RevisionListView.as_view(), name="api-revisions"),
    path("boards/<int:board_id>/draft/revisions/<int:number>/", api.RevisionDetailView.as_view(), name="api-revision"),
    path(
        "boards/<int:board_id>/draft/revisions/<int:number>/diff/<int:other>/",
        api.RevisionDiffView.as_view(),
        name="api-revision-diff",
    ),
    path(
        "boards/<int:board_id>/draft/revisions/<int:number>/restore/",
        api.RevisionRestoreView.as_view(),
        name="api-revision-restore",
    ),
    path("boards/<int:board_id>/amendments/", api.AmendmentListView.as_view(), name="api-amendments"),
    path("amendments/<int:amendment_id>/", api.AmendmentDetailView.as_view(), name="api-amendment"),
    path("amendments/<int:amendment_id>/support/", api.AmendmentSupportView.as_view(), name="api-amendment-support"),
    path("amendments/<int:amendment_id>/accept/", api.AmendmentAcceptView.as_view(), name="api-amendment-accept"),
    path("amendments/<int:amendment_id>/reject/", api.AmendmentRejectView.as_view(), name="api-amendment-reject"),
]

from django.urls import path

from workspace import api

urlpatterns = [
    path("workspaces/", api.WorkspaceListView.as_view(), name="api-workspaces"),
    path("workspaces/<slug:slug>/", api.WorkspaceDetailView.as_view(), name="api-workspace"),
    path("workspaces/<slug:slug>/members/", api.MemberListView.as_view(), name="api-members"),
    path("workspaces/<slug:slug>/invitations/", api.InvitationListView.as_view(), name="api-invitations"),
    path(
        "workspaces/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        api.InvitationRevokeView.as_view(),
        name="api-invitation-revoke",
    ),
    path("invitations/<str:token>/accept/", api.InvitationAcceptView.as_view(), name="api-invitation-accept"),
    path("workspaces/<slug:slug>/members/<int:member_id>/", api.MemberDetailView.as_view(), name="api-member"),
]

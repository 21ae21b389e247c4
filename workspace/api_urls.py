from django.urls import path

from workspace import api

urlpatterns = [
    path("auth/token/", api.TokenLoginView.as_view(), name="api-token"),
    path("workspaces/", api.WorkspaceListView.as_view(), name="api-workspaces"),
    path("workspaces/<slug:slug>/", api.WorkspaceDetailView.as_view(), name="api-workspace"),
    path("workspaces/<slug:slug>/members/", api.MemberListView.as_view(), name="api-members"),
    path("workspaces/<slug:slug>/invitations/", api.InvitationListView.as_view(), name="api-invitations"),
    path(
        "workspaces/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        api.InvitationRevokeView.as_view(),
        name="api-invitation-revoke",
    ),
    path("workspaces/<slug:slug>/boards/", api.BoardListView.as_view(), name="api-boards"),
    path("invitations/<str:token>/accept/", api.InvitationAcceptView.as_view(), name="api-invitation-accept"),
    path("boards/<int:board_id>/", api.BoardDetailView.as_view(), name="api-board"),
]

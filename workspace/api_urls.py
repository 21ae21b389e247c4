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

urlpatterns += [
    path("workspaces/<slug:slug>/members/<int:member_id>/", api.MemberDetailView.as_view(), name="api-member"),
    path("boards/<int:board_id>/state/", api.BoardStateView.as_view(), name="api-board-state"),
    path("boards/<int:board_id>/cards/", api.CardListView.as_view(), name="api-cards"),
    path("cards/<int:card_id>/", api.CardDetailView.as_view(), name="api-card"),
    path("cards/<int:card_id>/comments/", api.CommentListView.as_view(), name="api-comments"),
    path("comments/<int:comment_id>/", api.CommentDetailView.as_view(), name="api-comment"),
    path("comments/<int:comment_id>/hide/", api.CommentHideView.as_view(), name="api-comment-hide"),
]

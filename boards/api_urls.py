from django.urls import path

from boards import api

urlpatterns = [
    path("workspaces/<slug:slug>/boards/", api.BoardListView.as_view(), name="api-boards"),
    path("boards/<int:board_id>/", api.BoardDetailView.as_view(), name="api-board"),
    path("boards/<int:board_id>/state/", api.BoardStateView.as_view(), name="api-board-state"),
    path("boards/<int:board_id>/cards/", api.CardListView.as_view(), name="api-cards"),
    path("cards/<int:card_id>/", api.CardDetailView.as_view(), name="api-card"),
    path("cards/<int:card_id>/comments/", api.CommentListView.as_view(), name="api-comments"),
    path("comments/<int:comment_id>/", api.CommentDetailView.as_view(), name="api-comment"),
    path("comments/<int:comment_id>/hide/", api.CommentHideView.as_view(), name="api-comment-hide"),
]

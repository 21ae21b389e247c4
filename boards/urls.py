"""The home pages and the board page."""

from django.urls import path

from boards import views

urlpatterns = [
    path("", views.home, name="home"),
    path("w/<slug:slug>/", views.workspace_home, name="workspace"),
    path("w/<slug:slug>/boards/<int:board_id>/", views.board_page, name="board"),
]

from django.contrib.auth import views as auth_views
from django.urls import path

from workspace import account_views, people_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.set_language, name="set-language"),
    path("preferences/", views.preferences_page, name="preferences"),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password-change"),
    path("accounts/tokens/", account_views.api_tokens_page, name="api-tokens"),
    path("accounts/my-data.json", views.my_data, name="my-data"),
    path("accounts/password/reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/tokens/<int:token_id>/revoke/", account_views.revoke_api_token_page, name="revoke-api-token"),
    path("join/<str:token>/", views.join, name="join"),
    path("w/<slug:slug>/", views.workspace_home, name="workspace"),
    path("w/<slug:slug>/boards/<int:board_id>/", views.board_page, name="board"),
    path("w/<slug:slug>/invitations/", views.invitations_page, name="invitations"),
    path("w/<slug:slug>/members/", people_views.members_page, name="members"),
    path("w/<slug:slug>/members/<int:member_id>/remove/", people_views.remove_member_page, name="remove-member"),
    path("w/<slug:slug>/audit/", people_views.audit_page, name="audit"),
    path("w/<slug:slug>/archive.zip", people_views.workspace_archive_download, name="workspace-archive"),
    path(
        "w/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation_page,
        name="revoke-invitation",
    ),
]

"""A person's pages: language and preferences, password, API tokens, their data, joining."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("language/", views.set_language, name="set-language"),
    path("preferences/", views.preferences_page, name="preferences"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("accounts/tokens/", views.api_tokens_page, name="api-tokens"),
    path("accounts/my-data.json", views.my_data, name="my-data"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/tokens/<int:token_id>/revoke/", views.revoke_api_token_page, name="revoke-api-token"),
    path("join/<str:token>/", views.join, name="join"),
]

from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/token/", api.TokenLoginView.as_view(), name="api-token"),
]

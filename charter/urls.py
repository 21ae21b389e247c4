from django.urls import path

from charter import views

urlpatterns = [
    path("w/<slug:slug>/charter/", views.charter_page, name="charter"),
]

from django.urls import path

from facilitation import views

urlpatterns = [
    path("w/<slug:slug>/facilitate/", views.console_page, name="console"),
    path("w/<slug:slug>/fishbowl/", views.fishbowl_page, name="fishbowl"),
]

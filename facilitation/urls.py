from django.urls import path

from facilitation import texts, views

urlpatterns = [
    path("w/<slug:slug>/facilitate/", views.console_page, name="console"),
    path("w/<slug:slug>/fishbowl/", views.fishbowl_page, name="fishbowl"),
    path("w/<slug:slug>/texts/", texts.texts_page, name="texts"),
]

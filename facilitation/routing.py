from django.urls import path

from facilitation.consumers import RoomConsumer

websocket_urlpatterns = [path("ws/w/<slug:slug>/room/", RoomConsumer.as_asgi())]

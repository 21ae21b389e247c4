from django.urls import path, re_path

from workspace.consumers import BoardConsumer, DraftConsumer

websocket_urlpatterns = [
    path("ws/boards/<int:board_id>/", BoardConsumer.as_asgi()),
    # y-websocket clients connect to serverUrl + "/" + room: with or without a trailing slash.
    re_path(r"^ws/drafts/(?P<board_id>[0-9]+)/?$", DraftConsumer.as_asgi()),
]

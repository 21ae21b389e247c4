from django.urls import re_path

from drafts.consumers import DraftConsumer

websocket_urlpatterns = [
    # y-websocket clients connect to serverUrl + "/" + room: with or without a trailing slash.
    re_path(r"^ws/drafts/(?P<board_id>[0-9]+)/?$", DraftConsumer.as_asgi()),
]

"""WebSocket routes of every app, gathered in one list (each app keeps its own ``routing.py``)."""

websocket_urlpatterns: list = []

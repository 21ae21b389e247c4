"""The framework's floor for fan-out: a bare Channels app that only relays a message to a group.

POST /send with a text body sends it to the group; every socket on /ws/ receives it. No database,
no authentication, no event log. Run by bench/fanout.py beside codesign, under the same Daphne and
the same channel layer (in-memory, or Redis with the same pool settings as codesign's).
"""

import os

import django
from django.conf import settings

REDIS_URL = os.environ.get("REDIS_URL")
settings.configure(
    DEBUG=False,
    SECRET_KEY="floor",
    ALLOWED_HOSTS=["*"],
    INSTALLED_APPS=["channels"],
    CHANNEL_LAYERS={
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "max_connections": 1000, "socket_timeout": 30}],
                "capacity": 1000,
                "prefix": os.environ.get("REDIS_PREFIX", "floor"),
            },
        }
    }
    if REDIS_URL
    else {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
)
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

GROUP = "floor"


class Relay(AsyncWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()
        await self.send(text_data="welcome")

    async def disconnect(self, code):
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def relay(self, event):
        await self.send(text_data=event["text"])


async def send_endpoint(scope, receive, send):
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await get_channel_layer().group_send(GROUP, {"type": "relay", "text": body.decode()})
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


application = ProtocolTypeRouter({"http": send_endpoint, "websocket": URLRouter([path("ws/", Relay.as_asgi())])})

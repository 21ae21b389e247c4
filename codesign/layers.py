"""The embedded configuration's channel layer: Channels' in-memory layer, cleaning less often.

The stock layer looks through every channel for expired messages on every receive. With hundreds
of sockets on a board, each event then costs O(sockets) per socket that receives it (profiled:
about a tenth of the server's time in the fan-out benchmark). Expired messages are as rare here as
there (a minute unread); looking for them once a second is enough.
"""

import time

from channels.layers import InMemoryChannelLayer as StockInMemoryChannelLayer


class InMemoryChannelLayer(StockInMemoryChannelLayer):
    clean_every = 1.0  # seconds
    _cleaned_at = 0.0

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._cleaned_at >= self.clean_every:
            self._cleaned_at = now
            super()._clean_expired()

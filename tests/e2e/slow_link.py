"""Loading a board page the way a participant on a slow mobile link does (used by a test and a bench)."""

import time

# Chrome DevTools' "Slow 3G" preset: 400 ms round trip, about 50 KB/s each way.
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 500 * 1024 / 8 * 0.8,
    "uploadThroughput": 500 * 1024 / 8 * 0.8,
}


def load_board_slowly(browser, storage_state: dict, board_url: str, conditions=SLOW_3G, timeout_ms: int = 60000):
    """Open ``board_url`` in a fresh context (empty cache) under ``conditions``.

    Returns (seconds until usable, bytes transferred during the load, {url: bytes}). Usable means the
    cards are drawn and, when a round is open, the dot buttons are enabled.
    """
    context = browser.new_context(storage_state=storage_state, viewport={"width": 360, "height": 780})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", conditions)
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(urls.get(e["requestId"], e["requestId"]), int(e["encodedDataLength"])),
    )
    started = time.monotonic()
    page.goto(board_url, wait_until="commit", timeout=timeout_ms)
    page.wait_for_selector(".idea", timeout=timeout_ms)
    page.wait_for_function(
        """() => {
          const board = window.codesign.board;
          if (!board) return false;
          const round = board.state.round;
          if (!round || round.state !== "open") return true;
          const buttons = document.querySelectorAll(".button--dot");
          return buttons.length > 0 && [...buttons].some((b) => !b.disabled);
        }""",
        timeout=timeout_ms,
    )
    seconds = time.monotonic() - started
    page.wait_for_load_state("networkidle", timeout=timeout_ms)
    context.close()
    return seconds, sum(sizes.values()), sizes

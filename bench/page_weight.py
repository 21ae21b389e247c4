"""Page weight: what the first load of a board page transfers, and how long until it is usable,
on a fast link and on a slow 3G link (Chrome DevTools' preset), in Debian's Chromium at 360 px.

    .venv/bin/python bench/page_weight.py [--cards 30] [--json]

"Usable" = the cards are drawn and the open round's dot buttons are enabled. The editor bundle is
not part of the first load (it loads when the draft is opened); its size is printed apart.
Prints a table (or --json); asserts nothing. Needs what `make test` installs (chromium, playwright).
"""

import argparse
import gzip
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.browser import chromium_browser  # noqa: E402
from tests.e2e.slow_link import SLOW_3G, load_board_slowly  # noqa: E402
from tests.servers import served, sqlite_database  # noqa: E402

FAST = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


def prepare(server, cards: int) -> str:
    """Cards on the priorities board and an open round; returns the board's URL."""
    posters, facilitator = [server.token("kz"), server.token("kg")], server.token("facilitator")
    poster = posters[0]
    _status, boards = server.request("GET", "/api/workspaces/gs-think-tank/boards/", token=poster)
    board = next(b["id"] for b in boards if b["kind"] == "priorities")
    for n in range(cards):
        text = f"Priority idea {n + 1}: civic education, open data and water in **every** delegation's country."
        server.request("POST", f"/api/boards/{board}/cards/", {"body": text}, token=posters[n % 2])
    setup = {"question": "Which first?", "duration_seconds": 3600}
    _status, round_ = server.request("POST", f"/api/boards/{board}/rounds/", setup, token=facilitator)
    server.request("POST", f"/api/rounds/{round_['id']}/open/", token=facilitator)
    return f"{server.base_url}/w/gs-think-tank/boards/{board}/"


def signed_in_state(browser, base_url: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill("af")
    page.locator("#id_password").fill("codesign-demo")
    page.locator("button[type=submit].button--primary").click()
    page.wait_for_url("**/w/gs-think-tank/")
    state = context.storage_state()
    context.close()
    return state


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    bundle = (ROOT / "static" / "js" / "editor.bundle.js").read_bytes()
    results = {"cards": args.cards, "editor_bundle_gzip_bytes": len(gzip.compress(bundle, 9)), "profiles": {}}
    with sqlite_database(Path(tempfile.mkdtemp())) as database, served(database) as server:
        server.manage("collectstatic", "--noinput", "-v", "0")
        url = prepare(server, args.cards)
        with chromium_browser() as browser:
            state = signed_in_state(browser, server.base_url)
            for name, conditions in (("fast", FAST), ("slow 3G", SLOW_3G)):
                seconds, total, by_url = load_board_slowly(browser, state, url, conditions)
                results["profiles"][name] = {
                    "usable_seconds": round(seconds, 2),
                    "transferred_bytes": total,
                    "resources": {u.replace(server.base_url, ""): b for u, b in sorted(by_url.items())},
                }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    fast = results["profiles"]["fast"]
    print(f"Board page, {args.cards} cards, an open round, 360 px wide, empty cache")
    print(f"{'resource':<48} {'bytes':>9}")
    for resource, size in fast["resources"].items():
        print(f"{resource[:48]:<48} {size:>9,}")
    print()
    print(f"{'profile':<10} {'usable after':>13} {'transferred':>13}   (budget: 150 KB)")
    for name, profile in results["profiles"].items():
        print(f"{name:<10} {profile['usable_seconds']:>11.2f} s {profile['transferred_bytes'] / 1024:>9.1f} KiB")
    bundle_kib = results["editor_bundle_gzip_bytes"] / 1024
    print(f"\nEditor bundle, loaded when the draft is opened: {bundle_kib:.0f} KiB gzip")


if __name__ == "__main__":
    main()

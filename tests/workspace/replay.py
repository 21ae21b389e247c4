"""A client's view of a board: the snapshot with events applied in order (as static/js/board.js does).

Every event replaces a thing by id (or removes it), so applying an event twice, or to a snapshot
already newer than the event, ends in the same place.
"""

import copy


def apply_event(state: dict, frame: dict) -> dict:
    state = copy.deepcopy(state)
    kind = frame["type"]
    if kind in ("card.created", "card.updated"):
        state["cards"] = [c for c in state["cards"] if c["id"] != frame["card"]["id"]] + [frame["card"]]
        state["cards"].sort(key=lambda c: (c["position"], c["id"]))
    elif kind == "card.removed":
        state["cards"] = [c for c in state["cards"] if c["id"] != frame["card_id"]]
        state["comments"] = [c for c in state["comments"] if c["card"] != frame["card_id"]]
    elif kind.startswith("comment."):
        comment = frame["comment"]
        state["comments"] = [c for c in state["comments"] if c["id"] != comment["id"]] + [comment]
        state["comments"].sort(key=lambda c: (c["created_at"], c["id"]))
    elif kind in ("board.updated", "board.created"):
        state["board"] = frame["board"]
    elif kind.startswith("round."):
        state["round"] = frame["round"]
    elif kind.startswith("draft."):
        pass  # the draft is not in the snapshot; it syncs over its own socket
    else:
        raise AssertionError(f"no reducer for {kind}")
    state["seq"] = max(state["seq"], frame["seq"])
    return state

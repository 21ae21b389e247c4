"""Every JSON frame a client receives has a schema.

Each app declares the frames it sends in its own ``frames.py``, a JSON Schema per frame ``type``,
and registers them from ``AppConfig.ready()``: the board's events in ``boards``, a round's in
``voting``, the room's in ``facilitation``. ``check_frame`` validates one frame against its type.

Where ``settings.CHECK_FRAMES`` is on (the test suite, and every server the tests start), each frame
is checked where it leaves: published to the channel layer (``workspace.events.send_to_group``) and
sent by a socket (``accounts.sockets.MemberSocket``). So no test can forget to check what it sends,
and a frame of a type nobody declared, or of the wrong shape, fails the test that made it. The
types checked are written down (``settings.FRAMES_SEEN_DIR``), so the suite can tell a declared
type that no test ever sent.

The helpers below keep the schemas short: ``obj`` is an object with exactly the keys given (none
missing, none more), ``optional=`` naming those that may be left out.
"""

import os

import jsonschema
from django.conf import settings

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
NULL = {"type": "null"}
TIME = {"type": "string", "format": "date-time"}  # ISO 8601, as ``workspace.selectors.iso`` writes it
ANY = {}


def obj(properties: dict, *, optional=()) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": [key for key in properties if key not in optional],
        "additionalProperties": False,
    }


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, NULL]}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def mapping(values: dict) -> dict:
    """An object whose keys are data (ids, country codes, languages), each value of one shape."""
    return {"type": "object", "additionalProperties": values}


def one_of(*values) -> dict:
    return {"enum": list(values)}


def frame(type_: str, properties: dict | None = None, *, stored: bool = False, optional=()) -> dict:
    """The schema of a whole frame: its ``type``, a ``seq`` when it is a stored event, its payload."""
    head = {"type": {"const": type_}, **({"seq": {"type": "integer", "minimum": 1}} if stored else {})}
    return obj({**head, **(properties or {})}, optional=optional)


_schemas: dict[str, dict] = {}
_validators: dict[str, jsonschema.protocols.Validator] = {}
_seen: set[str] = set()


class FrameError(ValueError):
    """A frame that no schema describes, or that does not have its type's shape."""


def register_frames(schemas: dict[str, dict]) -> None:
    """Declare frame types (type -> schema of the whole frame, from ``frame``); once each."""
    for type_, schema in schemas.items():
        if type_ in _schemas and _schemas[type_] != schema:
            raise ValueError(f"The frame type {type_!r} is declared twice, differently.")
        jsonschema.Draft202012Validator.check_schema(schema)
        _schemas[type_] = schema
        _validators[type_] = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )


def frame_schemas() -> dict[str, dict]:
    return dict(_schemas)


def check_frame(frame: object) -> None:
    """Raise ``FrameError`` unless ``frame`` is an object of a declared type, in that type's shape."""
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise FrameError(f"A frame must be an object with a type: {frame!r:.200}")
    type_ = frame["type"]
    validator = _validators.get(type_)
    if validator is None:
        raise FrameError(f"No schema declares the frame type {type_!r} (an app's frames.py).")
    error = jsonschema.exceptions.best_match(validator.iter_errors(frame))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the frame"
        raise FrameError(f"A {type_!r} frame does not have its shape, at {where}: {error.message:.300}")
    _note_seen(type_)


def check_if_asked(frame: object) -> None:
    """``check_frame`` where ``settings.CHECK_FRAMES`` is on; nothing otherwise (production)."""
    if settings.CHECK_FRAMES:
        check_frame(frame)


def _note_seen(type_: str) -> None:
    if type_ in _seen:
        return
    _seen.add(type_)
    folder = getattr(settings, "FRAMES_SEEN_DIR", "")
    if folder:  # one file per process: servers the tests start write theirs too
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"{os.getpid()}.txt"), "a", encoding="utf-8") as seen:
            seen.write(type_ + "\n")


# The kernel's own: the workspace renamed or re-described (to every page of it, on the room socket).
FRAMES = {
    "workspace.updated": frame(
        "workspace.updated",
        {
            "workspace": obj({"name": STRING, "description": STRING, "translations": mapping(mapping(STRING))}),
            "changed": array(STRING),
        },
        stored=True,
    ),
}

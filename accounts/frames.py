"""What every member's socket may say of its own, whatever it is for: an error, and the answer to a
ping."""

from workspace.frames import INTEGER, STRING, frame

FRAMES = {
    "error": frame(
        "error",
        {
            "code": STRING,  # invalid, rate_limited, too_many_connections, removed, or the API's code
            "message": STRING,  # in the member's language
            "retry_after": {"type": "integer", "minimum": 1},  # seconds, when waiting helps
            "ref": {"type": ["string", "integer"]},  # the frame that waits for this answer (a dot)
            "status": INTEGER,  # the HTTP status the API would give (a refused dot)
        },
        optional=("retry_after", "ref", "status"),
    ),
    "pong": frame("pong"),
}

"""What the OpenAPI schema (``/api/schema/``) says each operation answers when it refuses.

Every API error has one body, the ``Error`` component: ``{"detail": "<a sentence for people>",
"code": "<what went wrong>"}``, plus ``errors`` per field for bad input (400). The exception
handler (``workspace.api.exception_handler``) gives every refusal that shape; this module lists,
per operation, the statuses it can refuse with, so that a client generated from the schema knows
every answer it can get (Schemathesis's ``status_code_conformance`` checks exactly that).

Most statuses follow from what the view does, by rule:

- it needs a signed-in user: 401 (no, expired or revoked token) and 403 (the role does not allow
  it; a session without its CSRF token);
- its path names something: 404 (it does not exist, or is not yours to see: the same answer);
- it takes a JSON body: 400 (the body breaks a rule) and 415 (not sent as JSON);
- it writes (POST, PUT, PATCH, DELETE): 400, since the action it calls refuses what breaks a rule;
- it honours ``Idempotency-Key``: 409 when a key is reused for another request.

What only the action knows (409 the state does not allow it now, 410 gone, 429 slow down) a view
declares in ``may_refuse``: a tuple for all its methods, or a dict per method
(``may_refuse = {"post": (409, 429)}``).
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
BODIES = frozenset({"POST", "PUT", "PATCH"})

# What each refusal means, in the schema's words (the body's ``detail`` says it for people).
MEANINGS = {
    400: "The request breaks a rule; `errors` says which field, for bad input.",
    401: "Not signed in, or the token expired or was revoked.",
    403: "Your role does not allow this (or a session request came without its CSRF token).",
    404: "It does not exist, or it is not yours to see (the same answer).",
    409: "The state of things does not allow it now (e.g. a locked board, a closed round).",
    410: "It existed but can no longer be used.",
    415: "The body must be JSON (`Content-Type: application/json`).",
    429: "Too many requests: try again after `Retry-After` seconds.",
}

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every API error. `code` is stable for programs; `detail` is for people, translated.",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in a sentence for people."},
        "code": {
            "type": "string",
            "description": (
                "What went wrong, for programs: the kind (`invalid`, `forbidden`, `not_found`, `conflict`, "
                "`gone`, `rate_limited`, `not_authenticated`, `authentication_failed`, `permission_denied`, "
                "`parse_error`, `unsupported_media_type`) or a precise reason (`board_locked`, "
                "`no_dots_left`, `amendment_outdated`, ...)."
            ),
        },
        "errors": {
            "type": "object",
            "additionalProperties": {},
            "description": "Bad input only (400): each field's messages (nested like the body); "
            "`non_field_errors` for the body as a whole.",
        },
    },
    "required": ["detail", "code"],
}

RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}
}


class CodesignAutoSchema(AutoSchema):
    """drf-spectacular's schema, with every operation's refusals listed (see the module docstring)."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        error = self._error_component()
        for status in sorted(self.refusals()):
            if str(status) in responses:  # the view described this answer itself
                continue
            response = self._get_response_for_code(error.ref, str(status), direction=direction)
            response["description"] = MEANINGS.get(status, "")
            if status == 429:
                response["headers"] = {**response.get("headers", {}), **RETRY_AFTER}
            responses[str(status)] = response
        return responses

    def refusals(self) -> set[int]:
        """The error statuses this operation can answer."""
        statuses = set(self._declared())
        if not all(isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            statuses |= {401, 403}
        if "{" in self.path:
            statuses.add(404)
        if self.method in WRITES:
            statuses.add(400)
        if self.method in BODIES and self.get_request_serializer() is not None:
            statuses |= {400, 415}
        if any(getattr(p, "name", None) == "Idempotency-Key" for p in self.get_override_parameters()):
            statuses |= {400, 409}
        return statuses

    def _declared(self) -> tuple[int, ...]:
        declared = getattr(self.view, "may_refuse", ())
        if isinstance(declared, dict):
            return tuple(declared.get(self.method.lower(), ()))
        return tuple(declared)

    def _error_component(self) -> ResolvedComponent:
        component = ResolvedComponent(name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA)
        self.registry.register_on_missing(component)
        return component

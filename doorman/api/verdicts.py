"""Verdicts over HTTP, for reviewers that are services.

    GET  /v1/doorman/attempts/{request_id}   the attempt, its sha256, the verdict in force
    POST /v1/doorman/verdicts                a verdict the service signed with its own key

A service reviewer authenticates twice: with the module-bound API key (when keys
are configured, as for any call) and with its ed25519 signature over the verdict
(doorman/apprentice/signing.py), checked against the public key listed for it by
`doorman keys reviewer add NAME KEY`. The private key never reaches the appliance.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request as HttpRequest
from starlette.responses import JSONResponse, Response

from doorman.api.keys import authenticate
from doorman.apprentice.verdicts import VerdictDesk, VerdictDraft
from doorman.core.errors import DoormanError, InvalidRequest

REQUIRED = ("request_id", "verdict", "reviewer", "ts", "attempt_sha256", "signature")
OPTIONAL = ("supersedes", "refined", "note")


def parse_verdict(body: Any) -> VerdictDraft:
    """A verdict body; errors name the field at fault."""
    if not isinstance(body, dict):
        raise InvalidRequest("the request body must be a JSON object")
    for key in REQUIRED:
        if not isinstance(body.get(key), str) or not body[key]:
            raise InvalidRequest(f"{key}: expected a non-empty string", param=key)
    for key in OPTIONAL:
        if body.get(key) is not None and not isinstance(body[key], str):
            raise InvalidRequest(f"{key}: expected a string or null", param=key)
    unknown = sorted(set(body) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise InvalidRequest(f"{unknown[0]}: unknown field", param=unknown[0])
    return VerdictDraft(**{k: body.get(k) for k in REQUIRED + OPTIONAL})


class VerdictEndpoints:
    def __init__(self, door_app):
        self.door = door_app
        self.desk = VerdictDesk(door_app.doorman.home, door_app.config, run_tier_c=door_app.doorman.complete)

    async def attempt(self, http: HttpRequest) -> Response:
        try:
            authenticate(self.door.config, http.headers.get("authorization"), None)
            found = await self.door.in_thread(self.desk.locate, http.path_params["request_id"])
            authenticate(self.door.config, http.headers.get("authorization"), found.corpus.module)
            self.desk.check_module(found)
            current = await self.door.in_thread(self.desk.current, found)
        except DoormanError as exc:
            return self.door.error(exc, None)
        return JSONResponse({"object": "doorman.attempt", "attempt": found.record,
                             "attempt_sha256": found.record["sha256"], "current_verdict": current})

    async def post(self, http: HttpRequest) -> Response:
        try:
            authenticate(self.door.config, http.headers.get("authorization"), None)
            draft = parse_verdict(await self.door.read_json(http))
            found = await self.door.in_thread(self.desk.locate, draft.request_id)
            authenticate(self.door.config, http.headers.get("authorization"), found.corpus.module)
            recorded = await self.door.in_thread(self.desk.record, draft)
        except DoormanError as exc:
            return self.door.error(exc, None)
        return JSONResponse({"object": "doorman.verdict", "verdict": recorded.verdict,
                             "candidate": recorded.candidate}, status_code=201)

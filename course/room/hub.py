"""The live room as a JupyterHub service: hub login for instructors, hub tokens for learners.

JupyterHub starts it (``c.JupyterHub.services``, or ``hub.services.room`` on Zero to
JupyterHub)::

    {"name": "room", "url": "http://127.0.0.1:8765", "oauth_no_confirm": True,
     "command": ["python3", "-m", "course.room.hub", "--port", "8765"],
     "environment": {"COURSE_ROOM_DB": "postgresql://…", "COURSE_ROOM_INSTRUCTORS": "ana"}}

and routes ``/services/room/`` to it. The room app (:mod:`course.room.app`) is served
unchanged under that prefix behind a thin ASGI layer, :class:`HubRoom`:

- every request needs a hub identity: a hub token in ``Authorization: token …`` (a learner's
  server sends its ``JUPYTERHUB_API_TOKEN``, see :func:`auth_headers`) or, in a browser, the
  session cookie this service sets after the hub's OAuth login; a browser without one is
  sent to the hub's login, anything else gets 401;
- hub users named in ``COURSE_ROOM_INSTRUCTORS`` (comma-separated) get the room's instructor
  rights: the layer adds the room's own instructor token to their requests. Everyone else
  is a learner and can do only what a learner holding the join code can do;
- the hub identity is checked, then dropped: the room never sees a hub name or token (it
  stores random pseudonyms), and any instructor token a client sends itself is removed.
"""

from __future__ import annotations

import argparse
import inspect
import os
import re
import secrets
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlparse

SESSION_COOKIE = "course-room-session"
STATE_COOKIE = "course-room-oauth-state"
_HUB_TOKEN = re.compile(r"token\s+(\S+)", re.IGNORECASE)


def auth_headers(server: str) -> dict[str, str]:
    """The learner's hub token for a room served by this learner's own hub, else nothing.

    Inside a hub-spawned server, ``JUPYTERHUB_API_TOKEN`` identifies the learner to the hub's
    services. It is sent only to a URL under the hub's ``/services/`` on the hub's own host,
    never to a room running elsewhere (a laptop's ``course room serve``)."""
    token = os.environ.get("JUPYTERHUB_API_TOKEN")
    api = os.environ.get("JUPYTERHUB_API_URL")
    if not token or not api:
        return {}
    base = os.environ.get("JUPYTERHUB_BASE_URL", "/").rstrip("/") + "/services/"
    target = urlparse(server)
    hosts = {urlparse(api).hostname, urlparse(os.environ.get("JUPYTERHUB_PUBLIC_URL", "")).hostname,
             urlparse(os.environ.get("JUPYTERHUB_PUBLIC_HUB_URL", "")).hostname} - {None, ""}
    if target.hostname in hosts and (target.path.rstrip("/") + "/").startswith(base):
        return {"Authorization": f"token {token}"}
    return {}


def _headers(scope: dict) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # noqa: BLE001 - a malformed cookie header is no identity
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


async def _respond(send: Any, status: int, body: bytes = b"",
                   headers: list[tuple[str, str]] | None = None,
                   content_type: str = "application/json") -> None:
    raw = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers or []]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class HubRoom:
    """ASGI layer: hub identity in, instructor rights for named hub users, nothing of it out."""

    def __init__(self, app: Any, room_token: str, instructors: set[str], auth: Any,
                 prefix: str) -> None:
        self.app, self.room_token, self.instructors = app, room_token, instructors
        self.auth, self.prefix = auth, prefix.rstrip("/") + "/"
        self.callback = self.prefix + "oauth_callback"
        self.sessions: dict[str, str] = {}  # session id -> the user's hub OAuth token
        self.states: dict[str, tuple[str, str | None]] = {}  # state -> (next url, verifier)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if not (path + "/").startswith(self.prefix):
            await _respond(send, 404, b'{"detail": "not under this service\'s prefix"}')
            return
        headers = _headers(scope)
        if path == self.callback:
            await self._oauth_callback(scope, headers, send)
            return
        user = await self._identify(headers)
        if user is None:
            await self._refuse(scope, headers, send)
            return
        await self.app(self._rewrite(scope, user), receive, send)

    async def _identify(self, headers: dict[str, str]) -> dict | None:
        """The hub's user model for this request's token or session, if allowed here."""
        match = _HUB_TOKEN.fullmatch(headers.get("authorization", "").strip())
        token = match.group(1) if match else None
        if token is None:
            token = self.sessions.get(_cookies(headers).get(SESSION_COOKIE, ""))
        if not token:
            return None
        model = await self.auth.user_for_token(token, sync=False)
        if not model or not self.auth.check_scopes(self.auth.access_scopes, model):
            return None
        return model

    def _rewrite(self, scope: dict, user: dict) -> dict:
        """The request as the room sees it: mounted at the prefix, no client credentials, and
        the room's instructor token for instructors only."""
        kept = [(k, v) for k, v in scope["headers"] if k.lower() not in (b"authorization",
                                                                         b"cookie")]
        if user.get("name") in self.instructors:
            kept.append((b"authorization", f"Bearer {self.room_token}".encode()))
        query = [(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                                               keep_blank_values=True) if k != "token"]
        return {**scope, "headers": kept, "query_string": urlencode(query).encode("latin-1"),
                "root_path": self.prefix.rstrip("/")}

    async def _refuse(self, scope: dict, headers: dict[str, str], send: Any) -> None:
        """Browsers go to the hub's login; API clients get 401."""
        wants_page = (scope["type"] == "http" and scope["method"] == "GET"
                      and "text/html" in headers.get("accept", ""))
        if not wants_page:
            await _respond(send, 401, b'{"detail": "log in through the hub: send your hub '
                                      b'token (Authorization: token ...) or open this page '
                                      b'in the browser you use the hub with"}')
            return
        query = scope.get("query_string", b"").decode("latin-1")
        next_url = scope["path"] + (f"?{query}" if query else "")
        verifier, challenge = None, None
        if hasattr(self.auth, "generate_pkce_code_challenge"):
            verifier, challenge, method = self.auth.generate_pkce_code_challenge()
        state = secrets.token_urlsafe(16)
        self.states[state] = (next_url, verifier)
        params = {"state": state}
        if challenge:
            params.update(code_challenge=challenge, code_challenge_method=method)
        location = self.auth.login_url + "&" + urlencode(params)
        await _respond(send, 302, headers=[
            ("location", location),
            ("set-cookie", f"{STATE_COOKIE}={state}; Path={self.prefix}; HttpOnly; "
                           "SameSite=Lax; Max-Age=600")], content_type="text/plain")

    async def _oauth_callback(self, scope: dict, headers: dict[str, str], send: Any) -> None:
        """The hub sends the browser back with a code: trade it for the user's token."""
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        state = query.get("state", "")
        if (not state or _cookies(headers).get(STATE_COOKIE) != state
                or state not in self.states or "code" not in query):
            await _respond(send, 400, b'{"detail": "OAuth state mismatch: start again from '
                                      b'the room page"}')
            return
        next_url, verifier = self.states.pop(state)
        kwargs: dict[str, Any] = {"sync": False}
        if verifier and "code_verifier" in inspect.signature(self.auth.token_for_code).parameters:
            kwargs["code_verifier"] = verifier
        token = await self.auth.token_for_code(query["code"], **kwargs)
        session = secrets.token_urlsafe(32)
        self.sessions[session] = token
        if not next_url.startswith(self.prefix):
            next_url = self.prefix
        await _respond(send, 302, headers=[
            ("location", next_url),
            ("set-cookie", f"{SESSION_COOKIE}={session}; Path={self.prefix}; HttpOnly; "
                           "SameSite=Lax"),
            ("set-cookie", f"{STATE_COOKIE}=; Path={self.prefix}; Max-Age=0")],
            content_type="text/plain")


def create_hub_app(db_url: str, k: int, instructors: set[str]) -> HubRoom:
    """The room app for ``db_url`` wrapped for the hub (reads the hub's service environment)."""
    from jupyterhub.services.auth import HubOAuth

    from course.room.app import create_app, wrap

    room = create_app(db_url, k)
    token = room.state.store.instructor_token()
    auth = HubOAuth(cache_max_age=60)
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/room/")
    return HubRoom(wrap(room), token, instructors, auth, prefix)


def main(argv: list[str] | None = None) -> int:
    """``python -m course.room.hub``: serve the room as the hub's service."""
    parser = argparse.ArgumentParser(prog="python -m course.room.hub",
                                     description="Serve the live room as a JupyterHub service.")
    parser.add_argument("--db", default=os.environ.get("COURSE_ROOM_DB"),
                        help="SQLAlchemy URL or SQLite file (default $COURSE_ROOM_DB, "
                             "else room.sqlite)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=None,
                        help="default: the port of $JUPYTERHUB_SERVICE_URL")
    parser.add_argument("--k", type=int, default=int(os.environ.get("COURSE_ROOM_K", 5)))
    parser.add_argument("--title", default="Workshop")
    args = parser.parse_args(argv)
    import uvicorn

    from course.room.serve import database_url, prepare

    url = database_url(args.db)
    code, _token = prepare(url, title=args.title)  # the token stays in this process
    port = args.port or urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "")).port or 8765
    instructors = {n.strip() for n in os.environ.get("COURSE_ROOM_INSTRUCTORS", "").split(",")
                   if n.strip()}
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/room/")
    print(f"Room code: {code}\nInstructors ({', '.join(sorted(instructors)) or 'none'}) open "
          f"{prefix}room/{code} after logging in to the hub.", flush=True)
    uvicorn.run(create_hub_app(url, args.k, instructors), host=args.host, port=port,
                log_level="warning", timeout_graceful_shutdown=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

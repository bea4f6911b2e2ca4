"""Outside systems on real local servers for the notice and national-portal tests: an SMTP server
(aiosmtpd) that can accept, refuse (5xx) or drop the connection, and a WSGI server for the simulators."""
from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from werkzeug.serving import make_server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SmtpSink:
    """What the server received; `mode` is accept | refuse | drop."""

    mode: str = "accept"
    received: list[EmailMessage] = field(default_factory=list)
    port: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.mode == "refuse":
            return "550 5.7.1 Message refused by policy"
        if self.mode == "drop":
            session.transport.abort()
            return "421 closing"
        msg = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.received.append(msg)
        return "250 OK"


class _Users:
    def __init__(self, users: dict[str, str]):
        self.users = users

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword)
              and self.users.get(auth_data.login.decode()) == auth_data.password.decode())
        return AuthResult(success=ok, handled=False)


@contextmanager
def smtp_server(users: dict[str, str] | None = None) -> Iterator[SmtpSink]:
    sink = SmtpSink(port=free_port())
    kwargs: dict[str, Any] = {}
    if users is not None:
        kwargs = {"authenticator": _Users(users), "auth_require_tls": False}
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port, **kwargs)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@contextmanager
def wsgi_server(app: Any, port: int = 0) -> Iterator[str]:
    """Serve a WSGI app on 127.0.0.1 (a free port unless one is given); yields its base URL."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()

"""Ports to the outside world, each with an implementation for the demo and a fake for tests."""
from __future__ import annotations

import hashlib
import json
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any, Protocol


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str, key: str) -> None:
        """Deliver one message; `key` makes a resend after a crash recognisable as the same."""
        ...


class SmsGateway(Protocol):
    """A phone channel (SMS brandname, Zalo ZNS): returns the provider's message id, which its delivery
    report names later (None when the channel has no reports). `template` names the notice (submitted,
    receipt, …) and `data` its fields, for channels that send registered templates rather than text."""

    def send(self, to: str, text: str, key: str, template: str | None = None,
             data: Mapping[str, str] | None = None) -> str | None:
        ...


class DeliveryError(Exception):
    """The outside system did not take the message (refused, unreachable, timed out); retried later."""


SECURITIES = ("none", "starttls", "tls")


class SmtpMailer:
    """E-mail through an SMTP server (smtplib): plain, STARTTLS or implicit TLS, optional log-in.

    The Message-ID is derived from the outbox key, so a resend after a crash carries the same id and
    mail systems that de-duplicate on it show one message."""

    def __init__(self, host: str, port: int, sender: str, security: str = "none", username: str = "",
                 password: str = "", timeout: float = 10.0, context: ssl.SSLContext | None = None):
        if security not in SECURITIES:
            raise ValueError(f"[mail] security must be one of {', '.join(SECURITIES)}, not {security!r}")
        self.host, self.port, self.sender, self.security = host, port, sender, security
        self.username, self.password, self.timeout = username, password, timeout
        self.context = context or ssl.create_default_context()

    @classmethod
    def from_config(cls, mail: Mapping[str, Any]) -> SmtpMailer:
        return cls(host=str(mail.get("host") or "127.0.0.1"), port=int(mail.get("port") or 25),
                   sender=str(mail.get("sender") or "motcua@localhost"),
                   security=str(mail.get("security") or "none"), username=str(mail.get("username") or ""),
                   password=str(mail.get("password") or ""), timeout=float(mail.get("timeout_seconds") or 10))

    def message(self, to: str, subject: str, body: str, key: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, to, subject
        msg["Date"] = formatdate(localtime=False)
        domain = self.sender.rpartition("@")[2].strip(" >") or "motcua.local"
        msg["Message-ID"] = f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"
        msg["X-MotCua-Key"] = key
        msg.set_content(body)
        return msg

    def send(self, to: str, subject: str, body: str, key: str) -> None:
        msg = self.message(to, subject, body, key)
        try:
            if self.security == "tls":
                server: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                        context=self.context)
            else:
                server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with server:
                if self.security == "starttls":
                    server.starttls(context=self.context)
                if self.username:
                    server.login(self.username, self.password)
                refused = server.send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {type(exc).__name__}: {exc}") from exc
        if refused:
            raise DeliveryError(f"SMTP {self.host}:{self.port} refused {', '.join(refused)}")


class FileMailer:
    """Demo mail and SMS: appended as JSON lines to a file under var/ (no real server needed)."""

    def __init__(self, path: Path):
        self.path = path

    def send(self, to: str, subject: str, body: str, key: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        record = {"at": datetime.now(UTC).isoformat(), "to": to, "subject": subject,
                  "body": body, "key": key}
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


class FileSms:
    def __init__(self, path: Path, subject: str = "SMS"):
        self._mailer = FileMailer(path)
        self.subject = subject

    def send(self, to: str, text: str, key: str, template: str | None = None,
             data: Mapping[str, str] | None = None) -> str | None:
        self._mailer.send(to, self.subject, text, key)
        return None


@dataclass
class FakeMailer:
    """Records what would be sent; `fail_times` makes the next sends fail, to test retries."""

    sent: list[tuple[str, str, str, str]] = field(default_factory=list)
    fail_times: int = 0

    def send(self, to: str, subject: str, body: str, key: str) -> None:
        if self.fail_times > 0:
            self.fail_times -= 1
            raise ConnectionError("fake mail server is down")
        self.sent.append((to, subject, body, key))


@dataclass
class FakeSms:
    sent: list[tuple[str, str, str]] = field(default_factory=list)

    def send(self, to: str, text: str, key: str, template: str | None = None,
             data: Mapping[str, str] | None = None) -> str | None:
        self.sent.append((to, text, key))
        return None

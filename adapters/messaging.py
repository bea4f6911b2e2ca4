"""Ports to the outside world, each with an implementation for the demo and a fake for tests."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str, key: str) -> None:
        """Deliver one message; `key` makes a resend after a crash recognisable as the same."""
        ...


class SmsGateway(Protocol):
    def send(self, to: str, text: str, key: str) -> None:
        ...


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
    def __init__(self, path: Path):
        self._mailer = FileMailer(path)

    def send(self, to: str, text: str, key: str) -> None:
        self._mailer.send(to, "SMS", text, key)


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

    def send(self, to: str, text: str, key: str) -> None:
        self.sent.append((to, text, key))

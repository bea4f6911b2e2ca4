"""A small JSON-over-HTTP client (urllib) shared by the SMS, Zalo and national-portal adapters."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from adapters.messaging import DeliveryError


def post_json(url: str, body: Mapping[str, Any], headers: Mapping[str, str] | None = None,
              timeout: float = 10.0) -> tuple[int, Any]:
    """POST `body` as JSON; the status and the decoded answer. Unreachable, timed out or not JSON:
    DeliveryError (the outbox tries again later)."""
    data = json.dumps(body, ensure_ascii=False).encode()
    return _call(url, data, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}, timeout)


def post_form(url: str, fields: Mapping[str, str], headers: Mapping[str, str] | None = None,
              timeout: float = 10.0) -> tuple[int, Any]:
    data = urllib.parse.urlencode(fields).encode()
    return _call(url, data, {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}, timeout)


def _call(url: str, data: bytes, headers: Mapping[str, str], timeout: float) -> tuple[int, Any]:
    if not url.startswith(("http://", "https://")):
        raise DeliveryError(f"not an http(s) address: {url!r}")
    request = urllib.request.Request(url, data=data, headers=dict(headers), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (configured URL)
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:  # refused, reset, timed out
        raise DeliveryError(f"{url}: {type(exc).__name__}: {getattr(exc, 'reason', exc)}") from exc
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        raise DeliveryError(f"{url}: HTTP {status}, not JSON: {raw[:200]!r}") from None

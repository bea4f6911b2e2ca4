"""The national public-service portal (Cổng Dịch vụ công quốc gia): dossier sync and progress updates.

Services (names of the public integration guides): `DongBoHoSoMC` (a dossier, created or updated),
`CapNhatTienDoHoSoMC` (one progress step), `TraCuuHoSo` (look-up by code). Each call is
POST {url}/{service} with `Authorization: Bearer <token>` and the JSON body {"IdempotencyKey": key,
"data": [record]}; the answer {"error_code": 0, "message": …} on success (a repeated key is answered
0 again and changes nothing). docs/integrations.md maps MotCua's fields onto the national ones.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.http_json import post_json
from adapters.messaging import DeliveryError

SERVICES = ("DongBoHoSoMC", "CapNhatTienDoHoSoMC")


class NationalPortal:
    def __init__(self, url: str, token: str, timeout: float = 10.0):
        self.url, self.token, self.timeout = url.rstrip("/"), token, timeout

    @classmethod
    def from_config(cls, portal: Mapping[str, Any]) -> NationalPortal | None:
        url = str(portal.get("url") or "")
        if not url:
            return None  # off
        return cls(url, str(portal.get("token") or ""), float(portal.get("timeout_seconds") or 10))

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def push(self, service: str, record: Mapping[str, Any], key: str) -> None:
        if service not in SERVICES:
            raise DeliveryError(f"unknown national portal service {service!r}")
        status, answer = post_json(f"{self.url}/{service}", {"IdempotencyKey": key, "data": [dict(record)]},
                                   self._headers(), timeout=self.timeout)
        if status != 200 or not isinstance(answer, dict) or answer.get("error_code") != 0:
            message = answer.get("message") if isinstance(answer, dict) else answer
            raise DeliveryError(f"national portal {service}: HTTP {status}: {message}")

    def look_up(self, code: str) -> dict[str, Any] | None:
        """The portal's record of the dossier (TraCuuHoSo), None when it does not know the code."""
        status, answer = post_json(f"{self.url}/TraCuuHoSo", {"MaHoSo": code}, self._headers(),
                                   timeout=self.timeout)
        if status == 404 or (isinstance(answer, dict) and answer.get("error_code") == 404):
            return None
        if status != 200 or not isinstance(answer, dict) or answer.get("error_code") != 0:
            raise DeliveryError(f"national portal TraCuuHoSo: HTTP {status}: {answer}")
        data = answer.get("data")
        return dict(data) if isinstance(data, dict) else None

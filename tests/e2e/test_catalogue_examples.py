"""Each catalogue field carries an example value the field accepts: a client that knows only the
contract can fill any form with them. The featured service is listed first."""
from __future__ import annotations

import io
import json
from typing import Any

from tests.helpers import PDF


def test_the_featured_household_business_registration_is_listed_first(client: Any) -> None:
    first = client.get("/api/v1/procedures").json[0]
    assert first["code"] == "1.001612" and first["featured"] is True


def test_every_online_service_accepts_a_dossier_filled_with_the_examples(client: Any, token: Any) -> None:
    for proc in client.get("/api/v1/procedures").json:
        if proc["level"] < 3:
            continue
        form = {f["id"]: f["example"] for f in proc["form"] if f["required"]}
        files = {f"documents.{d['key']}": (io.BytesIO(PDF), f"{d['key']}.pdf")
                 for d in proc["documents"] if d["required"]}
        resp = client.post("/api/v1/dossiers", headers=token("citizen"), content_type="multipart/form-data",
                           data={"payload": json.dumps({"procedure": proc["code"], "form": form,
                                                        "declaration": True}), **files})
        assert resp.status_code == 201, (proc["code"], resp.json)

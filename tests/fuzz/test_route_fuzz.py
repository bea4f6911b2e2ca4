"""The route fuzzer: every URL rule of the app, every method, as strangers, citizens, officers and
administrators, with the odd inputs of issue 11 in the URL parts, the query string, the form and the JSON
body (NUL bytes, invalid UTF-8 and lone surrogates, dates of year 1 and 9999, integers past 2^63, very long
texts, deep JSON…). No answer may be a 5xx, on SQLite or PostgreSQL. Bounded: every rule at least once, then
rounds until `MOTCUA_FUZZ_SECONDS` (default 40) or `MOTCUA_FUZZ_REQUESTS` (default 2,000) run out; the seed
(`MOTCUA_FUZZ_SEED`) makes a failure reproducible."""
from __future__ import annotations

import json
import os
import random
import time
from typing import Any

from werkzeug.routing import IntegerConverter

from adapters.bootstrap import Services
from tests.helpers import session_of, submit

SECONDS = float(os.environ.get("MOTCUA_FUZZ_SECONDS", "40"))
REQUESTS = int(os.environ.get("MOTCUA_FUZZ_REQUESTS", "2000"))
SEED = int(os.environ.get("MOTCUA_FUZZ_SEED", "11"))

# Percent-encoded, as they travel in a URL or a urlencoded form.
ODD = ["", "x", "%00", "a%00b", "%ED%A0%80", "%FF%FE", "%C0%AF", "9999-12-31", "0001-01-01", "10000-01-01",
       "9999-12-31T23%3A59", "2026-02-30", "9223372036854775808", "-9223372036854775809", "-1", "0", "2147483648",
       "9223372036854775807",
       "99999999999999999999999", "%EF%BC%91%EF%BC%92", "1e309", "NaN", "%27%20OR%201%3D1--", "%3Cscript%3E",
       "..%2F..%2Fetc%2Fpasswd", "a" * 3000, "%E2%80%AE%F0%9F%98%80", "%CC%81" * 50, "true", "null", "%0D%0AX%3A1",
       "%2F%2Fevil.example", "%09"]
JSON_ODD: list[Any] = ["\ud800", "a\x00b", 2**64, -(2**63) - 1, 1e308, float("nan"), [], {}, None, True, "9999-12-31",
                       "0001-01-01T00:00:00+00:00", "x" * 30_000, json.loads("[" * 40 + "]" * 40), "", 0, -1,
                       {"\ud800": 1}, ["\x00"], "2026-03-02T09:00:00+07:00", "１２", {"a": {"b": None}}]
FIELDS = ["username", "password", "password_confirm", "new_password", "current_password", "email", "full_name",
          "code", "phone", "comment", "rating", "reason", "new_due", "body", "receipt_no", "from", "to", "year",
          "day", "kind", "note", "q", "next", "name", "level", "parent", "roles", "agency", "locked", "version",
          "old", "new", "back", "action", "data.reception_decision", "data.reception_note", "checklist_shown",
          "checklist.giay_de_nghi", "channel", "declaration", "nonce", "colleague", "page", "queue", "lang",
          "form.ho_ten_chu_ho", "form.so_lao_dong", "delivery.recipient_name", "payload"]
JSON_FIELDS = ["procedure", "form", "channel", "agency", "declaration", "documents", "data", "checklist",
               "delivery", "receipt_no", "day", "kind", "note", "new_due", "reason"]
USERS = [None, "citizen", "reception", "specialist", "leader", "admin", "analyst"]


def _real_values(services: Services, code: str) -> dict[str, list[str]]:
    from processes.desk.tasks import list_tasks

    task_ids = [str(t["id"]) for t in list_tasks(services, "reception")]
    return {"code": [code, "1.001612", "000.00.22.H34"], "task_id": task_ids or ["1"], "username": ["citizen"],
            "day": ["2026-09-02"], "form_no": ["01", "05"], "key": ["giay_de_nghi"], "filename": ["site.css"],
            "token": ["x.y.z"]}


def _url(rule: Any, rnd: random.Random, real: dict[str, list[str]]) -> str:
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = rnd.choice(["1", "0", "2147483648", "9223372036854775807", "9223372036854775808",
                                       "99999999999999999999"])
        else:
            values[name] = rnd.choice(real.get(name, ["x"]) + ODD)
    path = rule.rule
    for name, value in values.items():
        path = path.replace(f"<{name}>", value).replace(f"<int:{name}>", value).replace(f"<path:{name}>", value)
    query = "&".join(f"{rnd.choice(FIELDS)}={rnd.choice(ODD)}" for _ in range(rnd.randint(0, 3)))
    return path + (f"?{query}" if query else "")


def _form(rnd: random.Random) -> str:
    pairs = [f"{name}={rnd.choice(ODD)}" for name in rnd.sample(FIELDS, rnd.randint(1, 8))]
    return "&".join(["csrf_token=t", *pairs])


def _json(rnd: random.Random) -> str:
    body = {name: rnd.choice(JSON_ODD) for name in rnd.sample(JSON_FIELDS, rnd.randint(1, 6))}
    return json.dumps(rnd.choice([body, body, rnd.choice(JSON_ODD)]))


def test_no_door_answers_5xx_to_odd_input(app: Any, services: Services, token: Any) -> None:
    code = submit(services)
    real = _real_values(services, code)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    rnd = random.Random(SEED)
    client = app.test_client()
    failures: list[str] = []
    sids: dict[str, str] = {}  # one server-side browser session per kind of user (the fuzz may end it)
    started, sent = time.monotonic(), 0
    rounds = 0
    while True:
        for rule in rules:
            if rounds and (time.monotonic() - started > SECONDS or sent >= REQUESTS):
                break
            method = rnd.choice(sorted(rule.methods - {"HEAD", "OPTIONS"}))
            user = rnd.choice(USERS)
            url = _url(rule, rnd, real)
            headers: dict[str, str] = {}
            data: str | None = None
            if rule.rule.startswith("/api/"):
                if user:
                    headers |= token(user)
                if method in ("POST", "DELETE"):
                    headers["Content-Type"] = "application/json"
                    data = _json(rnd)
                    if rnd.random() < 0.3:
                        headers["Idempotency-Key"] = rnd.choice(["k", "x" * 300, "a b"])
            else:
                with client.session_transaction() as s:
                    s.clear()
                    s["csrf"] = "t"
                    if user:
                        if user not in sids:
                            sids[user] = session_of(client, user)
                        s["sid"] = sids[user]
                if method == "POST":
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
                    data = _form(rnd)
            resp = client.open(url, method=method, data=data, headers=headers)
            resp.close()
            sent += 1
            if resp.status_code >= 500:
                failures.append(f"{resp.status_code} {method} {url[:200]} as {user}: {(data or '')[:300]}")
        else:
            rounds += 1
            continue
        break
    print(f"route fuzz: {sent} requests, {len(rules)} rules, {time.monotonic() - started:.0f} s, seed {SEED}")
    assert sent >= len(rules)
    assert failures == [], "\n".join(failures)

"""The input gate at the doors: every text a request brings (URL parts, query string, form fields,
file names, JSON) is normalised and checked before a route sees it, so that no odd input reaches a
use case or a database as anything but a refusal naming its field.

- every form part named (a multipart part without a name: 400 `input.unnamed_part`);
- valid Unicode only (a JSON "\\ud800" is not text) and no control characters but tab and line breaks in
  a form field or JSON string, none at all in a URL part or query parameter (a NUL byte breaks PostgreSQL
  text columns, a line break a redirect): 400 `input.not_unicode` / `input.control_character`;
- at most `MAX_QUERY` characters per query parameter or URL part and `MAX_FIELD` per form field or
  JSON string: 422 `input.too_long` (the use cases keep their own, tighter limits per field);
- JSON at most `MAX_JSON_DEPTH` deep with at most `MAX_JSON_VALUES` values: 400 `input.json_too_deep`,
  `input.json_too_large` (its size in bytes is bounded by MAX_CONTENT_LENGTH: 413);
- a value written as a date (YYYY-MM-DD, optionally with a time) must fall in the years
  `YEARS`, and a value written as an integer must fit in 64 bits: 422 `input.date_out_of_range`,
  `input.number_out_of_range`; an integer in a URL part (a row id) beyond 2^31-1 is simply not found (404).

Texts are normalised to NFC (Vietnamese typed on some systems arrives decomposed), passwords excepted:
they are compared as typed."""
from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from flask import Flask, g, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from processes.errors import Invalid, Malformed

MAX_QUERY = 2_000
MAX_FIELD = 20_000
MAX_JSON_DEPTH = 32
MAX_JSON_VALUES = 20_000
YEARS = (1900, 2200)
MAX_INT = 2**63 - 1
MAX_ID = 2**31 - 1  # the largest row id a database INTEGER column holds (PostgreSQL int4)
# Parameters that name a count or a row of the database (a version, a page, a year): an integer there
# must fit an INTEGER column, or PostgreSQL refuses the query.
COUNTED = {"version", "old", "new", "to", "page", "year", "id"}
# Fields whose size is bounded elsewhere: the JSON of a multipart request (checked once parsed), an
# inline document's base64 (checked by the attachment store, like any upload), and the diagram and
# catalogue texts the studio sends to be checked (bounded by the diagram upload limit of its route).
UNBOUNDED = {"payload", "content_base64", "bpmn", "catalogue"}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab and line breaks are text in a form
_CONTROL_IN_URL = re.compile(r"[\x00-\x1f\x7f]")  # not in a URL part or a query parameter
_DATE = re.compile(r"(\d{4,})-\d\d-\d\d(?:[T ][0-9:.]+(?:Z|[+-]\d\d:?\d\d)?)?")
_INTEGER = re.compile(r"[+-]?\d+")


class BoundedInteger(IntegerConverter):
    """`<int:...>` in a URL (a row id): a number a database INTEGER holds, or no such page (404)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def text(value: str, field: str, limit: int = MAX_FIELD, *, normalise: bool = True,
         controls: re.Pattern[str] = _CONTROL) -> str:
    """One text checked and normalised, or a refusal naming `field`."""
    # The field's name may itself be the odd text (a JSON key): named in a form that can be sent back.
    field = field.encode("utf-8", "backslashreplace").decode("utf-8")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Malformed("input.not_unicode", field, field=field) from None
    if controls.search(value):
        raise Malformed("input.control_character", field, field=field)
    if field not in UNBOUNDED and len(value) > limit:
        raise Invalid("input.too_long", field, field=field, max=limit)
    _check_shape(value, field)
    return unicodedata.normalize("NFC", value) if normalise else value


def _check_shape(value: str, field: str) -> None:
    """A text written as a date or as an integer must be one the system can count with."""
    if len(value) > 40:
        return
    stripped = value.strip()
    date = _DATE.fullmatch(stripped)
    if date and not YEARS[0] <= int(date.group(1)) <= YEARS[1]:
        raise Invalid("input.date_out_of_range", field, field=field, first=YEARS[0], last=YEARS[1])
    if _INTEGER.fullmatch(stripped) and abs(int(stripped)) > (MAX_ID if field in COUNTED else MAX_INT):
        raise Invalid("input.number_out_of_range", field, field=field)


def parse_json(raw: bytes | str, field: str = "") -> Any:
    """A JSON document read within the limits, every text in it checked like a form field."""
    try:
        body = json.loads(raw)
    except RecursionError:
        raise Malformed("input.json_too_deep", field or None, max=MAX_JSON_DEPTH) from None
    except (ValueError, UnicodeDecodeError):
        raise Malformed("malformed_json", field or None) from None
    return _clean(body, field)


def _clean(root: Any, field: str) -> Any:
    """Check and normalise a parsed JSON document, without recursion (its depth is what is checked)."""
    count = 0
    holder: list[Any] = [root]
    stack: list[tuple[Any, Any, str, int]] = [(holder, 0, field, 0)]
    while stack:
        parent, key, path, depth = stack.pop()
        value = parent[key]
        count += 1
        if count > MAX_JSON_VALUES:
            raise Malformed("input.json_too_large", field or None, max=MAX_JSON_VALUES)
        if depth > MAX_JSON_DEPTH:
            raise Malformed("input.json_too_deep", path or None, field=path, max=MAX_JSON_DEPTH)
        if isinstance(value, str):
            parent[key] = text(value, path or "body", MAX_FIELD, normalise=not _secret(path))
        elif isinstance(value, bool) or value is None or isinstance(value, float):
            continue
        elif isinstance(value, int):
            if abs(value) > MAX_INT:
                raise Invalid("input.number_out_of_range", path or None, field=path)
        elif isinstance(value, list):
            stack.extend((value, i, f"{path}[{i}]", depth + 1) for i in range(len(value)))
        elif isinstance(value, dict):
            cleaned: dict[str, Any] = {}
            for name, item in value.items():
                checked = text(name, f"{path}.{name}" if path else name, MAX_QUERY)
                cleaned[checked] = item
            value.clear()
            value.update(cleaned)
            stack.extend((value, name, f"{path}.{name}" if path else name, depth + 1) for name in cleaned)
    return holder[0]


def _secret(field: str) -> bool:
    return "password" in field.rsplit(".", 1)[-1]


def _name(name: str | None) -> str:
    """A form part's name: a multipart part may come without one (no route can read it)."""
    if name is None:
        raise Malformed("input.unnamed_part")
    return name


def _multidict(pairs: Any, limit: int, controls: re.Pattern[str] = _CONTROL) -> ImmutableMultiDict[str, str]:
    return ImmutableMultiDict([(text(_name(k), k, MAX_QUERY, controls=_CONTROL_IN_URL),
                                text(v, k, limit, normalise=not _secret(k), controls=controls))
                               for k, v in pairs.items(multi=True)])


def check_request() -> None:
    """Before every route: the URL parts, the query string, the form, the file names and the JSON."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):
            text(value, name, MAX_QUERY, controls=_CONTROL_IN_URL)
    request.args = _multidict(request.args, MAX_QUERY, _CONTROL_IN_URL)
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        request.form = _multidict(request.form, MAX_FIELD)
        for name, file in request.files.items(multi=True):
            text(_name(name), name, MAX_QUERY)
            if file.filename:
                text(file.filename, name, 255)
    elif request.is_json and request.content_length != 0:
        raw = request.get_data(cache=True)
        g.json_body = parse_json(raw) if raw else {}


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedInteger
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)

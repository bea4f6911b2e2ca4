"""Every refusal the code can raise has a stable code and a sentence a person can act on.

Reads the sources (no database, no Flask app): every `Kind("code", ...)` raised or built in the rooms,
and every `Reason("code", ...)`, must name a code that `web/refusals.py` says in words, and none may
be prose (the old "Vietnamese (English)" strings)."""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from processes import errors
from web.refusals import MESSAGES, STATUS

ROOT = Path(__file__).resolve().parents[2]
ROOMS = ("processes", "adapters", "handlers", "web")
KINDS = {name for name, value in vars(errors).items()
         if isinstance(value, type) and issubclass(value, errors.Refused)}
SUBCLASSES: set[str] = set()
CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
CATALOGUE = ROOT / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def _sources() -> list[Path]:
    return sorted(p for room in ROOMS for p in (ROOT / room).rglob("*.py"))


def _refusal_classes() -> set[str]:
    """The kinds of processes/errors.py and every class derived from one of them anywhere."""
    found = set(KINDS)
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(b, ast.Name) and b.id in found for b in node.bases):
                found.add(node.name)
    return found


def _codes() -> list[tuple[str, int, str]]:
    """(file, line, first argument's text) of every refusal or Reason built with a literal code."""
    classes = _refusal_classes() | {"Reason"}
    found = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else (
                node.func.attr if isinstance(node.func, ast.Attribute) else "")
            if name not in classes:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((str(path.relative_to(ROOT)), node.lineno, first.value))
            elif isinstance(first, (ast.JoinedStr, ast.Dict)):
                found.append((str(path.relative_to(ROOT)), node.lineno, ast.unparse(first)))
    return found


def test_the_sources_raise_refusals_at_all() -> None:
    assert len(_codes()) > 100  # the scan sees the rooms (a broken scan would pass everything below)


@pytest.mark.parametrize("where,line,code", _codes(), ids=lambda v: str(v)[:60])
def test_every_refusal_names_a_code_with_a_sentence(where: str, line: int, code: str) -> None:
    assert CODE.match(code), f"{where}:{line}: a refusal carries a code, not prose: {code[:80]}"
    assert code in MESSAGES, f"{where}:{line}: no sentence for {code!r} in web/refusals.py MESSAGES"


def test_every_kind_has_a_status() -> None:
    for kind in KINDS:
        assert getattr(errors, kind).kind in STATUS, kind


def _english() -> dict[str, str]:
    with CATALOGUE.open("rb") as po:
        return {m.id: m.string for m in read_po(po) if m.id}


ENGLISH = _english()


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_sentence_has_its_english_with_the_same_placeholders(code: str) -> None:
    catalogue = ENGLISH
    source = MESSAGES[code]
    assert catalogue.get(source), f"{code}: no English for {source!r}"
    names = {f for _, f, _, _ in string.Formatter().parse(source) if f}
    assert names == {f for _, f, _, _ in string.Formatter().parse(catalogue[source]) if f}, code


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_no_sentence_shows_a_regex_or_a_requirement_id(code: str) -> None:
    text = MESSAGES[code]
    assert not re.search(r"\bR\d+\.\d+\b|\^|\$\)|\\d|\[0-9\]|\bbytes?\b", text), f"{code}: {text}"

"""The English catalogue is complete: every text the sources mark for translation (templates, web/,
the source texts of processes/) is in web/translations/messages.pot, has a non-empty English entry in
messages.po with the same `{placeholders}`, and the committed messages.mo is that .po compiled.

Fails when someone adds a page text and forgets `make i18n` or the English; the e2e and browser tests
(tests/e2e/test_english_pages.py, tests/browser/test_english.py) catch texts not marked at all."""
from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "web" / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
# The keywords of `make i18n` (Makefile): gettext's, Flask-Babel's lazy one and the N_ marker.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "N_": None}
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _key(msgid: str | tuple[str, ...]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def _extracted() -> set[str]:
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    return {_key(found[2]) for found in extract_from_dir(str(ROOT), method_map, options_map, KEYWORDS)}


def _strings(message_string: str | tuple[str, ...]) -> tuple[str, ...]:
    return (message_string,) if isinstance(message_string, str) else tuple(message_string)


def test_every_marked_text_is_in_the_template_and_nothing_else() -> None:
    in_sources = _extracted()
    in_pot = {_key(m.id) for m in _read(POT) if m.id}
    assert sorted(in_sources - in_pot) == [], "texts not extracted yet: run `make i18n`"
    assert sorted(in_pot - in_sources) == [], "texts no longer in the sources: run `make i18n`"


def test_every_text_has_an_english_entry_with_the_same_placeholders() -> None:
    po = _read(PO)
    missing, wrong = [], []
    for template in _read(POT):
        if not template.id:
            continue
        entry = po.get(template.id)
        strings = _strings(entry.string) if entry is not None else ()
        if not strings or not all(s.strip() for s in strings) or (entry and entry.fuzzy):
            missing.append(_key(template.id))
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(_strings(template.id))))
        if any(set(PLACEHOLDER.findall(s)) - wanted - {"num"} for s in strings):
            wrong.append(_key(template.id))
    assert missing == [], f"{len(missing)} texts without English: translate them in {PO.relative_to(ROOT)}"
    assert wrong == [], "English entries with a placeholder the source text does not have"


def test_the_catalogue_keeps_no_obsolete_entries() -> None:
    assert list(_read(PO).obsolete) == [], "run `make i18n` (it drops texts no longer in the sources)"


def _entries(catalog: Catalog) -> dict[tuple[str, ...], tuple[str, ...]]:
    return {_strings(m.id): _strings(m.string) for m in catalog if m.id}


def test_the_committed_mo_is_the_po_compiled() -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _read(PO))
    compiled.seek(0)
    fresh = _entries(read_mo(compiled))
    with MO.open("rb") as f:
        committed = _entries(read_mo(f))
    assert committed == fresh, "messages.mo is stale: run `make i18n` (or pybabel compile) and commit it"

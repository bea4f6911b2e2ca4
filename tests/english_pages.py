"""What "an English page is English throughout" means, for the e2e (Flask client) and browser tests.

Vietnamese is told by its diacritics (letters English never uses). Catalogue data has no English name
and stays Vietnamese: the templates mark it with `lang="vi"` (correct HTML for a screen reader, too) or
`data-catalogue` on the element around it (procedure, document and agency names, applicants' data,
officers' and citizens' own words), and everything inside such an element is skipped.

`dossiers_at_every_desk` builds the pages to visit: one dossier at each of reception, the specialist
and the leader, and a fee to show."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.bootstrap import Services

VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]",
                        re.IGNORECASE)
ISO_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?")
# An amount of money on an English page: Babel's "₫150,000,000" (or "₫0").
VND_ENGLISH = re.compile(r"₫\d{1,3}(,\d{3})*")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


def is_catalogue(attrs: dict[str, str | None]) -> bool:
    return attrs.get("lang") == "vi" or "data-catalogue" in attrs


class _Text(HTMLParser):
    """The texts a reader sees (text nodes and the attributes a browser shows), outside catalogue
    data, scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden from the check)
        self.texts: list[str] = []

    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        hidden = self._hidden() or is_catalogue(values) or tag in ("script", "style", "svg")
        if not hidden:
            self.texts += [v for k, v in attrs if k in SHOWN_ATTRIBUTES and v]
            if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
                self.texts.append(str(values["value"]))
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not self._hidden() and data.strip():
            self.texts.append(" ".join(data.split()))


def shown_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.texts


def vietnamese(texts: list[str]) -> list[str]:
    """The texts with Vietnamese in them."""
    return [t for t in texts if VIETNAMESE.search(t)]


def raw_instants(texts: list[str]) -> list[str]:
    return [t for t in texts if ISO_INSTANT.search(t)]


@dataclass
class Stage:
    """The pages of the English walk and who sees them."""

    pages: list[tuple[str, str]] = field(default_factory=list)  # (username or "", path)
    codes: dict[str, str] = field(default_factory=dict)


def dossiers_at_every_desk(services: Services) -> Stage:
    """Three household-business dossiers: one waiting at reception, one at the specialist, one at the
    leader (each with a fee recorded), and the pages of every kind to read them on."""
    from processes.desk.tasks import list_tasks
    from tests.helpers import HKD, submit, work

    codes = {"reception": submit(services), "specialist": submit(services), "leader": submit(services)}
    for desk in ("specialist", "leader"):
        work(services, codes[desk], "reception")
    work(services, codes["leader"], "specialist")

    def task_of(username: str, code: str) -> str:
        found = [t["id"] for t in list_tasks(services, username) if t["dossier"] == code]
        assert found, f"{username} has no task on {code}"
        return str(found[0])

    stage = Stage(codes=codes)
    stage.pages = [
        ("", "/"), ("", f"/procedures/{HKD}"), ("", "/track"), ("", f"/track?code={codes['reception']}"),
        ("", "/register"), ("", "/login"), ("", "/feedback"), ("", "/password/forgot"),
        ("citizen", "/my/dossiers"), ("citizen", f"/my/dossiers/{codes['leader']}"),
        ("citizen", f"/my/dossiers/{codes['reception']}/receipt"),
        ("citizen", f"/procedures/{HKD}/submit"), ("citizen", "/account"),
        ("citizen", "/account/tokens"), ("citizen", "/account/password"),
        ("reception", "/officer/tasks"),
        ("reception", f"/officer/tasks/{task_of('reception', codes['reception'])}"),
        ("reception", "/officer/forms/06"), ("reception", "/account/two-factor"),
        ("specialist", "/officer/tasks"),
        ("specialist", f"/officer/tasks/{task_of('specialist', codes['specialist'])}"),
        ("leader", "/officer/tasks"), ("leader", f"/officer/tasks/{task_of('leader', codes['leader'])}"),
        ("admin", "/admin"), ("admin", "/admin/definitions"), ("admin", f"/admin/definitions/{HKD}"),
        ("admin", f"/admin/definitions/{HKD}/migrate?to=1"),
        ("admin", "/admin/calendar"), ("admin", "/admin/agencies"), ("admin", "/admin/users"),
        ("admin", "/admin/reports"), ("analyst", "/admin/definitions"),
    ]
    return stage


def problems(texts: list[str]) -> list[str]:
    """What is wrong with an English page's texts: Vietnamese outside catalogue data, raw instants."""
    return ([f"Vietnamese: {t!r}" for t in vietnamese(texts)]
            + [f"raw instant: {t!r}" for t in raw_instants(texts)])


def walk_english(get: Any, stage: Stage) -> dict[str, list[str]]:
    """`get(username, path)` returns a page's HTML; the problems of each page read in English."""
    return {f"{user or 'anonymous'} {path}": found for user, path in stage.pages
            if (found := problems(shown_texts(get(user, path))))}

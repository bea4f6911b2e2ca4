"""axe-core (npm, from the project's lock file) on every portal page, at desktop and phone width: no serious
or critical violation of WCAG 2 A/AA (issue 19)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap import Services
from tests.helpers import HKD, submit, work
from tests.portal_kit import log_in_citizen

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}
PUBLIC = ["/", f"/procedures/{HKD}", "/track", "/feedback", "/login", "/register", "/password/forgot"]


def _axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make install` runs `npm ci` (package-lock.json)")
    return AXE.read_text(encoding="utf-8")


def _violations(page: Any, source: str) -> list[str]:
    page.evaluate(source)  # through the DevTools protocol: the page's CSP (no inline script) stays strict
    found = page.evaluate("""async () => {
        const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
        return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.id + ' (' + v.impact + '): '
                      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")
    return list(found)



@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_no_serious_or_critical_violation_on_any_portal_page(live_server: str, page: Any, services: Services,
                                                             width: str) -> None:
    source = _axe_source()
    code = submit(services)
    work(services, code, "reception")  # accepted: the receipt (01) and the steps exist
    page.set_viewport_size(WIDTHS[width])
    found: dict[str, list[str]] = {}
    for path in PUBLIC:
        page.goto(live_server + path)
        found[path] = _violations(page, source)
    log_in_citizen(page, live_server)
    for path in ("/my/dossiers", f"/my/dossiers/{code}", f"/my/dossiers/{code}/receipt",
                 f"/procedures/{HKD}/submit", "/account", "/account/privacy"):
        page.goto(live_server + path)
        found[path] = _violations(page, source)
    assert {p: v for p, v in found.items() if v} == {}


def test_the_check_itself_finds_a_known_violation(page: Any) -> None:
    """So that an empty list above means the pages are clean, not that axe did not run."""
    page.set_content('<html lang="vi"><body><main><img src="data:image/png;base64,iVBORw0KGgo="></main></body></html>')
    assert any(v.startswith("image-alt (critical)") for v in _violations(page, _axe_source()))

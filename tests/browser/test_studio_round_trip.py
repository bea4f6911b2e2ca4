"""Every MIWG reference model and every shipped diagram opens in the studio's modeler (bpmn-js with the
Camunda moddle, as the analysts use it) and saves back without losing an element; the server reads the saved
file as it read the original: the shipped diagrams still deploy with the same user tasks, roles, forms and
properties, and the reference models are refused for the same elements."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from handlers.default import default_registry
from processes.definitions.deploy import DiagramSource, Validation, read_source, validate_source

ROOT = Path(__file__).parents[2]
MIWG = sorted((ROOT / "tests" / "conformance" / "miwg").glob("*.bpmn"))
SHIPPED = sorted((ROOT / "bpmn_diagrams").glob("*.bpmn"))
TOPICS = default_registry().topics()

ROUND_TRIP = """async (xml) => {
  const modeler = window.motcuaStudio.modeler;
  try {
    const { warnings } = await window.motcuaStudio.load(xml);  // as the studio opens a file
    const { xml: saved } = await modeler.saveXML({ format: true });
    return { saved, warnings: warnings.map((w) => w.message) };
  } catch (err) {
    return { saved: '', warnings: ['failed: ' + err.message] };
  }
}"""


BPMN_MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# The drawing (BPMN-DI) of three reference models is partly invalid, and bpmn-js leaves out what it cannot
# draw; the semantic elements stay. Said in docs/definitions.md; any other loss fails.
DRAWING_BPMN_JS_DROPS = {
    "B.1.0.bpmn": "shapes of a process that no pool references, drawn in the collaboration's plane",
    "B.2.0.bpmn": "shapes of a process that no pool references, drawn in the collaboration's plane",
    "C.7.0.bpmn": "an edge that names no element (bpmnElement missing)",
}


def ids(xml: bytes, semantic: bool) -> set[str]:
    """The ids of the model's elements (semantic) or of its drawing."""
    tree = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    return {str(el.get("id")) for el in tree.iter() if isinstance(el.tag, str) and el.get("id")
            and (etree.QName(el).namespace == BPMN_MODEL) == semantic}


def validation(path: Path, bpmn: bytes) -> Validation:
    source = read_source(path)
    assert isinstance(source, DiagramSource)
    return validate_source(DiagramSource(source.path, bpmn, source.catalogue_path, source.catalogue), TOPICS)


def saved_by_the_modeler(playwright_browser: Any, live_server: str, paths: list[Path]) -> dict[Path, Any]:
    context = playwright_browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server}/login?next=/admin/definitions/new")
    page.locator("#f-username").fill("analyst")
    page.locator("#f-password").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_selector("body[data-studio=ready]")
    saved = {}
    for path in paths:
        answer = page.evaluate(ROUND_TRIP, path.read_text(encoding="utf-8"))
        saved[path] = (answer["saved"].encode("utf-8"), answer["warnings"])
    context.close()
    return saved


def test_every_reference_model_and_shipped_diagram_survives_the_modeler(
        playwright_browser: Any, live_server: str) -> None:
    assert len(MIWG) == 21 and len(SHIPPED) >= 11
    assert set(DRAWING_BPMN_JS_DROPS) <= {p.name for p in MIWG}
    saved = saved_by_the_modeler(playwright_browser, live_server, MIWG + SHIPPED)
    failures: list[str] = []
    for path in MIWG + SHIPPED:
        after, warnings = saved[path]
        if any(w.startswith("failed: ") for w in warnings):
            failures.append(f"{path.name}: the modeler could not open or save it: {warnings}")
            continue
        lost = ids(path.read_bytes(), semantic=True) - ids(after, semantic=True)
        if lost:
            failures.append(f"{path.name}: the modeler lost the elements {sorted(lost)}")
        lost = ids(path.read_bytes(), semantic=False) - ids(after, semantic=False)
        if lost and path.name not in DRAWING_BPMN_JS_DROPS:
            failures.append(f"{path.name}: the modeler lost the drawing of {sorted(lost)}")
    for path in SHIPPED:  # still deploys, with the same user tasks: roles, forms, statuses, properties
        before, again = validation(path, path.read_bytes()), validation(path, saved[path][0])
        if again.problems:
            failures.append(f"{path.name}: refused after the round trip: {[str(p) for p in again.problems]}")
        elif before.definition is None or again.definition is None \
                or again.definition.user_tasks != before.definition.user_tasks:
            failures.append(f"{path.name}: its user tasks changed in the round trip")
    for path in MIWG:  # judged as before: the same problems at the same elements
        def judged(bpmn: bytes, path: Path = path) -> set[tuple[str | None, str]]:
            return {(p.element_id, p.message) for p in validation(path, bpmn).problems}
        if judged(saved[path][0]) != judged(path.read_bytes()):
            failures.append(f"{path.name}: judged differently after the round trip: "
                            f"{judged(saved[path][0]) ^ judged(path.read_bytes())}")
    assert not failures, "\n".join(failures)

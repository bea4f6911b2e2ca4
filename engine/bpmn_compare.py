"""Which elements of a BPMN diagram changed between two versions: added, removed or changed, by
element id, with what changed (type, name, conditions, timers, handler, role, form, flows).

The comparison reads only the semantic model (processes, collaborations, messages), never the
layout: moving a shape is not a change of the procedure."""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from engine.xml_safety import parse_xml

_SEMANTIC_ROOTS = {"process", "collaboration", "message", "signal", "error", "escalation", "dataStore"}
# Children folded into their owner's description instead of being listed on their own.
_FOLDED = {"incoming", "outgoing", "extensionElements", "documentation", "conditionExpression",
           "timeDate", "timeDuration", "timeCycle", "script", "flowNodeRef", "ioSpecification",
           "multiInstanceLoopCharacteristics", "standardLoopCharacteristics"}


_TRANSPARENT = {"laneSet", "childLaneSet"}  # containers whose lanes are listed on their own
_XSI = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass(frozen=True)
class ElementChange:
    """One element that differs: `kind` is "added", "removed" or "changed"."""

    kind: str
    element_id: str
    element_type: str
    name: str
    details: tuple[str, ...] = field(default_factory=tuple)


def compare_diagrams(old: bytes, new: bytes, old_path: str = "old", new_path: str = "new") -> list[ElementChange]:
    """Every element added, removed or changed from `old` to `new`, in the new file's order
    (removed ones last). Raises DiagramRefused when either file cannot be read."""
    before = _elements(parse_xml(old, old_path).getroot())
    after = _elements(parse_xml(new, new_path).getroot())
    changes: list[ElementChange] = []
    for element_id, (kind, name, facts) in after.items():
        if element_id not in before:
            changes.append(ElementChange("added", element_id, kind, name))
            continue
        old_kind, old_name, old_facts = before[element_id]
        details = []
        if old_kind != kind:
            details.append(f"type: {old_kind} → {kind}")
        if old_name != name:
            details.append(f"name: {_show(old_name)} → {_show(name)}")
        for key in sorted(set(old_facts) | set(facts)):
            was, now = old_facts.get(key), facts.get(key)
            if was == now:
                continue
            if key in _LISTS:
                gone = sorted(set(_items(was)) - set(_items(now)))
                new_items = sorted(set(_items(now)) - set(_items(was)))
                details.append(f"{key}: " + "; ".join(filter(None, (
                    f"+ {', '.join(new_items)}" if new_items else "", f"− {', '.join(gone)}" if gone else ""))))
            else:
                details.append(f"{key}: {_show(was)} → {_show(now)}")
        if details:
            changes.append(ElementChange("changed", element_id, kind, name or old_name, tuple(details)))
    for element_id, (kind, name, _facts) in before.items():
        if element_id not in after:
            changes.append(ElementChange("removed", element_id, kind, name))
    return changes


_LISTS = ("incoming", "outgoing", "flowNodeRef")


def _items(value: str | None) -> list[str]:
    return [v for v in (value or "").split(", ") if v]


def _show(value: str | None) -> str:
    if value is None:
        return "(none)"
    value = " ".join(value.split())
    return repr(value if len(value) <= 80 else value[:77] + "…")


def _local(el: etree._Element) -> str:
    return str(etree.QName(el).localname)


def _elements(root: etree._Element) -> dict[str, tuple[str, str, dict[str, str]]]:
    """id -> (type, name, facts) for every semantic element that has an id."""
    found: dict[str, tuple[str, str, dict[str, str]]] = {}

    def visit(el: etree._Element, inside: bool) -> None:
        for child in el:
            if not isinstance(child.tag, str):
                continue
            name = _local(child)
            is_semantic = inside or name in _SEMANTIC_ROOTS
            if not is_semantic or name in ("BPMNDiagram",):
                continue
            element_id = child.get("id")
            if name in _FOLDED or name.endswith("EventDefinition"):
                continue  # described as part of its owner
            if name in _TRANSPARENT:
                visit(child, True)
                continue
            if element_id:
                found[element_id] = (name, " ".join((child.get("name") or "").split()), _facts(child))
            visit(child, True)

    visit(root, False)
    return found


def _facts(el: etree._Element) -> dict[str, str]:
    """What the element says, attribute by attribute and folded child by folded child."""
    facts: dict[str, str] = {}
    for attr, value in el.attrib.items():
        key = etree.QName(attr)
        if key.localname in ("id", "name"):
            continue
        facts[f"@{_prefix(el, key.namespace)}{key.localname}"] = value
    for child in el:
        if not isinstance(child.tag, str):
            continue
        name = _local(child)
        if name in _TRANSPARENT:
            continue
        if name in ("incoming", "outgoing", "flowNodeRef"):
            facts[name] = ", ".join(sorted(filter(None, (facts.get(name, ""), (child.text or "").strip()))))
        elif name == "extensionElements":
            facts.update(_extension_facts(child))
        elif name in _FOLDED or name.endswith("EventDefinition"):
            text = _text_of(child)
            if text or name.endswith("EventDefinition"):
                facts[name] = text
    return facts


def _extension_facts(ext: etree._Element) -> dict[str, str]:
    """Tool extensions (forms, properties, handler topics) fact by fact: each identified part
    (a form field, a property) is one fact, so a change names the part that changed."""
    facts: dict[str, str] = {}
    for node in ext.iter():
        if node is ext or not isinstance(node.tag, str):
            continue
        key = node.get("id") or node.get("name")
        parent = node.getparent()
        if key and (parent is ext or not (parent.get("id") or parent.get("name"))):
            facts[f"{_local(node)} {key}"] = _text_of(node)
    if not facts:
        text = _text_of(ext)
        if text:
            facts["extensionElements"] = text
    return facts


def _text_of(el: etree._Element) -> str:
    """A compact, order-preserving rendering of an element's content (attributes without ids)."""
    parts = []
    for node in el.iter():
        if not isinstance(node.tag, str):
            continue
        attrs = " ".join(f"{etree.QName(k).localname}={v}" for k, v in sorted(node.attrib.items())
                         if etree.QName(k).localname != "id" and etree.QName(k).namespace != _XSI)
        text = " ".join((node.text or "").split())
        if node is not el:
            parts.append(f"{_local(node)}({attrs})" if attrs else _local(node))
        elif attrs:
            parts.append(attrs)
        if text:
            parts.append(text)
    return "; ".join(parts)


def _prefix(el: etree._Element, namespace: str | None) -> str:
    if not namespace:
        return ""
    for prefix, uri in (el.nsmap or {}).items():
        if uri == namespace and prefix:
            return f"{prefix}:"
    return ""

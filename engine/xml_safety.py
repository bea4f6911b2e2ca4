"""XML parsing that cannot be turned against us: no entities, no network, no DTD, a size limit."""
from __future__ import annotations

from lxml import etree

from engine.problems import DiagramRefused, Problem

MAX_DIAGRAM_BYTES = 5 * 1024 * 1024  # the largest real procedure diagram is ~200 KB


def safe_parser() -> etree.XMLParser:
    """An lxml parser with entity resolution, DTD loading and network access turned off."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def parse_xml(data: bytes, path: str, max_bytes: int = MAX_DIAGRAM_BYTES) -> etree._ElementTree:
    """Parse untrusted XML bytes or raise DiagramRefused naming the file, line and reason."""
    if len(data) > max_bytes:
        raise DiagramRefused([Problem(path, None, None,
                                      f"file is {len(data):,} bytes; the limit is {max_bytes:,} bytes")])
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        # A BPMN file has no business declaring a DTD; entity tricks (billion laughs, XXE) start here.
        raise DiagramRefused([Problem(path, _line_of(data, b"<!"), None,
                                      "DOCTYPE and ENTITY declarations are not allowed in a diagram")])
    try:
        return etree.ElementTree(etree.fromstring(data, safe_parser()))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise DiagramRefused([Problem(path, line, None, f"not well-formed XML: {exc.msg}")]) from None


def _line_of(data: bytes, needle: bytes) -> int | None:
    index = data.upper().find(needle)
    return data.count(b"\n", 0, index) + 1 if index >= 0 else None

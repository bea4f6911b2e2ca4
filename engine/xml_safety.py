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
    try:
        tree = etree.ElementTree(etree.fromstring(data, safe_parser()))
    except etree.XMLSyntaxError as exc:
        _refuse_doctype(_recovered(data), data, path)  # an undefined entity is the DOCTYPE's fault
        line = exc.lineno if exc.lineno else None
        raise DiagramRefused([Problem(path, line, None, f"not well-formed XML: {exc.msg}")]) from None
    _refuse_doctype(tree, data, path)
    return tree


def _refuse_doctype(tree: etree._ElementTree | None, data: bytes, path: str) -> None:
    """A BPMN file has no business declaring a DTD; entity tricks (billion laughs, XXE) start there.
    Decided on the parsed document, so that neither its place (after any amount of comment) nor its
    encoding (UTF-16, a BOM) hides it; the parser itself resolved and fetched nothing."""
    if tree is None:
        return
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise DiagramRefused([Problem(path, _line_of(data, info.encoding), None,
                                      "DOCTYPE and ENTITY declarations are not allowed in a diagram")])


def _recovered(data: bytes) -> etree._ElementTree | None:
    """What a forgiving parse (same protections) makes of a file that is not well-formed."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    return root.getroottree() if root is not None else None


def _line_of(data: bytes, encoding: str | None) -> int | None:
    """The line of the DOCTYPE, read in the document's own encoding."""
    try:
        text = data.decode(encoding or "utf-8", errors="replace")
    except LookupError:
        return None
    index = text.find("<!DOCTYPE")
    return text.count("\n", 0, index) + 1 if index >= 0 else None

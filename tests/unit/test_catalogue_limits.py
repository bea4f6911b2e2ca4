"""A catalogue sidecar is small and shallow: a deep or huge one is a problem line, never a crash."""
from __future__ import annotations

import pytest

from processes.definitions.catalogue import MAX_CATALOGUE_BYTES, MAX_NESTING, parse_catalogue

DEEP = {
    "arrays": "a = " + "[" * 100_000 + "]" * 100_000,
    "inline tables": "a = " + "{b = " * 5000 + "1" + "}" * 5000,
    "on a later line": "code = 'x'\n\nlevels = " + "[" * (MAX_NESTING + 1) + "1" + "]" * (MAX_NESTING + 1),
}


@pytest.mark.parametrize("text", DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_is_refused_at_its_line(text: str) -> None:
    catalogue, problems = parse_catalogue(text.encode("utf-8"), "x.toml")
    assert catalogue is None
    [problem] = problems
    assert problem.line == text[:text.index("[" * 2) if "[[" in text else text.index("{")].count("\n") + 1
    assert f"nested deeper than {MAX_NESTING}" in problem.message


def test_brackets_inside_strings_and_comments_do_not_count() -> None:
    text = ('note = "' + "[" * 40 + '"\n# ' + "{" * 40 + "\nlong = '''\n" + "[" * 40 + "\n'''\n")
    _, problems = parse_catalogue(text.encode("utf-8"), "x.toml")
    assert all("nested deeper" not in p.message for p in problems)


def test_deep_dotted_keys_are_refused() -> None:
    _, problems = parse_catalogue(("a." * 40 + "b = 1").encode("utf-8"), "x.toml")
    assert [p.message for p in problems] == [f"keys nested deeper than {MAX_NESTING} levels"]


def test_a_huge_sidecar_is_refused_unread() -> None:
    _, problems = parse_catalogue(b"# " + b"x" * MAX_CATALOGUE_BYTES, "x.toml")
    assert "a catalogue entry is at most" in problems[0].message

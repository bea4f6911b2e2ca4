"""Expressions and scripts drawn in a diagram run in the sandbox: they may compute, never escape."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine import sandbox
from engine.sandbox import SandboxError, compile_expression, compile_script, evaluate, execute

DOSSIER = {"fee": 50_000, "documents": ["don", "cccd", "anh"], "applicant": {"name": "Nguyễn Văn An"},
           "decision": "accept", "days": 3}


# --- escapes are refused ----------------------------------------------------------------------

ESCAPE_EXPRESSIONS = {
    "subclasses walk": "().__class__.__base__.__subclasses__()",
    "import builtin": "__import__('os')",
    "open a file": "open('/etc/passwd')",
    "getattr with dunder name": "getattr(fee, '__class__')",
    "dunder attribute": "fee.__class__",
    "dunder dict": "applicant.__dict__",
    "format string field walk": "'{0.__class__}'.format(1)",
    "format_map field walk": "'{x.__class__}'.format_map({'x': 1})",
    "str.format unbound": "str.format('{0.__class__}', 1)",
    "tower of powers": "9**9**9",
    "huge pow() exponent": "pow(9, 99999)",
    "list comprehension over bases": "[c for c in ().__class__.__bases__]",
    "generator over mro": "list(c for c in ().__class__.__mro__)",
    "generator frame": "(i for i in [1]).gi_frame.f_globals",
    "lambda returning a class": "(lambda: ().__class__)()",
    "lambda default argument": "(lambda c=().__class__: c)()",
    "f-string dunder": "f'{fee.__class__}'",
    "type builtin": "type(1)",
    "globals builtin": "globals()",
    "locals builtin": "locals()",
    "vars builtin": "vars()",
    "dir builtin": "dir()",
    "eval name": "eval('1')",
    "exec name": "exec('1')",
    "compile name": "compile('1', '', 'eval')",
    "guard name": "_getattr_",
    "underscore variable": "_secret",
    "setattr builtin": "setattr(applicant, 'x', 1)",
    "id builtin": "id(fee)",
    "breakpoint builtin": "breakpoint()",
}


@pytest.mark.parametrize("source", ESCAPE_EXPRESSIONS.values(), ids=ESCAPE_EXPRESSIONS.keys())
def test_an_expression_that_tries_to_escape_is_refused(source: str) -> None:
    with pytest.raises(SandboxError):
        evaluate(source, DOSSIER)


ESCAPE_SCRIPTS = {
    "import statement": "import os",
    "from import": "from os import path",
    "import swallowed by try": ("try:\n    import os\n    leaked = os.getcwd()\n"
                                "except ImportError:\n    pass\nx = leaked"),
    "open in a with block": "with open('/etc/passwd') as fh:\n    text = fh.read()",
    "class definition": "class Escape:\n    pass",
    "dunder through a function": "def f():\n    return ().__class__\nx = f()",
    "attribute write": "applicant.name = 'x'",
    "tower of powers": "x = 9**9**9",
    "shift in place": "days <<= 1000",
    "exec call": "exec('import os')",
    "eval call": "x = eval('1')",
}


@pytest.mark.parametrize("source", ESCAPE_SCRIPTS.values(), ids=ESCAPE_SCRIPTS.keys())
def test_a_script_that_tries_to_escape_is_refused(source: str) -> None:
    variables = dict(DOSSIER)
    with pytest.raises(SandboxError):
        execute(source, variables)


@pytest.mark.parametrize("source", ["().__class__.__base__.__subclasses__()", "__import__('os')",
                                    "[c for c in ().__class__.__bases__]", "9**9**9", "eval('1')"])
def test_escapes_are_refused_when_compiled_so_a_diagram_holding_one_is_never_deployed(source: str) -> None:
    with pytest.raises(SandboxError):
        compile_expression(source)


def test_the_power_operator_refusal_points_to_pow() -> None:
    with pytest.raises(SandboxError, match=r"pow\(x, y\)"):
        evaluate("2 ** 3", {})


def test_pow_with_a_modest_exponent_works_and_a_huge_one_is_refused() -> None:
    assert evaluate("pow(2, 10)", {}) == 1024
    assert evaluate(f"pow(2, {sandbox.MAX_POWER_EXPONENT})", {}) == 2 ** sandbox.MAX_POWER_EXPONENT
    with pytest.raises(SandboxError, match="too large"):
        evaluate(f"pow(2, {sandbox.MAX_POWER_EXPONENT + 1})", {})


def test_the_dunder_refusal_names_the_attribute() -> None:
    with pytest.raises(SandboxError, match="__class__"):
        evaluate("fee.__class__", DOSSIER)


def test_source_longer_than_the_limit_is_refused() -> None:
    with pytest.raises(SandboxError, match="longer than"):
        evaluate("1 + " * (sandbox.MAX_SOURCE_CHARS // 4 + 1) + "1", {})


# --- ordinary diagram expressions work ---------------------------------------------------------

ORDINARY_EXPRESSIONS = [
    ("decision == 'accept'", True),
    ("fee >= 50000 and days < 5", True),
    ("not (fee > 100000)", True),
    ("len(documents) == 3", True),
    ("documents[0]", "don"),
    ("documents[-1]", "anh"),
    ("applicant['name']", "Nguyễn Văn An"),
    ("applicant.get('phone', 'none')", "none"),
    ("'cccd' in documents", True),
    ("applicant['name'].upper().startswith('NGUYỄN')", True),
    ("'-'.join(documents)", "don-cccd-anh"),
    ("documents[1:]", ["cccd", "anh"]),
    ("sorted(documents)", ["anh", "cccd", "don"]),
    ("sum([d for d in [days, days]])", 6),
    ("max(fee, 1) + min(days, 10)", 50_003),
    ("{'a': days}['a'] * 2", 6),
    ("timedelta(days=days)", timedelta(days=3)),
    ("fee if decision == 'accept' else 0", 50_000),
    ("str(fee) + ' đồng'", "50000 đồng"),
    ("f'{days} ngày'", "3 ngày"),
    ("  decision == 'accept'  ", True),
]


@pytest.mark.parametrize(("source", "expected"), ORDINARY_EXPRESSIONS,
                         ids=[source for source, _ in ORDINARY_EXPRESSIONS])
def test_an_ordinary_expression_evaluates_over_the_dossier_variables(source: str, expected: object) -> None:
    assert evaluate(source, DOSSIER) == expected


def test_evaluating_leaves_the_variables_untouched() -> None:
    variables = {"days": 3}
    evaluate("days + 1", variables)
    assert variables == {"days": 3}


@pytest.mark.parametrize(("source", "error"), [
    ("missing_variable", "NameError"), ("fee / 0", "ZeroDivisionError"),
    ("applicant['phone']", "KeyError"), ("documents[10]", "IndexError"),
])
def test_an_expression_that_fails_raises_sandbox_error_naming_the_python_error(
        source: str, error: str) -> None:
    with pytest.raises(SandboxError, match=error):
        evaluate(source, DOSSIER)


@pytest.mark.parametrize("source", ["1 +", "", "a = 1", "if"])
def test_an_expression_that_does_not_parse_raises_sandbox_error(source: str) -> None:
    with pytest.raises(SandboxError, match="syntax error"):
        evaluate(source, {})


# --- scripts ----------------------------------------------------------------------------------

def test_a_script_assigns_variables_back() -> None:
    variables = {"fee": 50_000}
    execute("total = fee * 2\nlabel = 'Lệ phí: ' + str(total)", variables)
    assert variables == {"fee": 50_000, "total": 100_000, "label": "Lệ phí: 100000"}


def test_a_script_updates_an_existing_variable_in_place() -> None:
    variables = {"days": 3, "documents": ["don"]}
    execute("days += 2\ndocuments.append('cccd')", variables)
    assert variables == {"days": 5, "documents": ["don", "cccd"]}


def test_del_in_a_script_removes_the_variable() -> None:
    variables = {"draft": "x", "keep": 1}
    execute("del draft", variables)
    assert variables == {"keep": 1}


def test_a_script_may_loop_unpack_and_write_items() -> None:
    variables: dict[str, object] = {"fees": {"a": 1, "b": 2}}
    execute("total = 0\nfor name, fee in fees.items():\n    total += fee\nfees['c'] = total\n"
            "first, second = sorted(fees)[:2]", variables)
    assert variables["total"] == 3
    assert variables["fees"] == {"a": 1, "b": 2, "c": 3}
    assert (variables["first"], variables["second"]) == ("a", "b")


def test_functions_and_sandbox_helpers_do_not_leak_into_the_variables() -> None:
    variables: dict[str, object] = {}
    execute("def double(x):\n    return x * 2\nresult = double(21)\nspan = timedelta(days=1)", variables)
    assert variables == {"result": 42, "span": timedelta(days=1)}


def test_a_script_that_fails_halfway_changes_no_variable() -> None:
    variables = {"days": 3}
    with pytest.raises(SandboxError, match="ZeroDivisionError"):
        execute("days = 10\nbroken = 1 / 0", variables)
    assert variables == {"days": 3}


def test_a_script_that_does_not_parse_raises_sandbox_error_with_the_line() -> None:
    with pytest.raises(SandboxError, match="line 2"):
        execute("x = 1\ndef f(:", {})


# --- the compile cache --------------------------------------------------------------------------

def test_compiling_the_same_expression_twice_returns_the_same_code_object() -> None:
    assert compile_expression("fee > 100 and days < 3") is compile_expression("fee > 100 and days < 3")


def test_compiling_the_same_script_twice_returns_the_same_code_object() -> None:
    assert compile_script("total = fee * 2") is compile_script("total = fee * 2")


def test_evaluate_strips_the_expression_so_padded_copies_share_one_compilation() -> None:
    evaluate("days + 100", {"days": 1})
    hits = compile_expression.cache_info().hits
    evaluate("   days + 100\n", {"days": 1})
    assert compile_expression.cache_info().hits == hits + 1

"""Expressions and scripts from diagrams run here, compiled by RestrictedPython.

Restricting ``__builtins__`` alone is escapable (``().__class__.__base__.__subclasses__()``);
RestrictedPython refuses underscore names and attributes at compile time and guards attribute
access, item access, iteration and writes at run time, so the escape never compiles.
"""
from __future__ import annotations

import ast
import operator
from collections.abc import Mapping
from datetime import timedelta
from functools import lru_cache
from types import CodeType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Eval import default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)

MAX_SOURCE_CHARS = 10_000
MAX_POWER_EXPONENT = 1_000  # `9**9**9` would hold a worker for ever


class SandboxError(Exception):
    """An expression or script that is refused or fails; the message says why."""


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    operators = {"+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
                 "//=": operator.ifloordiv, "%=": operator.imod, "|=": operator.ior, "&=": operator.iand}
    if op not in operators:
        raise SandboxError(f"operator {op} is not allowed")
    return operators[op](x, y)


def _guarded_pow(base: Any, exponent: Any, *rest: Any) -> Any:
    if isinstance(exponent, (int, float)) and abs(exponent) > MAX_POWER_EXPONENT:
        raise SandboxError(f"exponent {exponent} is too large")
    return pow(base, exponent, *rest)


_EXTRA_BUILTINS: dict[str, Any] = {
    "min": min, "max": max, "sum": sum, "any": any, "all": all, "sorted": sorted,
    "enumerate": enumerate, "zip": zip, "dict": dict, "list": list, "set": set, "tuple": tuple,
    "map": map, "filter": filter, "reversed": reversed, "pow": _guarded_pow,
}
_BUILTINS: dict[str, Any] = {k: v for k, v in safe_builtins.items()
                             if k not in {"setattr", "delattr", "__build_class__", "id", "hash"}}
_BUILTINS.update(_EXTRA_BUILTINS)

# Names a diagram may read besides its own variables.
_SAFE_GLOBALS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": operator.getitem,
    "_getiter_": default_guarded_getiter,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,

    "timedelta": timedelta,
}
_GUARD_NAMES = frozenset(_SAFE_GLOBALS)


class _PowerGuard(ast.NodeVisitor):
    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.Pow):
            raise SandboxError("the ** operator is not allowed; use pow(x, y)")
        self.generic_visit(node)


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> CodeType:
    """Compile an expression once (RestrictedPython compiling is slow) or raise SandboxError."""
    return _compile(source, "eval")


@lru_cache(maxsize=1024)
def compile_script(source: str) -> CodeType:
    """Compile a script once or raise SandboxError."""
    return _compile(source, "exec")


def _compile(source: str, mode: str) -> CodeType:
    if len(source) > MAX_SOURCE_CHARS:
        raise SandboxError(f"the {mode} source is longer than {MAX_SOURCE_CHARS} characters")
    try:
        _PowerGuard().visit(ast.parse(source, mode=mode))
    except SyntaxError as exc:
        raise SandboxError(f"syntax error at line {exc.lineno}: {exc.msg}") from None
    result = (compile_restricted_eval if mode == "eval" else compile_restricted_exec)(source)
    if result.errors:
        raise SandboxError("; ".join(result.errors))
    assert result.code is not None
    return result.code


def evaluate(source: str, variables: Mapping[str, Any]) -> Any:
    """Evaluate a diagram expression over the given variables."""
    code = compile_expression(source.strip())
    scope = dict(variables)
    scope.update(_SAFE_GLOBALS)
    try:
        return eval(code, scope)  # noqa: S307 - code was compiled by RestrictedPython
    except SandboxError:
        raise
    except Exception as exc:
        raise SandboxError(f"{type(exc).__name__}: {exc}") from None


def execute(source: str, variables: dict[str, Any]) -> None:
    """Run a diagram script; assignments it makes land in ``variables``."""
    code = compile_script(source)
    scope = dict(variables)
    scope.update(_SAFE_GLOBALS)
    try:
        exec(code, scope)  # noqa: S102 - code was compiled by RestrictedPython
    except SandboxError:
        raise
    except Exception as exc:
        raise SandboxError(f"{type(exc).__name__}: {exc}") from None
    for name, value in scope.items():
        if name in _GUARD_NAMES or name.startswith("_") or callable(value):
            continue
        variables[name] = value
    for name in [n for n in variables if n not in scope]:
        del variables[name]  # `del x` in a script removes the variable

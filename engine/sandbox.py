"""Expressions and scripts from diagrams run here, compiled by RestrictedPython.

Restricting ``__builtins__`` alone is escapable (``().__class__.__base__.__subclasses__()``);
RestrictedPython refuses underscore names and attributes at compile time and guards attribute
access, item access, iteration and writes at run time, so the escape never compiles.

Every run is also held to a `Budget` (`Limits`: seconds, steps, size), so that a script cannot
exhaust the worker either: each loop turn, function call and iterated item is one step; what a
script builds (`*`, `+`, `%`, `<<`, `pow`, `range`, `join`, `replace`, padding) is checked *before*
it is built. The seconds are measured on a monotonic clock while the sandbox runs: a bound on the
worker's time, deliberately not the injected business clock (which a test may hold still).
"""
from __future__ import annotations

import ast
import operator
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from types import CodeType
from typing import Any

from RestrictedPython import RestrictingNodeTransformer, compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Eval import default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)

MAX_SOURCE_CHARS = 10_000
MAX_POWER_EXPONENT = 1_000  # `9**9**9` would hold a worker for ever
MAX_FORMAT_WIDTH = 1_000  # f'{x:>1000000000}' would build a gigabyte


class SandboxError(Exception):
    """An expression or script that is refused or fails; the message says why."""


@dataclass(frozen=True)
class Limits:
    """What one advance of a workflow may spend in its scripts and expressions ([engine] in config)."""

    seconds: float = 1.0
    steps: int = 1_000_000
    max_size: int = 1_000_000  # items of one list/tuple/range, characters of one string, bits of one int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        engine = config.get("engine", {})
        return cls(seconds=float(engine.get("script_seconds", cls.seconds)),
                   steps=int(engine.get("script_steps", cls.steps)),
                   max_size=int(engine.get("script_max_size", cls.max_size)))


class BudgetExceeded(SandboxError):
    """A script or expression spent its budget; `limit` is "seconds", "steps" or "size"."""

    def __init__(self, limit: str, value: float, detail: str = "", element_id: str | None = None):
        what = {"seconds": f"ran longer than {value:g} s", "steps": f"took more than {value:,.0f} steps",
                "size": f"built a value larger than {value:,.0f}"}[limit]
        super().__init__(f"the script budget is spent: it {what}" + (f" ({detail})" if detail else ""))
        self.limit, self.value, self.element_id = limit, value, element_id


class Exhausted(BaseException):
    """Raised inside the run; a BaseException so that a script's `except Exception` cannot swallow it."""

    def __init__(self, limit: str, detail: str = ""):
        super().__init__(limit)
        self.limit, self.detail = limit, detail


_SIZED = (str, bytes, list, tuple)
_TIME_CHECK_EVERY = 16


class Budget:
    """Steps, sandbox seconds and sizes spent by one advance; the guards of every run charge it."""

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits()
        self.steps = 0
        self.seconds = 0.0
        self.spent: Exhausted | None = None
        self._deadline = float("inf")
        self._next_check = 0
        self.guards = self._guards()

    # -- charging --------------------------------------------------------------------------------
    def tick(self, steps: int = 1) -> None:
        self.steps += steps
        if self.steps > self.limits.steps:
            self._exhaust("steps")
        if self.steps >= self._next_check:
            self._next_check = self.steps + _TIME_CHECK_EVERY
            if time.monotonic() > self._deadline:
                self._exhaust("seconds")

    def size(self, size: int, what: str) -> None:
        if size > self.limits.max_size:
            self._exhaust("size", what)

    def _exhaust(self, limit: str, detail: str = "") -> None:
        self.spent = self.spent or Exhausted(limit, detail)
        raise self.spent

    def run(self, code: CodeType, scope: dict[str, Any]) -> Any:
        """Run compiled code under what is left of the budget; raise BudgetExceeded when it is spent
        (also when the script caught the cut with a bare `except:` and went on)."""
        self.check()
        started = time.monotonic()
        self._deadline = started + self.limits.seconds - self.seconds
        self._next_check = self.steps
        try:
            result = eval(code, scope)  # noqa: S307 - code was compiled by RestrictedPython
        except Exhausted:
            result = None
        finally:
            self.seconds += time.monotonic() - started
            self._deadline = float("inf")
        self.check()
        return result

    def check(self) -> None:
        """Raise BudgetExceeded if this budget was spent (even when a script caught the cut)."""
        if self.spent is not None:
            value = {"seconds": self.limits.seconds, "steps": self.limits.steps,
                     "size": self.limits.max_size}[self.spent.limit]
            raise BudgetExceeded(self.spent.limit, value, self.spent.detail)

    # -- the guards RestrictedPython calls ----------------------------------------------------------
    def _guards(self) -> dict[str, Any]:
        builtins = dict(_BUILTINS)
        builtins.update(range=self._range, pow=self._pow)
        return {"__builtins__": builtins, "_getattr_": self._getattr, "_getitem_": operator.getitem,
                "_getiter_": self._getiter, "_write_": full_write_guard, "_inplacevar_": self._inplacevar,
                "_iter_unpack_sequence_": self._iter_unpack, "_unpack_sequence_": guarded_unpack_sequence,
                "_tick_": self.tick, "_binop_": self._binop, "timedelta": timedelta}

    def _getiter(self, ob: Any) -> Iterator[Any]:
        iterator = default_guarded_getiter(ob)
        if isinstance(ob, range):  # paid for when it was made
            return iterator
        return self._ticking(iterator)

    def _ticking(self, iterator: Iterator[Any]) -> Iterator[Any]:
        tick = self.tick
        for item in iterator:
            tick()
            yield item

    def _iter_unpack(self, it: Any, spec: Any, _getiter: Any) -> Any:
        return guarded_iter_unpack_sequence(it, spec, self._getiter)

    def _range(self, *args: int) -> range:
        result = range(*args)
        self.size(len(result), "range")
        self.tick(len(result))
        return result

    def _pow(self, base: Any, exponent: Any, *rest: Any) -> Any:
        if isinstance(exponent, (int, float)) and abs(exponent) > MAX_POWER_EXPONENT:
            raise SandboxError(f"exponent {exponent} is too large")
        if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and not rest:
            self.size(base.bit_length() * exponent, "pow")
        return pow(base, exponent, *rest)

    def _binop(self, op: str, left: Any, right: Any) -> Any:
        if op == "*":
            self._check_repeat(left, right)
        elif op == "+" and isinstance(left, _SIZED) and isinstance(right, _SIZED):
            self.size(len(left) + len(right), "+")
        elif op == "%" and isinstance(left, (str, bytes)):
            _check_percent_format(left if isinstance(left, str) else left.decode("latin-1"))
        elif op == "<<" and isinstance(left, int) and isinstance(right, int) and right > 0:
            self.size(left.bit_length() + right, "<<")
        return _BINOPS[op](left, right)

    def _check_repeat(self, left: Any, right: Any) -> None:
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, _SIZED) and isinstance(times, int):
                built = len(seq) * max(times, 0)
                self.size(built, "*")
                self.tick(built // 8)  # characters and pointers copied
                return
        if isinstance(left, int) and isinstance(right, int):
            self.size(left.bit_length() + right.bit_length(), "*")

    def _inplacevar(self, op: str, x: Any, y: Any) -> Any:
        if op in ("+=", "*=", "%="):
            return self._binop(op[0], x, y)
        if op not in _INPLACE:
            raise SandboxError(f"operator {op} is not allowed")
        return _INPLACE[op](x, y)

    def _getattr(self, ob: Any, name: str, default: Any = None) -> Any:
        value = safer_getattr(ob, name, default)
        if isinstance(ob, (str, bytes)) and name in _GROWING_TEXT:
            return _checked(value, lambda *a, **k: self.size(_GROWING_TEXT[name](ob, *a, **k), name))
        if isinstance(ob, list) and name == "extend":
            return _checked(value, lambda items: self.size(len(ob) + _len_or_zero(items), name))
        return value


def _checked(method: Callable[..., Any], check: Callable[..., None]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        check(*args, **kwargs)
        return method(*args, **kwargs)
    return call


def _len_or_zero(value: Any) -> int:
    try:
        return len(value)
    except TypeError:
        return 0


def _joined(sep: Any, items: Any, *_: Any) -> int:
    sizes = [len(i) for i in items if isinstance(i, _SIZED)] if isinstance(items, (list, tuple)) else [0]
    return sum(sizes) + len(sep) * max(len(sizes) - 1, 0)


def _replaced(text: Any, old: Any = "", new: Any = "", count: int = -1, *_: Any) -> int:
    found = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(text) + found * max(len(new) - len(old), 0)


def _padded(text: Any, width: Any = 0, *_: Any) -> int:
    return max(len(text), width if isinstance(width, int) else 0)


def _expanded(text: Any, tabsize: Any = 8) -> int:
    return len(text) + text.count("\t" if isinstance(text, str) else b"\t") * max(int(tabsize), 0)


def _translated(text: Any, table: Any = None, *_: Any) -> int:
    longest = max((len(v) for v in table.values() if isinstance(v, _SIZED)), default=1) \
        if isinstance(table, dict) else 1
    return len(text) * max(longest, 1)


_GROWING_TEXT: dict[str, Callable[..., int]] = {
    "join": _joined, "replace": _replaced, "ljust": _padded, "rjust": _padded, "center": _padded,
    "zfill": _padded, "expandtabs": _expanded, "translate": _translated,
}

_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_percent_format(fmt: str) -> None:
    for width, precision in _PERCENT_FIELD.findall(fmt):
        for number in (width, precision):
            if number == "*" or (number and int(number) > MAX_FORMAT_WIDTH):
                raise SandboxError(f"a format width above {MAX_FORMAT_WIDTH} is not allowed")


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "*": operator.mul, "+": operator.add, "%": operator.mod, "<<": operator.lshift}
_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "-=": operator.isub, "/=": operator.itruediv, "//=": operator.ifloordiv, "|=": operator.ior,
    "&=": operator.iand}

_EXTRA_BUILTINS: dict[str, Any] = {
    "min": min, "max": max, "sum": sum, "any": any, "all": all, "sorted": sorted,
    "enumerate": enumerate, "zip": zip, "dict": dict, "list": list, "set": set, "tuple": tuple,
    "map": map, "filter": filter, "reversed": reversed,
}
_BUILTINS: dict[str, Any] = {k: v for k, v in safe_builtins.items()
                             if k not in {"setattr", "delattr", "__build_class__", "id", "hash"}}
_BUILTINS.update(_EXTRA_BUILTINS)
_GUARD_NAMES = frozenset(Budget().guards)

# -- compiling -------------------------------------------------------------------------------------

_GUARDED_OPS: dict[type[ast.operator], str] = {ast.Mult: "*", ast.Add: "+", ast.Mod: "%", ast.LShift: "<<"}


def _tick_call() -> ast.Call:
    return ast.Call(func=ast.Name("_tick_", ast.Load()), args=[], keywords=[])


def _located(new: Any, old: ast.AST) -> Any:
    return ast.fix_missing_locations(ast.copy_location(new, old))


class _BudgetPolicy(RestrictingNodeTransformer):
    """RestrictedPython's rules, plus a step at every loop turn and call, and checked growth."""

    def visit_While(self, node: ast.While) -> Any:
        node = self.node_contents_visit(node)
        node.body.insert(0, _located(ast.Expr(_tick_call()), node))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> Any:
        visited = super().visit_FunctionDef(node)
        assert isinstance(visited, ast.FunctionDef)
        visited.body.insert(0, _located(ast.Expr(_tick_call()), visited))
        return visited

    def visit_Lambda(self, node: ast.Lambda) -> Any:
        visited = super().visit_Lambda(node)
        assert isinstance(visited, ast.Lambda)
        visited.body = _located(ast.BoolOp(op=ast.Or(), values=[_tick_call(), visited.body]), visited.body)
        return visited

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        symbol = _GUARDED_OPS.get(type(node.op))
        if symbol is None:
            return node
        return _located(ast.Call(func=ast.Name("_binop_", ast.Load()),
                                 args=[ast.Constant(symbol), node.left, node.right], keywords=[]), node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> Any:
        for value in node.values:
            spec = getattr(value, "format_spec", None)
            if spec is None:
                continue
            if any(isinstance(part, ast.FormattedValue) for part in spec.values):
                self.error(value, "a computed format width is not allowed")
            text = "".join(str(part.value) for part in spec.values if isinstance(part, ast.Constant))
            if any(int(n) > MAX_FORMAT_WIDTH for n in re.findall(r"\d+", text)):
                self.error(value, f"a format width above {MAX_FORMAT_WIDTH} is not allowed")
        return self.node_contents_visit(node)


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
    compile_fn = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compile_fn(source, policy=_BudgetPolicy)
    if result.errors:
        raise SandboxError("; ".join(result.errors))
    assert result.code is not None
    return result.code


def endless_loops(source: str) -> list[int]:
    """Lines (of `source`) of loops that can never end: `while True:` with no break, return or raise."""
    try:
        tree = ast.parse(source, mode="exec")
    except SyntaxError:
        return []
    return sorted(node.lineno for node in ast.walk(tree)
                  if isinstance(node, ast.While) and _always_true(node.test) and not _has_exit(node.body))


def _always_true(test: ast.expr) -> bool:
    try:
        return bool(ast.literal_eval(test))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False


def _has_exit(body: list[ast.stmt]) -> bool:
    """A break of this loop (not of a nested one), or a return/raise anywhere but in a nested function."""
    pending: list[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Return, ast.Raise)):
            return True
        if isinstance(node, ast.Break):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, (ast.While, ast.For, ast.AsyncFor)):
            pending.extend(_exits_only(node.body))  # a break there ends the inner loop only
            pending.extend(node.orelse)
            continue
        pending.extend(ast.iter_child_nodes(node))
    return False


def _exits_only(body: list[ast.stmt]) -> list[ast.AST]:
    """The statements of a nested loop with its own breaks dropped (return/raise still count)."""
    kept: list[ast.AST] = []
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, (ast.Return, ast.Raise)):
            kept.append(node)
    return kept


# -- running ---------------------------------------------------------------------------------------

def evaluate(source: str, variables: Mapping[str, Any], budget: Budget | None = None) -> Any:
    """Evaluate a diagram expression over the given variables, charging `budget` (a fresh one if None)."""
    code = compile_expression(source.strip())
    budget = budget or Budget()
    scope = dict(variables)
    scope.update(budget.guards)
    try:
        return budget.run(code, scope)
    except SandboxError:
        raise
    except Exception as exc:
        raise SandboxError(f"{type(exc).__name__}: {exc}") from None


def execute(source: str, variables: dict[str, Any], budget: Budget | None = None) -> None:
    """Run a diagram script; assignments it makes land in ``variables``."""
    code = compile_script(source)
    budget = budget or Budget()
    scope = dict(variables)
    scope.update(budget.guards)
    try:
        budget.run(code, scope)
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

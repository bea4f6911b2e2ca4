"""Problems found in a diagram, as lines a person can act on: ``PATH:LINE: ELEMENT_ID: MESSAGE``."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a diagram; unknown parts print as ``-``."""

    path: str
    line: int | None
    element_id: str | None
    message: str

    def __str__(self) -> str:
        line = str(self.line) if self.line else "-"
        element = self.element_id or "-"
        message = " ".join(self.message.split())  # one line per problem, always
        return f"{self.path}:{line}: {element}: {message}"


class DiagramRefused(Exception):
    """A diagram that cannot be deployed or drawn; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems

"""Texts a use case hands to a page: Vietnamese source texts marked with `N_()` for extraction (`make
i18n` reads processes/ too), translated by web/ where they are shown (`_()` in a template or view).
Use cases never translate and never import web/; a refusal is a code (processes/errors.py), not a text."""
from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark a source text for extraction; web/ translates it where it is shown."""
    return text

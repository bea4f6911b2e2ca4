"""Vietnamese by default, English switchable (`?lang=en`, remembered in the session).

Texts in templates and views are written in Vietnamese and wrapped in `_()`; `web/translations_en.py`
maps each to its English text. A text without a translation shows in Vietnamese."""
from __future__ import annotations

from flask import Flask, g, request, session

from web.translations_en import EN

LANGUAGES = ("vi", "en")


def current_language() -> str:
    lang = getattr(g, "lang", None)
    if lang is None:
        wanted = request.args.get("lang")
        if wanted in LANGUAGES:
            session["lang"] = wanted
        lang = session.get("lang", "vi")
        g.lang = lang if lang in LANGUAGES else "vi"
    return str(g.lang)


def gettext(text: str, **values: object) -> str:
    """The text in the current language, with `{name}` placeholders filled in."""
    translated = EN.get(text, text) if current_language() == "en" else text
    return translated.format(**values) if values else translated


_ = gettext


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(_=gettext, current_language=current_language)

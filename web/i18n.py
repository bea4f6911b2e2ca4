"""Vietnamese by default, English switchable (`?lang=en`, remembered in the session).

Flask-Babel with gettext catalogues: the source texts are Vietnamese, wrapped in `_()` in templates and
views (`N_()` marks a text to translate later, e.g. in a table); `make i18n` extracts them into
`web/translations/messages.pot` and updates `web/translations/en/LC_MESSAGES/messages.po`, whose compiled
`.mo` the Makefile builds. Placeholders are `{name}`, filled after translation. A text without an
English entry shows in Vietnamese (and `tests/unit/test_catalogue_complete.py` fails)."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, LazyString
from flask_babel import gettext as babel_gettext
from flask_babel import ngettext as babel_ngettext
from markupsafe import Markup, escape

LANGUAGES = ("vi", "en")
TIMEZONE = "Asia/Ho_Chi_Minh"


def current_language() -> str:
    if not has_request_context():
        return "vi"
    lang = getattr(g, "lang", None)
    if lang is None:
        wanted = request.args.get("lang")
        if request.blueprint == "api":  # the API speaks ?lang only, and keeps no session
            lang = wanted or "vi"
        else:
            if wanted in LANGUAGES:
                session["lang"] = wanted
            lang = session.get("lang", "vi")
        g.lang = lang if lang in LANGUAGES else "vi"
    return str(g.lang)


def gettext(text: str, **values: Any) -> str:
    """The text in the current language, with `{name}` placeholders filled in (a value that is markup,
    e.g. catalogue data marked `lang="vi"`, makes the result markup, the rest of it escaped)."""
    translated = babel_gettext(text) if has_request_context() else text
    if not values:
        return translated
    if any(isinstance(v, Markup) for v in values.values()):
        return Markup(escape(translated)).format(**values)
    return translated.format(**values)


def ngettext(singular: str, plural: str, num: int, **values: Any) -> str:
    """A counted text (`{num}` is the count), in the plural form the language wants."""
    translated = babel_ngettext(singular, plural, num) if has_request_context() else (
        singular if num == 1 else plural)
    return translated.replace("%(num)s", str(num)).format(num=num, **values)


def lazy_gettext(text: str, **values: Any) -> LazyString:
    """A text translated when it is shown (for module-level tables read inside a request)."""
    return LazyString(gettext, text, **values)


def N_(text: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark a text for extraction; it is translated where it is shown, with `_()`."""
    return text


_ = gettext


def switch_language_url(lang: str) -> str:
    """The current page in another language: its path and query, `lang` replaced."""
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", lang)]
    return f"{request.path}?{urlencode(query)}"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "vi")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    Babel(app, locale_selector=current_language, timezone_selector=lambda: TIMEZONE)
    app.jinja_env.globals.update(_=gettext, ngettext=ngettext, current_language=current_language,
                                 switch_language_url=switch_language_url)

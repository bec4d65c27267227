"""The user's language: every interface word comes from a gettext catalog (zh-CN or en).

Messages are written in English in the code, wrapped in ``_()`` (or ``N_()`` where a
constant is defined and translated later, ``ngettext()`` for counts); the catalogs in
``graphsvc/locale`` (managed with Babel, ``python -m graphsvc.support.catalogs``) give
each its zh-CN and en text. The language in force is a context variable: the command
line sets it once (``--lang``, ``GRAPHSVC_LANG``, the locale), the web app per request
(``?lang=``, ``Accept-Language``), so analysis code stays a pure function of its inputs
and the language it is asked in.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import date
from functools import cache
from pathlib import Path

#: the languages the interface speaks, as BCP 47 tags
LANGUAGES = ("zh-CN", "en")
#: what is used when nothing says otherwise (the code's own words)
DEFAULT_LANGUAGE = "en"
DOMAIN = "graphsvc"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
#: the catalog folder (a POSIX locale name) of each language
CATALOG_NAMES = {"zh-CN": "zh_CN", "en": "en"}

_current: ContextVar[str | None] = ContextVar("graphsvc_language", default=None)
_process_language: str | None = None


class UnknownLanguage(ValueError):
    """A language asked for by name that the interface does not speak."""

    def __init__(self, asked: str) -> None:
        self.asked = asked
        super().__init__(
            gettext("unknown language {asked!r}: use one of {languages}").format(
                asked=asked, languages=", ".join(LANGUAGES)
            )
        )


def supported(tag: str | None) -> str | None:
    """The interface language for a language tag or POSIX locale name, None when not spoken.

    ``zh``, ``zh-CN``, ``zh_CN.UTF-8``, ``zh-Hans`` and ``zh-Hans-CN`` are Simplified
    Chinese; ``zh-TW``/``zh-Hant`` are not (their readers are not served by zh-CN).
    """
    if not tag:
        return None
    parts = tag.split(".")[0].split("@")[0].replace("_", "-").lower().split("-")
    if parts[0] == "en":
        return "en"
    if parts[0] == "zh":
        rest = set(parts[1:])
        if rest & {"tw", "hk", "mo", "hant"}:
            return None
        return "zh-CN"
    return None


def language_named(asked: str) -> str:
    """The language a user named (``--lang``, ``?lang=``, ``GRAPHSVC_LANG``); an error otherwise."""
    found = supported(asked.strip())
    if found is None:
        raise UnknownLanguage(asked)
    return found


def from_accept_language(header: str | None) -> str | None:
    """The best spoken language of an HTTP ``Accept-Language`` header, by its weights."""
    choices: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        found = supported(tag.strip())
        if found and weight > 0:
            choices.append((-weight, position, found))
    return min(choices)[2] if choices else None


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The command line's language: ``GRAPHSVC_LANG``, else the locale, else English.

    ``GRAPHSVC_LANG`` must name a spoken language (an error otherwise); the locale
    variables are read in gettext's order and skipped when they name something else.
    """
    env = os.environ if environ is None else environ
    named = env.get("GRAPHSVC_LANG", "").strip()
    if named:
        return language_named(named)
    return _locale_language(env)


def _locale_language(env: Mapping[str, str]) -> str:
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for tag in env.get(variable, "").split(":"):
            found = supported(tag)
            if found:
                return found
    return DEFAULT_LANGUAGE


def set_process_language(language: str | None) -> None:
    """The language of everything this process says outside a ``use_language`` block
    (None: the environment's)."""
    global _process_language
    _process_language = language


def current_language() -> str:
    """The language in force: this context's, else the process's, else the environment's.

    The environment is read each time (a few variables), so a server started with
    ``GRAPHSVC_LANG`` speaks it and a test can change it; a value naming no spoken
    language counts as unset here (the command line refuses it with a message).
    """
    chosen = _current.get() or _process_language
    if chosen:
        return chosen
    return supported(os.environ.get("GRAPHSVC_LANG")) or _locale_language(os.environ)


def enter_language(language: str) -> Token[str | None]:
    return _current.set(language)


def leave_language(token: Token[str | None]) -> None:
    _current.reset(token)


@contextmanager
def use_language(language: str) -> Iterator[str]:
    token = enter_language(language)
    try:
        yield language
    finally:
        leave_language(token)


@cache
def _translations(language: str) -> _gettext.NullTranslations:
    folder = CATALOG_NAMES.get(language)
    if folder is None:
        return _gettext.NullTranslations()
    with open(LOCALE_DIR / folder / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as compiled:
        return _gettext.GNUTranslations(compiled)


def gettext(message: str) -> str:
    """The message in the current language."""
    return _translations(current_language()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural message for ``count``, in the current language."""
    return _translations(current_language()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a constant for the catalog; it is translated where it is shown, with ``_()``."""
    return message


def translations_of(messages: Iterable[str]) -> dict[str, str]:
    """The current language's text of each message: the dictionary a page's script reads."""
    return {message: gettext(message) for message in messages}


def babel_locale(language: str | None = None) -> str:
    return CATALOG_NAMES.get(language or current_language(), "en")


def format_day(day: date) -> str:
    """A day as the reader writes it: 2026年11月22日, Nov 22, 2026."""
    from babel.dates import format_date  # loaded on first use: it costs --help 30 ms

    return format_date(day, "medium", locale=babel_locale())


def format_number(number: float, digits: int = 2) -> str:
    """A number with the reader's separators and at most ``digits`` decimals."""
    from babel.numbers import format_decimal  # loaded on first use, like babel.dates

    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    return format_decimal(number, format=pattern, locale=babel_locale())

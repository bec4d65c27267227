"""Keeping the message catalogs in step with the code (a development command).

``python -m graphsvc.support.catalogs update`` (from the repository root) extracts every
message the code, the page templates and the page scripts mark, plus the command line's
help texts, adds the new ones to ``graphsvc/locale/{zh_CN,en}/LC_MESSAGES/graphsvc.po``
(English is the code's own words, so its entries are filled in), drops the ones no longer
used and compiles the ``.mo`` files that ship in the wheel. Translators then fill the
zh-CN ``msgstr``s and run ``update`` again. ``check`` lists what is missing or stale
(the test suite runs it); ``update --from zh-CN=OTHER.po`` also takes the translations another
copy of a catalog has (merging two branches' catalogs).
"""

from __future__ import annotations

import ast
import inspect
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from graphsvc.support.i18n import CATALOG_NAMES, DOMAIN, LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
_JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}


def _sources(root: Path) -> Iterator[tuple[Path, str]]:
    for path in sorted((root / "graphsvc").rglob("*.py")):
        yield path, "python"
    for path in sorted((root / "visual").glob("*.js")):
        yield path, "javascript"
    for path in sorted((root / "visual").glob("*.j2")):
        yield path, "jinja2.ext:babel_extract"


def cli_help_texts(source: str) -> Iterator[tuple[int, str]]:
    """The help of the command line's options, arguments and commands (``help=``, docstrings)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.keyword)
            and node.arg in ("help", "short_help", "epilog")
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            and node.value.value
        ):
            yield node.value.lineno, node.value.value
        if isinstance(node, ast.FunctionDef) and _is_command(node):
            docstring = ast.get_docstring(node, clean=False)
            if docstring:
                yield node.body[0].lineno, help_text(docstring)


def _is_command(function: ast.FunctionDef) -> bool:
    """A Typer command or callback: decorated as one, or taking ``typer.Option``/``Argument``s."""
    decorated = any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in ("command", "callback")
        for d in function.decorator_list
    )
    defaults = [*function.args.defaults, *(d for d in function.args.kw_defaults if d is not None)]
    typed = any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in ("Option", "Argument")
        for d in defaults
    )
    return decorated or typed or function.name.endswith("_command")


def help_text(docstring: str) -> str:
    """A command's help as click shows it (``inspect.cleandoc``): the catalog's key."""
    return inspect.cleandoc(docstring)


def extract(root: Path = ROOT) -> Catalog:
    template = Catalog(domain=DOMAIN, project="graphsvc", charset="utf-8", fuzzy=False)
    for path, method in _sources(root):
        options = _JINJA_OPTIONS if method.startswith("jinja2") else {}
        where = str(path.relative_to(root))
        for lineno, message, comments, context in extract_from_file(
            method, str(path), keywords=_KEYWORDS, options=options, strip_comment_tags=True
        ):
            template.add(message, locations=[(where, lineno)], auto_comments=comments, context=context)
        if path.parent.name == "cli" and method == "python":
            for lineno, text in cli_help_texts(path.read_text(encoding="utf-8")):
                template.add(text, locations=[(where, lineno)])
    return template


def _po_path(root: Path, language: str) -> Path:
    return root / "graphsvc" / "locale" / CATALOG_NAMES[language] / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read(path: Path, locale: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=locale, domain=DOMAIN, project="graphsvc", charset="utf-8", fuzzy=False)
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, sort_output=True, include_lineno=False, omit_header=False, width=0)
    return out.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _merged(language: str, template: Catalog, current: Catalog, others: list[Catalog]) -> Catalog:
    locale = CATALOG_NAMES[language]
    catalog = Catalog(locale=locale, domain=DOMAIN, project="graphsvc", charset="utf-8", fuzzy=False)
    catalog.revision_date = current.revision_date
    catalog.creation_date = current.creation_date
    known = [current, *others]
    for message in template:
        if not message.id:
            continue
        translation = None
        for source in known:
            found = source.get(message.id, message.context)
            if found is not None and found.string and not found.fuzzy and _complete(found.string):
                translation = found.string
                break
        if translation is None and language == "en":
            translation = message.id
        catalog.add(
            message.id,
            translation if translation is not None else ("", "") if isinstance(message.id, tuple) else "",
            locations=[(loc, 0) for loc, _ in message.locations],
            auto_comments=message.auto_comments,
            flags=message.flags,
            context=message.context,
        )
    return catalog


def _complete(string: object) -> bool:
    return all(string) if isinstance(string, (tuple, list)) else bool(string)


def _plans(root: Path, others: dict[str, list[Catalog]] | None = None) -> dict[str, Catalog]:
    template = extract(root)
    plans = {}
    for language in LANGUAGES:
        path = _po_path(root, language)
        current = _read(path, CATALOG_NAMES[language])
        plans[language] = _merged(language, template, current, (others or {}).get(language, []))
    return plans


def update(root: Path = ROOT, others: dict[str, list[Catalog]] | None = None) -> list[str]:
    """Write the catalogs and their compiled forms; the messages still untranslated."""
    for language, catalog in _plans(root, others).items():
        path = _po_path(root, language)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_po_bytes(catalog))
        path.with_suffix(".mo").write_bytes(_mo_bytes(catalog))
    return untranslated(root)


def untranslated(root: Path = ROOT) -> list[str]:
    missing = []
    for language in LANGUAGES:
        catalog = _read(_po_path(root, language), CATALOG_NAMES[language])
        for message in catalog:
            if message.id and not _complete(message.string):
                missing.append(f"{language}: {message.id!r}")
    return missing


def problems(root: Path = ROOT) -> list[str]:
    """What keeps the shipped catalogs from matching the code: each as one line."""
    found = []
    template = extract(root)
    for language in LANGUAGES:
        path = _po_path(root, language)
        current = _read(path, CATALOG_NAMES[language])
        for message in template:
            if not message.id:
                continue
            entry = current.get(message.id, message.context)
            where = ", ".join(f"{loc}:{line}" for loc, line in message.locations[:3])
            if entry is None:
                found.append(f"{language}: missing from the catalog: {message.id!r} ({where})")
            elif not _complete(entry.string) or entry.fuzzy:
                found.append(f"{language}: not translated: {message.id!r} ({where})")
        for entry in current:
            if entry.id and template.get(entry.id, entry.context) is None:
                found.append(f"{language}: in the catalog but no longer used: {entry.id!r}")
        compiled = path.with_suffix(".mo")
        if not compiled.exists() or compiled.read_bytes() != _mo_bytes(current):
            found.append(f"{language}: {compiled.relative_to(root)} is not compiled from the .po")
    return found


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        others: dict[str, list[Catalog]] = {language: [] for language in LANGUAGES}
        for index, arg in enumerate(argv):
            if arg == "--from":
                language, _, path = argv[index + 1].partition("=")
                others[language].append(_read(Path(path), CATALOG_NAMES[language]))
        left = update(ROOT, others)
        print(f"{len(left)} messages still untranslated")
        for line in left[:50]:
            print("  " + line)
        return 0
    if command == "check":
        issues = problems(ROOT)
        for line in issues:
            print(line)
        return 1 if issues else 0
    print("usage: python -m graphsvc.support.catalogs update [--from LANGUAGE=PATH.po]... | check")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

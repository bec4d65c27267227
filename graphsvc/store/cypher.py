"""The Cypher query layer: named ``.cypher`` files in ``queries/``, checked when loaded.

Each file starts with a header naming its parameters::

    // params: rows, as_of
    // Why this query exists, in a sentence.
    UNWIND $rows AS row ...

The loader fails loudly if a header is missing, if the body uses a parameter the header
does not declare or declares one the body never uses, and ``QueryBook.params`` refuses a
call with a different set of parameters. Labels and relationship types are written in the
files, never built from user input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphsvc.support.resources import resource_dir

_HEADER = re.compile(r"^//\s*params:\s*(?P<params>.*)$", re.MULTILINE)
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_STRING_OR_COMMENT = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*")


class QueryError(RuntimeError):
    """A query file is malformed, unknown, or called with the wrong parameters."""


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    params: frozenset[str]


def parse_query(name: str, text: str) -> Query:
    header = _HEADER.search(text)
    if header is None:
        raise QueryError(f"query {name!r}: missing '// params: ...' header")
    declared_text = header.group("params").strip()
    declared = (
        frozenset()
        if declared_text in ("", "none")
        else frozenset(p.strip().lstrip("$") for p in declared_text.split(","))
    )
    body = _STRING_OR_COMMENT.sub("", text)
    used = frozenset(_PARAM.findall(body))
    if used != declared:
        raise QueryError(f"query {name!r}: header declares {sorted(declared)} but the body uses {sorted(used)}")
    return Query(name=name, text=text, params=declared)


class QueryBook:
    """All queries of a folder, loaded and checked once."""

    def __init__(self, folder: Path | None = None):
        folder = folder or resource_dir("queries")
        files = sorted(folder.glob("*.cypher"))
        if not files:
            raise QueryError(f"no .cypher files in {folder}")
        self._queries = {f.stem: parse_query(f.stem, f.read_text(encoding="utf-8")) for f in files}

    def __contains__(self, name: str) -> bool:
        return name in self._queries

    def names(self) -> list[str]:
        return sorted(self._queries)

    def get(self, name: str) -> Query:
        try:
            return self._queries[name]
        except KeyError:
            raise QueryError(f"unknown query {name!r}") from None

    def bind(self, name: str, **params: Any) -> tuple[str, dict[str, Any]]:
        """The text and parameters for a call, after checking the parameter names match."""
        query = self.get(name)
        given = frozenset(params)
        if given != query.params:
            raise QueryError(f"query {name!r} takes {sorted(query.params)}, called with {sorted(given)}")
        return query.text, params

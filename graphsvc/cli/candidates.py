"""The answer to a name that could mean several people, organisations or duties: exit 2
with the candidates listed (id, name, organisation, title), never a guess."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from graphsvc.cli.common import EXIT_BAD_INPUT, fail

if TYPE_CHECKING:
    from graphsvc.application.name_lookup import AmbiguousName


def ambiguous_exit(exc: AmbiguousName, as_json: bool = False) -> typer.Exit:
    """Print the candidates (with ``--json`` the API's error body on stdout) and return exit 2."""
    from graphsvc.application.error_body import ambiguous_body
    from graphsvc.support.i18n import _

    if as_json:
        typer.echo(ambiguous_body(exc).model_dump_json(indent=2))
    lines = [_("error: “{text}” could be any of these; give the id of the one you mean:").format(text=exc.text)]
    for c in exc.candidates:
        about = " · ".join(part for part in (c.organization, c.title) if part)
        lines.append(f"  {c.id}  {c.name}" + (f"  ({about})" if about else ""))
    return fail("\n".join(lines), EXIT_BAD_INPUT)

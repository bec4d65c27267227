"""Help that reads like a manual page: ``--as-of DAY``, ``--json``, never ``<bool>`` or ``TEXT``.

Typer's own help shows a type placeholder after every option, flags included. Every
command and group of ``graphsvc`` is made with these classes (``cls=``), which write the
usage, the text, the arguments, the options (each value-taking option with its metavar,
falling back to its name in capitals) and the commands, in plain text that wraps to the
terminal.
"""

from __future__ import annotations

from typing import Any

import click
import typer.core

from graphsvc.support.i18n import N_, gettext

# click's and Typer's own words in a help page, for the catalogs
N_("Show this message and exit.")
N_("Install completion for the current shell.")
N_("Show completion for the current shell, to copy it or customize the installation.")


def _metavar(param: Any) -> str:
    if param.metavar:
        return str(param.metavar)
    name = param.opts[-1].lstrip("-") if param.param_type_name == "option" else param.name
    return str(name).upper().replace("-", "_")


def _option_name(param: Any) -> str:
    names = ", ".join(param.opts)
    if param.secondary_opts:
        names += " / " + ", ".join(param.secondary_opts)
    return names if param.is_flag else f"{names} {_metavar(param)}"


def _help(param: Any) -> str:
    return ((gettext(param.help) if param.help else "") + _extras(param)).strip()


def _extras(param: Any) -> str:
    shown: list[str] = []
    default = param.default
    if (
        param.param_type_name == "option"
        and not param.is_flag
        and not param.required
        and default not in (None, [], ())
        and param.show_default is not False
        and not callable(default)
    ):
        shown.append(gettext("default: {value}").format(value=getattr(default, "value", default)))
    if param.required:
        shown.append(gettext("required"))
    return f"  [{'; '.join(shown)}]" if shown else ""


def _usage(param: Any) -> str:
    name = _metavar(param)
    if param.nargs != 1:
        name += "..."
    return name if param.required else f"[{name}]"


def _short_help(command: Any, limit: int) -> str:
    """A command's one-line help in a group's list, translated before it is cut."""
    if command.short_help:
        return gettext(command.short_help)
    if not command.help:
        return ""
    return click.utils.make_default_short_help(gettext(command.help), limit)


class _PlainHelp:
    """The help formatting both the commands and the groups use."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        command: Any = self
        params = command.get_params(ctx)
        pieces = [command.options_metavar or "[OPTIONS]"]
        pieces += [_usage(p) for p in params if p.param_type_name == "argument"]
        group = isinstance(self, typer.core.TyperGroup) and bool(command.list_commands(ctx))
        if group:
            pieces.append(command.subcommand_metavar or "COMMAND [ARGS]...")
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=gettext("Usage: "))
        if command.help:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(gettext(command.help))
        arguments = [(_metavar(p), _help(p)) for p in params if p.param_type_name == "argument"]
        options = [(_option_name(p), _help(p)) for p in params if p.param_type_name == "option" and not p.hidden]
        for title, rows in ((gettext("Arguments"), arguments), (gettext("Options"), options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
        if group:
            commands = []
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    commands.append((name, _short_help(sub, limit=formatter.width - 6 - len(name))))
            if commands:
                with formatter.section(gettext("Commands")):
                    formatter.write_dl(commands)


class PlainCommand(_PlainHelp, typer.core.TyperCommand):
    """A command whose help shows no type placeholders."""


class PlainGroup(_PlainHelp, typer.core.TyperGroup):
    """A group whose help shows no type placeholders."""

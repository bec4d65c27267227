"""Help that reads like a manual page: ``--as-of DAY``, ``--json``, never ``<bool>`` or ``TEXT``.

Typer's own help shows a type placeholder after every option, flags included. Every
command and group of ``graphsvc`` is made with these classes (``cls=``), which write the
usage, the text, the arguments, the options (each value-taking option with its metavar,
falling back to its name in capitals) and the commands, in plain text that wraps to the
terminal, in the reader's language.

Typer writes its own usage errors in English (its click has no catalog); the main group
writes them itself, from our catalog: ``Error: Missing option '--project'.`` or
``错误：缺少选项 '--project'。``. The reason a value was refused is ours where our parsers
refuse it (dates, severities, statuses); Typer's own (a number out of range) stays as
Typer words it.
"""

from __future__ import annotations

import importlib
import re
import sys
from typing import Any

import typer.core

from graphsvc.support.i18n import N_, UnknownLanguage, current_language, gettext, language_named, use_language
from graphsvc.support.text_width import truncate, width

#: the click Typer runs on (its own copy, or click itself): its exceptions
_CLICK = typer.BadParameter.__module__.rpartition(".")[0]
_errors: Any = importlib.import_module(f"{_CLICK}.exceptions")

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
    return _first_sentence(gettext(command.help), limit)


def _first_sentence(text: str, limit: int) -> str:
    """The help's first sentence (English or Chinese), cut to ``limit`` columns with "..."."""
    words = " ".join(text.split("\n\n")[0].split())
    for end in (". ", "。"):
        if end in words:
            words = words[: words.index(end) + len(end)].rstrip()
            break
    if width(words) <= limit:
        return words
    cut = truncate(words, max(limit - 2, 1)).rstrip("…")
    if " " in cut and not cut.endswith(" "):
        cut = cut[: cut.rindex(" ")]  # English: at a word's end
    return cut.rstrip(" ,;:") + "..."


class _PlainHelp:
    """The help formatting both the commands and the groups use."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        """The usage line, in help and above a usage error."""
        command: Any = self
        params = command.get_params(ctx)
        pieces = [command.options_metavar or "[OPTIONS]"]
        pieces += [_usage(p) for p in params if p.param_type_name == "argument"]
        if isinstance(self, typer.core.TyperGroup) and command.list_commands(ctx):
            pieces.append(command.subcommand_metavar or "COMMAND [ARGS]...")
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=gettext("Usage: "))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        command: Any = self
        params = command.get_params(ctx)
        group = isinstance(self, typer.core.TyperGroup) and bool(command.list_commands(ctx))
        self.format_usage(ctx, formatter)
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
            shown = [(name, command.get_command(ctx, name)) for name in command.list_commands(ctx)]
            shown = [(name, sub) for name, sub in shown if sub is not None and not sub.hidden]
            room = formatter.width - 6 - max((len(name) for name, _ in shown), default=0)
            commands = [(name, _short_help(sub, limit=room)) for name, sub in shown]
            if commands:
                with formatter.section(gettext("Commands")):
                    formatter.write_dl(commands)


class PlainCommand(_PlainHelp, typer.core.TyperCommand):
    """A command whose help shows no type placeholders."""


class PlainGroup(_PlainHelp, typer.core.TyperGroup):
    """A group whose help shows no type placeholders, and whose usage errors are written
    in the reader's language (when it is the command run: ``graphsvc``)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _errors.ClickException as error:
            # the run's language ends with its context, before the error is shown
            error.language = current_language()
            raise

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("standalone_mode", True):
            return super().main(*args, **kwargs)
        try:
            result = super().main(*args, **{**kwargs, "standalone_mode": False})
        except _errors.ClickException as error:
            with use_language(getattr(error, "language", None) or _asked_language(kwargs.get("args"))):
                show_error(error)
            sys.exit(error.exit_code)
        except typer.Abort:
            typer.echo(gettext("Aborted!"), err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


def _asked_language(args: Any) -> str:
    """The language of an error found before ``--lang`` was read: the one it names, if any."""
    words = list(sys.argv[1:] if args is None else args)
    for index, word in enumerate(words):
        value = word.partition("=")[2] if word.startswith("--lang=") else None
        if word == "--lang" and index + 1 < len(words):
            value = words[index + 1]
        if value:
            try:
                return language_named(value)
            except UnknownLanguage:
                break
    return current_language()


def _hint(error: Any) -> str | None:
    """The option or argument a usage error is about, as ``'--project'``."""
    hint = error.param_hint
    if hint is None and error.param is not None:
        try:
            hint = error.param.get_error_hint(error.ctx)
        except TypeError:  # Typer's own click takes no context here
            hint = error.param.get_error_hint()
    if hint is None or isinstance(hint, str):
        return hint
    return " / ".join(repr(name) for name in hint)


#: what is missing, by the kind of parameter
_MISSING = {
    "option": N_("Missing option {name}."),
    "argument": N_("Missing argument {name}."),
    "parameter": N_("Missing parameter {name}."),
}
# Typer's own messages without a value in them, for the catalogs
N_("Missing command.")
#: Typer's message for an unknown command (it writes it in English, with a suggestion)
_NO_SUCH_COMMAND = re.compile(r"No such command (?P<name>'.*')\.(?: Did you mean (?P<matches>.*)\?)?", re.DOTALL)


def error_message(error: Any) -> str:
    """A usage error's message in the reader's language."""
    if isinstance(error, _errors.MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param is not None else "parameter")
        return gettext(_MISSING.get(kind, _MISSING["parameter"])).format(name=_hint(error) or "")
    if isinstance(error, _errors.NoSuchOption):
        if error.possibilities:
            options = ", ".join(sorted(error.possibilities))
            return gettext("No such option: {name} (Possible options: {options})").format(
                name=error.option_name, options=options
            )
        return gettext("No such option: {name}").format(name=error.option_name)
    if isinstance(error, _errors.BadParameter):
        name = _hint(error)
        if name is None:
            return gettext("Invalid value: {reason}").format(reason=error.message)
        return gettext("Invalid value for {name}: {reason}").format(name=name, reason=error.message)
    unknown = _NO_SUCH_COMMAND.fullmatch(error.format_message())
    if unknown:
        if unknown["matches"]:
            return gettext("No such command {name}. Did you mean {commands}?").format(
                name=unknown["name"], commands=unknown["matches"]
            )
        return gettext("No such command {name}.").format(name=unknown["name"])
    return gettext(error.format_message())


def show_error(error: Any) -> None:
    """A usage error as click shows it (usage, where to find help, the error), in our words."""
    if type(error).__name__ == "NoArgsIsHelpError":  # the help itself
        error.show()
        return
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        lines = [ctx.get_usage()]
        if ctx.command.get_help_option(ctx) is not None:
            lines.append(
                gettext("Try '{command} {option}' for help.").format(
                    command=ctx.command_path, option=ctx.help_option_names[0]
                )
            )
        typer.echo("\n".join(lines) + "\n", err=True, color=ctx.color)
    typer.echo(gettext("Error: {message}").format(message=error_message(error)), err=True)

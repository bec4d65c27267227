"""CLI groups for administration: API keys, the audit trail, and people's lifecycle
(leave with a successor, merge duplicates, change employer or title).

Registered on the main ``graphsvc`` app in ``cli/main.py``; errors follow its exit codes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, TypeVar

import typer

from graphsvc.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_CONFLICT,
    EXIT_NOT_FOUND,
    actor,
    configured_store,
    day_option,
    error,
    fail,
    more_note,
)
from graphsvc.cli.help import PlainCommand, PlainGroup
from graphsvc.domain.keys import Role, issue
from graphsvc.domain.sessions import SESSION_SECRET_NAME
from graphsvc.support.i18n import format_day
from graphsvc.support.i18n import gettext as _

if TYPE_CHECKING:
    from graphsvc.application.lifecycle import LifecycleReport

keys_app = typer.Typer(cls=PlainGroup, help="API keys: create, list, revoke.", no_args_is_help=True)
audit_app = typer.Typer(cls=PlainGroup, help="The audit trail (read-only).", invoke_without_command=True)
contact_app = typer.Typer(
    cls=PlainGroup, help="People's lifecycle: leave, merge duplicates, move.", no_args_is_help=True
)

# -- keys -------------------------------------------------------------------------------


@keys_app.command("create", cls=PlainCommand)
def keys_create(
    name: str = typer.Option(
        ..., "--name", metavar="NAME", help="who holds the key (recorded as the actor of their writes)"
    ),
    role: Role = typer.Option(..., "--role", metavar="ROLE", help="admin, pmo, manager, member or external"),
    project: list[str] = typer.Option(
        [], "--project", metavar="ID", help="a project the key reaches (repeat; manager/member/external)"
    ),
    org: str | None = typer.Option(
        None, "--org", metavar="ID", help="the holder's organisation (external: whose details stay visible)"
    ),
) -> None:
    """Create a key and print it once; only its hash is stored."""
    with configured_store() as store:
        records = store.keys()
        if any(r.name == name for r in records):
            raise fail(
                error(
                    _("a key named {name!r} exists already; names identify actors in the audit trail").format(name=name)
                ),
                EXIT_BAD_INPUT,
            )
        if role in (Role.manager, Role.member, Role.external) and not project:
            raise fail(error(_("a {role} key needs at least one --project").format(role=role.value)), EXIT_BAD_INPUT)
        if role in (Role.admin, Role.pmo) and project:
            raise fail(
                error(_("a {role} key reaches every project; leave out --project").format(role=role.value)),
                EXIT_BAD_INPUT,
            )
        unknown = sorted(set(project) - store.existing_ids("projects", set(project)))
        if unknown:
            raise fail(error(_("no project {ids}").format(ids=", ".join(map(repr, unknown)))), EXIT_NOT_FOUND)
        if role == Role.external and not org:
            raise fail(
                error(_("an external key needs --org (their own organisation's details stay visible)")),
                EXIT_BAD_INPUT,
            )
        if org and not store.existing_ids("organizations", {org}):
            raise fail(error(_("no organization {id!r}").format(id=org)), EXIT_NOT_FOUND)
        text, record = issue(name, role, project, org)
        store.save_key(record)
    typer.echo(text)
    typer.echo(
        _("key {id} for {name} ({role}); shown once, store it safely").format(id=record.id, name=name, role=role.value),
        err=True,
    )


@keys_app.command("list", cls=PlainCommand)
def keys_list(as_json: bool = typer.Option(False, "--json", help="print the keys as JSON")) -> None:
    """Stored keys (never their secrets)."""
    with configured_store() as store:
        records = store.keys()
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json", exclude={"secret_hash"}) for r in records], indent=2))
        return
    for r in records:
        reach = ", ".join(r.projects) or _("all projects")
        if r.org:
            reach = _("{projects}; org {org}").format(projects=reach, org=r.org)
        typer.echo(f"{r.id}  {r.role.value:8}  {r.name}  ({reach})")


@keys_app.command("revoke", cls=PlainCommand)
def keys_revoke(key_id: str = typer.Argument(..., help="the key id (the part after gsk_)")) -> None:
    """Revoke a key; requests with it fail within seconds."""
    with configured_store() as store:
        if not store.delete_key(key_id):
            raise fail(error(_("no key {id!r}").format(id=key_id)), EXIT_NOT_FOUND)
    typer.echo(_("revoked {id}").format(id=key_id))


@keys_app.command("end-sessions", cls=PlainCommand)
def keys_end_sessions() -> None:
    """Sign every browser out: the secret signing web sessions is renewed (within seconds)."""
    with configured_store() as store:
        store.server_secret(SESSION_SECRET_NAME, renew=True)
    typer.echo(_("every web sign-in session has ended; keys still work"))


# -- audit ------------------------------------------------------------------------------


@audit_app.callback()
def audit_command(
    entity: str | None = typer.Option(None, "--entity", metavar="ID", help="one entity's history"),
    kind: str | None = typer.Option(None, "--kind", metavar="KIND", help="entity kind, e.g. contacts"),
    actor_: str | None = typer.Option(None, "--actor", metavar="NAME", help="changes by this actor"),
    since: date | None = day_option(None, "--since", help="on or after this day"),
    limit: int = typer.Option(100, "--limit", min=0, metavar="N", help="show N entries (0: all)"),
    oldest_first: bool = typer.Option(False, "--oldest-first", help="the oldest entries first"),
    as_json: bool = typer.Option(False, "--json", help="print the entries as JSON (a list, as before)"),
) -> None:
    """Who changed what, newest first, and how many more entries there are."""
    from graphsvc.application.audit_trail import audit_page
    from graphsvc.domain.audit import AuditQuery
    from graphsvc.support.text_width import COLUMNS, truncate

    start = datetime.combine(since, time(), tzinfo=UTC) if since else None
    query = AuditQuery(kind=kind, entity=entity, actor=actor_, since=start, limit=limit)
    with configured_store() as store:
        entries, more = audit_page(store, query, newest_first=not oldest_first)
    if as_json:
        typer.echo(json.dumps([e.model_dump(mode="json") for e in entries], ensure_ascii=False, indent=2))
    else:
        for e in entries:
            line = f"{e.at:%Y-%m-%d %H:%M:%S}  {e.actor:16}  {e.operation:7}  {e.kind}/{e.entity}"
            typer.echo(truncate(line, COLUMNS))
    if more:  # on stderr with --json, which stays a list
        typer.echo(more_note(more), err=as_json)


# -- lifecycle ---------------------------------------------------------------------------


def _print(report: LifecycleReport, as_json: bool) -> None:
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    if report.dry_run:
        typer.echo(_("dry run: nothing was written"))
    for merged in report.fields:
        typer.echo(
            _("field    {field}: {survivor} -> {merged}").format(
                field=merged.field,
                survivor=json.dumps(merged.survivor, ensure_ascii=False),
                merged=json.dumps(merged.merged, ensure_ascii=False),
            )
        )
    for moved in report.moved:
        typer.echo(
            _("moved    {kind} {old} -> {new}: {detail}").format(
                kind=f"{moved.kind:12}", old=moved.old, new=moved.new, detail=moved.detail
            )
        )
    for skipped in report.skipped:
        typer.echo(
            _("not moved {kind} {old}: {detail}").format(
                kind=f"{skipped.kind:11}", old=skipped.old, detail=skipped.detail
            )
        )
    for period in report.history_added:
        typer.echo(_("history  {period}").format(period=period))
    for gone in report.deleted:
        typer.echo(_("removed  {id}").format(id=gone))
    if report.change is not None and report.operation == "merge":
        typer.echo(_("change   {change} (undo: graphsvc contact unmerge {change})").format(change=report.change))


_T = TypeVar("_T")


def _run(operation: Callable[[], _T]) -> _T:
    from graphsvc.application.retry import Conflict
    from graphsvc.domain.bundle import BundleError
    from graphsvc.store.base import NotFound

    try:
        return operation()
    except NotFound as exc:
        raise fail(error(exc), EXIT_NOT_FOUND) from exc
    except Conflict as exc:
        raise fail(error(exc), EXIT_CONFLICT) from exc
    except BundleError as exc:
        raise fail(error("; ".join(f"{p.field}: {p.reason}" for p in exc.problems)), EXIT_BAD_INPUT) from exc


@contact_app.command("leave", cls=PlainCommand)
def contact_leave(
    contact: str = typer.Argument(..., help="who leaves"),
    on: date = day_option(..., "--on", help="the first day they are gone"),
    successor: str | None = typer.Option(
        None, "--successor", metavar="ID", help="who takes over open duties and lines"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the answer as JSON"),
) -> None:
    """Someone leaves; their open assignments and working links continue with the successor."""
    from graphsvc.application.lifecycle import leave

    with configured_store() as store:
        report = _run(lambda: leave(store, contact, on, successor, actor()))
    _print(report, as_json)


@contact_app.command("merge", cls=PlainCommand)
def contact_merge(
    survivor: str = typer.Argument(..., help="the entry to keep"),
    duplicate: str = typer.Argument(..., help="the other entry of the same person (removed)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="show what would move and change; write nothing"),
    as_json: bool = typer.Option(False, "--json", help="print the answer as JSON"),
) -> None:
    """Merge a duplicate entry into the survivor (history, duties, lines, interactions)."""
    from graphsvc.application.lifecycle import merge

    with configured_store() as store:
        report = _run(lambda: merge(store, survivor, duplicate, actor(), dry_run=dry_run))
    _print(report, as_json)


@contact_app.command("duplicates", cls=PlainCommand)
def contact_duplicates(as_json: bool = typer.Option(False, "--json", help="print the pairs as JSON")) -> None:
    """Suspected duplicate entries already stored, with the reasons, to review before merging."""
    from graphsvc.application.stored_duplicates import stored_duplicates

    with configured_store() as store:
        pairs = stored_duplicates(store)
    if as_json:
        typer.echo(json.dumps([p.model_dump(mode="json") for p in pairs], ensure_ascii=False, indent=2))
        return
    for pair in pairs:
        typer.echo(f"{pair.first.id} {pair.first.name}  <->  {pair.second.id} {pair.second.name}")
        for reason in pair.reasons:
            typer.echo(_("  {reason}: {value}").format(reason=reason.text, value=reason.value))
        if pair.survivor is not None:
            keep = pair.survivor
            other = pair.second.id if keep == pair.first.id else pair.first.id
            typer.echo(
                _("  suggested: graphsvc contact merge {survivor} {duplicate}").format(survivor=keep, duplicate=other)
            )
    if not pairs:
        typer.echo(_("no suspected duplicates"))


@contact_app.command("unmerge", cls=PlainCommand)
def contact_unmerge(
    change: str = typer.Argument(..., metavar="CHANGE_ID", help="the merge's change id (merge --json, or the audit)"),
    as_json: bool = typer.Option(False, "--json", help="print the answer as JSON"),
) -> None:
    """Undo a merge: the duplicate restored, its rows re-pointed back (refused if they changed since)."""
    from graphsvc.application.unmerge import unmerge

    with configured_store() as store:
        report = _run(lambda: unmerge(store, change, actor()))
    _print(report, as_json)


@contact_app.command("move", cls=PlainCommand)
def contact_move(
    contact: str = typer.Argument(..., metavar="CONTACT", help="whose employer or title changes"),
    on: date = day_option(..., "--on", help="the day the change takes effect"),
    org: str | None = typer.Option(None, "--org", metavar="ID", help="new organisation id"),
    title: str | None = typer.Option(None, "--title", metavar="TITLE", help="new title"),
) -> None:
    """Change employer and/or title from a day; the earlier state is kept as history."""
    from graphsvc.application.lifecycle import move

    day: date = on
    with configured_store() as store:
        row = _run(lambda: move(store, contact, day, org, title, actor()))
    typer.echo(
        _("{name}: {title} at {org} since {day}").format(
            name=row.name, title=row.title or "-", org=row.org or "-", day=format_day(row.since) if row.since else "-"
        )
    )

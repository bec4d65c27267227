"""REST endpoints for every entity: list (paged, filtered), create, read, replace, patch,
delete (with optional cascade), and each entity's audit history.

Routes are generated per kind from the domain model, so every entity behaves alike; the
checks live in ``entities`` (the same parser as the import) and ``auth`` (who may write).
"""

# No ``from __future__ import annotations``: FastAPI reads the generated handlers'
# annotations at definition time, and they refer to the per-kind model in a closure.

import inspect
from datetime import UTC, datetime, time
from enum import Enum
from functools import cache
from typing import Annotated, Any, cast

from fastapi import APIRouter, Body, Query, Request
from fastapi.openapi.models import Example
from pydantic import BaseModel, ConfigDict, Field, create_model

from graphsvc.application import entities
from graphsvc.application.access import write_reach
from graphsvc.application.bundle_import import run_import
from graphsvc.application.demo import demo_data
from graphsvc.application.import_report import ImportReport, bundle_text
from graphsvc.application.name_lookup import mentions
from graphsvc.domain.audit import AuditEntry, AuditQuery
from graphsvc.domain.bundle import BundleError, Problem, canonical_dict
from graphsvc.domain.keys import Role
from graphsvc.domain.missing import no_such
from graphsvc.domain.model import (
    KINDS,
    Assignment,
    Contact,
    ContactStatus,
    Day,
    Interaction,
    Link,
    LinkKind,
    Organization,
    OrgKind,
    Project,
    Raci,
    Responsibility,
    Row,
    Stage,
    StageStatus,
)
from graphsvc.store.base import NotFound, Store, read_as
from graphsvc.support.i18n import _
from graphsvc.web.access import principal_of, store_of
from graphsvc.web.errors import import_refused, responses
from graphsvc.web.import_options import CommitEvery
from graphsvc.web.response_cache import cache_of

router = APIRouter()

#: URL segment -> bundle kind (contact_history is kept by the service, not edited directly)
PATHS = {
    "organizations": "organizations",
    "contacts": "contacts",
    "projects": "projects",
    "stages": "stages",
    "responsibilities": "responsibilities",
    "assignments": "assignments",
    "links": "links",
    "interactions": "interactions",
}

#: which list filters apply to which kind
FILTERS: dict[str, set[str]] = {
    "organizations": {"q", "kind", "tag", "project"},
    "contacts": {"q", "org", "status", "tag", "project", "stage"},
    "projects": {"q", "org"},
    "stages": {"q", "project", "status"},
    "responsibilities": {"q", "project", "stage"},
    "assignments": {"project", "stage", "contact", "raci"},
    "links": {"project", "contact", "kind"},
    "interactions": {"q", "project", "contact"},
}


def _values(enum: type[Enum]) -> str:
    return ", ".join(member.value for member in enum)


#: what each filter means, by kind where it differs
FILTER_MEANINGS: dict[str, str | dict[str, str]] = {
    "q": "text search in id, name, title, summary, description (case-insensitive); contacts and "
    "organisations also by name without accents and by pinyin in full or by initials (wjg: 王建国)",
    "org": {"contacts": "organisation id: people working there", "projects": "organisation id: its projects"},
    "project": "project id: rows in that project's scope",
    "stage": {
        "contacts": "stage id: people assigned to its duties",
        "responsibilities": "stage id: its duties",
        "assignments": "stage id: assignments to its duties",
    },
    "status": {
        "contacts": f"contact status ({_values(ContactStatus)})",
        "stages": f"stage status ({_values(StageStatus)})",
    },
    "tag": "rows carrying this tag",
    "contact": {
        "assignments": "contact id: their assignments",
        "links": "contact id: links from or to them",
        "interactions": "contact id: interactions they took part in",
    },
    "kind": {"organizations": f"organisation kind ({_values(OrgKind)})", "links": f"link kind ({_values(LinkKind)})"},
    "raci": f"RACI letter ({_values(Raci)})",
}


def list_signature(kind: str) -> inspect.Signature:
    """The list handler's parameters for one kind: paging, and the filters that apply to it."""
    parameter = inspect.Parameter
    parameters = [
        parameter("request", parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        parameter("offset", parameter.KEYWORD_ONLY, annotation=int, default=Query(0, ge=0, le=10_000_000)),
        parameter("limit", parameter.KEYWORD_ONLY, annotation=int, default=Query(50, ge=1, le=500)),
    ]
    for name, meaning in FILTER_MEANINGS.items():
        if name not in FILTERS[kind]:
            continue
        description = meaning if isinstance(meaning, str) else meaning[kind]
        default = (
            Query(None, max_length=200, description=description)
            if name == "q"
            else Query(None, description=description)
        )
        # typed ``str`` (not optional): the document says a given filter is a string, never null
        parameters.append(parameter(name, parameter.KEYWORD_ONLY, annotation=str, default=default))
    return inspect.Signature(parameters)


class DeleteReport(BaseModel):
    deleted: dict[str, list[str]] = Field(
        description="ids removed, by kind (the entity and, with cascade, its dependents)"
    )
    updated: dict[str, list[str]] = Field(description="ids whose reference to the entity was cleared, by kind")


def base_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


@cache
def example(kind: str) -> dict[str, Any]:
    """A realistic example row from the demo data."""
    row: dict[str, Any] = demo_data()[kind][0]
    return row


def _text(row: Row) -> str:
    return " ".join(str(getattr(row, f, "")) for f in ("id", "name", "title", "summary", "description")).casefold()


def _filter(store: Store, kind: str, given: dict[str, str]) -> list[Row]:
    """Rows matching every given filter (already checked to apply to the kind). With a
    project, only that project's scope is read, not the whole kind."""
    if "project" in given:
        scope = store.project_scope(given["project"])
        wanted = {given["project"]} if kind == "projects" else scope.get(kind, set())
        rows = store.read(kind, wanted)
    else:
        rows = store.read(kind)
    if "stage" in given:
        duties = {r.id for r in read_as(store, Responsibility) if r.stage == given["stage"]}
        if not read_as(store, Stage, [given["stage"]]):
            raise NotFound(no_such("stages", given["stage"]))
        if kind == "responsibilities":
            rows = [r for r in rows if r.id in duties]
        else:
            assigned = [a for a in read_as(store, Assignment) if a.responsibility in duties]
            if kind == "assignments":
                ids = {a.id for a in assigned}
                rows = [r for r in rows if r.id in ids]
            else:
                people = {a.contact for a in assigned}
                rows = [r for r in rows if r.id in people]
    for name, value in given.items():
        if name == "q":
            needle = value.casefold()
            named = kind in ("contacts", "organizations")  # people and organisations: by pinyin too
            rows = [r for r in rows if needle in _text(r) or (named and mentions(getattr(r, "name", ""), value))]
        elif name == "tag":
            # FILTERS names the kinds each filter applies to: their rows have the field
            rows = [r for r in cast(list[Organization | Contact], rows) if value in r.tags]
        elif name == "org" and kind == "projects":
            rows = [r for r in cast(list[Project], rows) if any(p.org == value for p in r.organizations)]
        elif name == "contact" and kind == "links":
            rows = [r for r in cast(list[Link], rows) if value in (r.source, r.target)]
        elif name == "contact" and kind == "interactions":
            rows = [r for r in cast(list[Interaction], rows) if value in r.participants]
        elif name in ("org", "status", "kind", "raci", "contact"):
            rows = [r for r in rows if _value(getattr(r, name)) == value]
    return rows


def _as_seen(request: Request, kind: str, row: Row) -> Row:
    """A written row as the caller sees it (an interaction of their project may name people
    outside their reach, which it does not show)."""
    if store_of(request) is base_store(request):
        return row
    seen = store_of(request).read(kind, [row.id])
    return seen[0] if seen else row


def _dump(body: BaseModel, exclude_unset: bool = False) -> dict[str, Any]:
    """A request body (of a model made at run time) as JSON data."""
    return body.model_dump(mode="json", exclude_unset=exclude_unset)


def _value(value: Any) -> Any:
    return getattr(value, "value", value)


def patch_model(model: type[Row]) -> type[BaseModel]:
    """The body of a PATCH: any of the kind's fields, typed as in the row, none required.
    Only the fields given change (``exclude_unset``); unknown fields are a 422 naming them."""
    fields: dict[str, Any] = {
        name: (
            Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation,
            Field(None, description=info.description),
        )
        for name, info in model.model_fields.items()
    }
    return create_model(
        f"{model.__name__}Changes",
        __config__=ConfigDict(extra="forbid", use_enum_values=True, str_strip_whitespace=True),
        __doc__=f"Fields of a {model.__name__.lower()} to change; those left out keep their values.",
        **fields,
    )


def _routes_for(segment: str, kind: str) -> None:
    model = KINDS[kind]
    page = create_model(
        f"{model.__name__}Page",
        items=(list[model], ...),  # type: ignore[valid-type]  # a class made at run time
        total=(int, Field(description="rows matching the filters")),
        offset=(int, ...),
        limit=(int, ...),
    )
    one = entities.singular(kind)
    allowed = FILTERS[kind]
    body_examples: dict[str, Example] = {"example": {"summary": f"a {one}", "value": example(kind)}}
    changes = patch_model(model)
    shown = next(
        f for f in ("name", *model.model_fields) if f != "id" and f not in model.references and f in example(kind)
    )
    patch_examples: dict[str, Example] = {
        "change": {"summary": f"change {shown}", "value": {shown: example(kind)[shown]}}
    }

    def list_rows(request: Request, offset: int, limit: int, **filters: str | None) -> Any:
        # ``lang`` chooses the answer's language (web/language.py), on every URL
        undeclared = sorted(set(request.query_params) - {"offset", "limit", "lang"} - allowed)
        if undeclared:
            raise BundleError(
                [
                    Problem(
                        "query",
                        None,
                        name,
                        _("does not filter {kind} (use {names})").format(
                            kind=segment, names=", ".join(sorted(allowed))
                        ),
                    )
                    for name in undeclared
                ]
            )
        given = {name: value for name, value in filters.items() if value is not None}

        def build() -> BaseModel:
            store = store_of(request)
            rows = _filter(store, kind, given)
            return page(items=rows[offset : offset + limit], total=len(rows), offset=offset, limit=limit)

        # A page reads and filters the whole kind: keep it until the next write.
        return cache_of(request).json(request, ("list", kind, tuple(sorted(given.items())), offset, limit), build)

    # the query parameters FastAPI reads (and documents) are this kind's filters only
    list_rows.__signature__ = list_signature(kind)  # type: ignore[attr-defined]
    router.get(
        f"/api/v1/{segment}",
        response_model=page,
        tags=[segment],
        name=f"list_{kind}",
        summary=f"List {segment} (paged, filtered)",
        responses=responses(401, 404, 422),
    )(list_rows)

    @router.post(
        f"/api/v1/{segment}",
        response_model=model,
        status_code=201,
        tags=[segment],
        name=f"create_{kind}",
        summary=f"Create a {one}",
        responses=responses(401, 403, 409, 422),
    )
    # ``model`` and ``changes`` are classes made at run time, which FastAPI reads from the
    # annotations; the type checker cannot use them as types (valid-type below)
    def create_row(request: Request, body: model = Body(..., openapi_examples=body_examples)) -> Any:  # type: ignore[valid-type]
        principal = principal_of(request)
        reach = write_reach(principal, base_store(request), store_of(request), kind)
        return _as_seen(
            request, kind, entities.create(base_store(request), kind, _dump(body), principal.name, reach=reach)
        )

    @router.get(
        f"/api/v1/{segment}/{{entity_id}}",
        response_model=model,
        tags=[segment],
        name=f"get_{kind}",
        summary=f"One {one}",
        responses=responses(401, 404),
    )
    def get_row(request: Request, entity_id: str) -> Any:
        return entities.get(store_of(request), kind, entity_id)

    @router.put(
        f"/api/v1/{segment}/{{entity_id}}",
        response_model=model,
        tags=[segment],
        name=f"replace_{kind}",
        summary=f"Replace a {one} (fields left out take their defaults)",
        responses=responses(401, 403, 404, 422),
    )
    def replace_row(request: Request, entity_id: str, body: model = Body(..., openapi_examples=body_examples)) -> Any:  # type: ignore[valid-type]
        principal = principal_of(request)
        reach = write_reach(principal, base_store(request), store_of(request), kind)
        row = entities.replace(base_store(request), kind, entity_id, _dump(body), principal.name, reach=reach)
        return _as_seen(request, kind, row)

    @router.patch(
        f"/api/v1/{segment}/{{entity_id}}",
        response_model=model,
        tags=[segment],
        name=f"patch_{kind}",
        summary=f"Change some fields of a {one}",
        responses=responses(401, 403, 404, 422),
    )
    def patch_row(
        request: Request,
        entity_id: str,
        body: changes = Body(..., openapi_examples=patch_examples),  # type: ignore[valid-type]
    ) -> Any:
        principal = principal_of(request)
        reach = write_reach(principal, base_store(request), store_of(request), kind)
        given = _dump(body, exclude_unset=True)
        row = entities.patch(base_store(request), kind, entity_id, given, principal.name, reach=reach)
        return _as_seen(request, kind, row)

    @router.delete(
        f"/api/v1/{segment}/{{entity_id}}",
        response_model=DeleteReport,
        tags=[segment],
        name=f"delete_{kind}",
        summary=f"Delete a {one}",
        responses=responses(401, 403, 404, 409),
    )
    def delete_row(
        request: Request,
        entity_id: str,
        cascade: bool = Query(False, description="also delete what depends on it and clear references to it"),
    ) -> Any:
        principal = principal_of(request)
        reach = write_reach(principal, base_store(request), store_of(request), kind)
        return entities.delete(base_store(request), kind, entity_id, principal.name, cascade=cascade, reach=reach)

    @router.get(
        f"/api/v1/{segment}/{{entity_id}}/history",
        response_model=list[AuditEntry],
        tags=[segment, "audit"],
        name=f"history_{kind}",
        summary=f"Audit history of one {one} (admin and pmo)",
        responses=responses(401, 403),
    )
    def history(
        request: Request,
        entity_id: str,
        offset: int = Query(0, ge=0, le=10_000_000),
        limit: int = Query(100, ge=1, le=1000),
    ) -> Any:
        principal_of(request).require(Role.admin, Role.pmo)
        return base_store(request).audit_log(AuditQuery(kind=kind, entity=entity_id, offset=offset, limit=limit))


for _segment, _kind in PATHS.items():
    _routes_for(_segment, _kind)


@router.get("/api/v1/audit", response_model=list[AuditEntry], tags=["audit"], responses=responses(401, 403, 422))
def audit_log(
    request: Request,
    entity: str | None = Query(None, description="entity id"),
    kind: str | None = Query(None, description="entity kind (bundle array name, e.g. contacts)"),
    actor: str | None = Query(None, description="who made the change (API key name, or cli:<user>)"),
    since: Day | None = Query(None, description="entries on or after this day (UTC)"),
    offset: int = Query(0, ge=0, le=10_000_000),
    limit: int = Query(100, ge=1, le=1000),
) -> Any:
    """Who changed what, oldest first. Read-only: there is no way to edit the trail."""
    principal_of(request).require(Role.admin, Role.pmo)
    if kind is not None and kind not in KINDS:
        raise BundleError(
            [Problem("query", None, "kind", _("unknown kind; one of {kinds}").format(kinds=", ".join(KINDS)))]
        )
    start = datetime.combine(since, time(), tzinfo=UTC) if since else None
    query = AuditQuery(kind=kind, entity=entity, actor=actor, since=start, offset=offset, limit=limit)
    return base_store(request).audit_log(query)


@router.post("/api/v1/import", response_model=ImportReport, tags=["bundle"], responses=responses(401, 403, 422))
def post_import(
    request: Request,
    bundle: dict[str, Any] = Body(
        ...,
        openapi_examples={
            "bundle": {
                "value": {"format": "graphsvc-bundle", "version": 1, "organizations": [example("organizations")]}
            }
        },
    ),
    dry_run: bool = Query(False, description="check against the store and report; write nothing"),
    commit_every: CommitEvery = None,
) -> Any:
    """Import a JSON bundle (admin): everything is checked first; a bad bundle writes nothing
    and the 422 lists every problem with array, row (index) and field. ``dry_run``: the same
    checks, nothing written, and the report always answers (its ``errors`` say what would be
    refused). The report is the one every import gives (spreadsheets and mail too)."""
    principal = principal_of(request)
    principal.require(Role.admin)
    report = run_import(
        base_store(request),
        bundle,
        dry_run=dry_run,
        actor=principal.name,
        file="request body",
        commit_every=commit_every,
    )
    if report.errors and not dry_run:
        return import_refused(report, describe=bundle_text)
    return report


@router.get("/api/v1/export", tags=["bundle"], responses=responses(401))
def get_export(request: Request) -> Any:
    """The stored data as a canonical JSON bundle (for scoped keys: their projects, redacted)."""
    return canonical_dict(store_of(request).export())

"""What a user is told about a row that is not there (or not in their reach, which reads
the same): one whole sentence per kind, so that each language can word it its own way."""

from __future__ import annotations

from graphsvc.support.i18n import N_, _

#: bundle array -> "no <row> {id!r}"
_NO_SUCH = {
    "organizations": N_("no organization {id!r}"),
    "contacts": N_("no contact {id!r}"),
    "contact_history": N_("no contact period {id!r}"),
    "projects": N_("no project {id!r}"),
    "stages": N_("no stage {id!r}"),
    "responsibilities": N_("no responsibility {id!r}"),
    "assignments": N_("no assignment {id!r}"),
    "links": N_("no link {id!r}"),
    "interactions": N_("no interaction {id!r}"),
}


def no_such(kind: str, row_id: str) -> str:
    """``no contact 'c-x'``: an unknown id of a bundle array ``kind``."""
    return _(_NO_SUCH[kind]).format(id=row_id)


def dangling(kind: str, row_id: str) -> str:
    """A reference to a row of ``kind`` that neither the bundle nor the store holds."""
    return _("dangling reference: {missing}").format(missing=no_such(kind, row_id))


def no_stage_in(project_id: str, stage_id: str) -> str:
    """A stage asked for within a project that has no such stage."""
    return _("project {project!r} has no stage {stage!r}").format(project=project_id, stage=stage_id)


#: bundle array -> what one of its rows is called in a sentence
_ROW_NOUNS = {
    "organizations": N_("organization"),
    "contacts": N_("contact"),
    "contact_history": N_("contact period"),
    "projects": N_("project"),
    "stages": N_("stage"),
    "responsibilities": N_("responsibility"),
    "assignments": N_("assignment"),
    "links": N_("link"),
    "interactions": N_("interaction"),
}

#: bundle array -> how a count of its rows is called ("3 contacts")
_ROWS_NOUNS = {
    "organizations": N_("organizations"),
    "contacts": N_("contacts"),
    "contact_history": N_("contact_history"),
    "projects": N_("projects"),
    "stages": N_("stages"),
    "responsibilities": N_("responsibilities"),
    "assignments": N_("assignments"),
    "links": N_("links"),
    "interactions": N_("interactions"),
}


def row_noun(kind: str) -> str:
    """``contact``: one row of the bundle array ``kind``, in the reader's language."""
    return _(_ROW_NOUNS[kind])


def rows_noun(kind: str) -> str:
    """``contacts``: rows of the bundle array ``kind`` (after a count), in the reader's language."""
    return _(_ROWS_NOUNS[kind])

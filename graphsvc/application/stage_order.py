"""A stage's ``order`` is unique within its project, counting the stages already stored.

``parse_bundle`` checks the rows it is given against each other; this checks them against
the store, so that an import or a single write never leaves two stages of one project at
the same position (``graphsvc db check`` would then fail, and the stage sequence is
ambiguous). Read through the caller's view of the store: a key sees no stage outside its
reach, so the answer tells nothing about other projects.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphsvc.domain.bundle import Bundle, Problem
from graphsvc.domain.model import Stage
from graphsvc.store.base import Store, read_as
from graphsvc.support.i18n import _


def stored_stage_conflicts(store: Store, bundle: Bundle) -> Iterable[Problem]:
    """Each stage of ``bundle`` whose order a stored stage of its project already holds
    (stored stages the bundle replaces do not count: their new rows are in it)."""
    if not bundle.stages:
        return
    replaced = {stage.id for stage in bundle.stages}
    # every stored stage (a few per project) rather than each project's scope: that would
    # build the embedded store's graph, which a bulk import otherwise never needs
    taken = {(s.project, s.order): s.id for s in read_as(store, Stage) if s.id not in replaced}
    for index, stage in enumerate(bundle.stages):
        holder = taken.get((stage.project, stage.order))
        if holder is not None:
            yield Problem(
                "stages",
                index,
                "order",
                _("project {project!r} already has stage {stage!r} with order {order}").format(
                    project=stage.project, stage=holder, order=stage.order
                ),
            )

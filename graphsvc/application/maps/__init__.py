"""Phase maps of a project: who is involved, who owns what, who talks to whom, what is red.

- ``model.build_map``: pure; a project snapshot, a day and the findings -> ``MapData``
  (every stage at once, positions computed once so nobody moves between phases);
- ``render.render_html``: ``MapData`` -> one self-contained, offline HTML page;
- ``project_graph`` / ``project_map_html``: the same, read from a store;
- ``notebook.to_pyvis``: ``MapData`` -> a pyvis ``Network`` for Jupyter (``graphsvc[notebook]``);
- ``web.router``: the viewer in ``graphsvc serve``; ``cli.map_command``: ``graphsvc map``.
"""

from __future__ import annotations

from datetime import date

from graphsvc.analysis.findings import Thresholds, project_findings
from graphsvc.analysis.view import build_view
from graphsvc.application.maps.model import (
    ALL_STAGES,
    ChannelPolicy,
    MapData,
    build_map,
)
from graphsvc.application.maps.notebook import to_pyvis
from graphsvc.application.maps.render import render_html
from graphsvc.store.base import NotFound, Store
from graphsvc.support.i18n import _


def _full_map(
    store: Store,
    project_id: str,
    as_of: date | None,
    limits: Thresholds | None,
    channels: ChannelPolicy,
) -> MapData:
    """Every stage of the project, with its findings (as ``insights.project_report`` finds them)."""
    day = as_of or date.today()
    limits = limits or Thresholds()
    snapshot = store.project_snapshot(project_id)  # NotFound for an unknown project
    # The same findings as insights.project_report(store, project_id, None, day, limits),
    # computed on the snapshot already read instead of reading it a second time.
    view = build_view(snapshot, project_id, day)
    findings = project_findings(view, limits)
    return build_map(snapshot, project_id, day, findings, channels=channels, stale_days=limits.stale_days, view=view)


def _check_stage(data: MapData, stage_id: str | None) -> str | None:
    if stage_id is None or (stage_id == ALL_STAGES and ALL_STAGES not in data.stage_ids()):
        return None
    if stage_id not in data.stage_ids():
        raise NotFound(_("project {project!r} has no stage {stage!r}").format(project=data.project.id, stage=stage_id))
    return stage_id


def project_graph(
    store: Store,
    project_id: str,
    stage_id: str | None = None,
    as_of: date | None = None,
    *,
    limits: Thresholds | None = None,
    channels: ChannelPolicy = "all",
) -> MapData:
    """The map of one project: one stage's view, or every stage (``stage_id`` None or "all").

    Raises NotFound for an unknown project or stage.
    """
    data = _full_map(store, project_id, as_of, limits, channels)
    return data.for_stage(_check_stage(data, stage_id))


def project_map_html(
    store: Store,
    project_id: str,
    stage_id: str | None = None,
    as_of: date | None = None,
    *,
    limits: Thresholds | None = None,
    channels: ChannelPolicy = "all",
    title: str | None = None,
) -> str:
    """One self-contained HTML page with every stage of the project, opened on ``stage_id``
    (None: the stage active on the day; "all": every stage). NotFound for unknown ids."""
    data = _full_map(store, project_id, as_of, limits, channels)
    stage = _check_stage(data, stage_id)
    initial = ALL_STAGES if stage_id is not None and stage is None else stage
    return render_html(data, title or data.project.name, initial_stage=initial)


__all__ = ["ALL_STAGES", "MapData", "build_map", "project_graph", "project_map_html", "render_html", "to_pyvis"]

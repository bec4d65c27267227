"""One self-contained HTML page per project map: no CDN, no remote host, no copied files.

The page is ``visual/map.html.j2`` rendered with Jinja2 **autoescape on**, so every name,
title and note that reaches the markup is HTML-escaped. Four values are inserted as
``Markup`` on purpose, each checked here:

- our stylesheets (``visual/map.css``, ``panel.css``, ``raci.css``, ``print.css``) and
  scripts (``visual/map.js``, ``panel.js``: the findings panel and keyboard access,
  ``raci.js``), and the vendored
  vis-network build (``visual/vendor/vis-network-9.1.2/vis-network.min.js``): shipped
  files, checked once not to contain ``</script``, ``</style`` or ``<!--`` (and with the
  library's ``sourceMappingURL`` comment dropped, so no developer console fetches a map);
- the RACI tables (``visual/raci.html.j2``), rendered by the same autoescaping environment;
- the map data, as JSON in ``<script type="application/json">`` with every ``<``, ``>``
  and ``&`` (and U+2028/U+2029, U+FFFE/U+FFFF) written as a ``\\u`` escape, so no user string can end
  the script element; the page's script reads it with ``JSON.parse`` and puts strings on
  the page only through ``textContent`` or the canvas.

A single pass: one JSON serialisation (pydantic, in Rust), one template render.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path

from babel.messages.extract import extract_javascript
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from graphsvc import __version__
from graphsvc.application.maps.model import ALL_STAGES, PHASE_NAMES, MapData
from graphsvc.application.maps.panel import panel_entries, severity_chips
from graphsvc.application.maps.raci import RaciMatrix
from graphsvc.application.safe_export import finalize
from graphsvc.store.base import NotFound
from graphsvc.support.i18n import current_language, format_day, gettext, ngettext
from graphsvc.support.resources import resource_dir

VIS_JS = "vendor/vis-network-9.1.2/vis-network.min.js"
TEMPLATE = "map.html.j2"

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
    # noncharacters JSON leaves as they are but an HTML page should not carry
    "\ufffe": "\\ufffe",
    "\uffff": "\\uffff",
}
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)
_UNSAFE_IN_RAW_TEXT = re.compile(r"</script|</style|<!--", re.IGNORECASE)


def visual_dir() -> Path:
    return resource_dir("visual")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(visual_dir())),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=finalize,  # text XML cannot carry, stored before the model refused it, replaced
        extensions=["jinja2.ext.i18n"],
    )
    install_translations(env)
    return env


def install_translations(env: Environment) -> None:
    """``{{ _("...") }}`` in a template speaks the current language (read at each render)."""
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]


@cache
def script_messages() -> tuple[str, ...]:
    """Every message the page scripts (``visual/*.js``) write with ``_()``, as extracted for the catalogs."""
    found: list[str] = []
    for path in sorted(visual_dir().glob("*.js")):
        with path.open("rb") as source:
            for _lineno, _function, message, _comments in extract_javascript(source, {"_": None}, [], {}):
                if isinstance(message, str) and message not in found:
                    found.append(message)
    return tuple(found)


def message_key(message: str) -> str:
    """The key a page script finds a message's text by (``visual/i18n.js`` computes the same):
    FNV-1a (32 bits) of its UTF-16 code units, in decimal, so the English message itself is
    not in a page that speaks another language."""
    key = 0x811C9DC5
    units = message.encode("utf-16-le")
    for at in range(0, len(units), 2):
        key = ((key ^ (units[at] | units[at + 1] << 8)) * 0x01000193) & 0xFFFFFFFF
    return str(key)


@cache
def _script_keys() -> tuple[tuple[str, str], ...]:
    keyed = {message_key(message): message for message in script_messages()}
    if len(keyed) != len(script_messages()):
        raise ValueError("two page-script messages have the same key: reword one")
    return tuple(keyed.items())


def page_text() -> Markup:
    """The scripts' messages in the current language, as JSON for ``graphsvc-text``: the key of
    each message whose text differs from the code's own words, and that text (ASCII-escaped)."""
    shown = {}
    for key, message in _script_keys():
        text = gettext(message)
        if text != message:
            shown[key] = text
    return json_for_script(json.dumps(shown, separators=(",", ":")))


@cache
def asset(name: str) -> Markup:
    """A shipped file to inline in a <script> or <style> element, checked to be inert there."""
    text = (visual_dir() / name).read_text(encoding="utf-8")
    # a source-map comment would make an open developer console fetch a file
    text = _SOURCE_MAP.sub("", text)
    found = _UNSAFE_IN_RAW_TEXT.search(text)
    if found:
        raise ValueError(f"visual/{name} contains {found.group(0)!r}, which would end its element early")
    return Markup(text)


def json_for_script(text: str) -> Markup:
    """JSON text made safe inside a <script> element: no <, > or & survives.

    These characters only occur inside JSON strings, where the escape means the same.
    (Chained ``replace`` calls: ``str.translate`` is ten times slower on megabytes.)"""
    for char, escape in _JSON_ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(text)


def resolve_stage(data: MapData, initial_stage: str | None) -> str:
    """The stage the page opens on ('' for every stage); NotFound for an unknown stage."""
    ids = data.stage_ids()
    if initial_stage is None:
        return data.view_stage or data.current_stage or ""
    if initial_stage in ids:
        return initial_stage
    if initial_stage in (ALL_STAGES, ""):
        return ""
    raise NotFound(
        gettext("project {project!r} has no stage {stage!r}").format(project=data.project.id, stage=initial_stage)
    )


def render_html(data: MapData, title: str, initial_stage: str | None = None) -> str:
    """The whole map page as one string; it loads nothing from anywhere.

    ``initial_stage``: a stage id, ``"all"`` for every stage, or None for the map's own
    stage (``data.view_stage``), else the stage active on the map's day, else every stage.
    """
    stage = resolve_stage(data, initial_stage)
    envelope = (
        '{"map":'
        + data.model_dump_json(exclude_defaults=True, exclude={"raci"})  # drawn as HTML tables
        + ',"legend":'
        + data.legend.model_dump_json()
        + ',"panel":'
        + _panel_json(data)
        + ',"settings":{"initial_stage":'
        + _json_string(stage)
        + "}}"
    )
    return (
        environment()
        .get_template(TEMPLATE)
        .render(
            title=title,
            lang=current_language(),
            text_json=page_text(),
            i18n_js=asset("i18n.js"),
            version=__version__,
            as_of=format_day(data.as_of),
            stages=data.stages,
            organizations=data.organizations,
            legend=data.legend,
            css=asset("map.css"),
            vis_js=asset(VIS_JS),
            map_js=asset("map.js"),
            panel_css=asset("panel.css"),
            panel_js=asset("panel.js"),
            chips=severity_chips(data.legend),
            raci=render_raci(data.raci, format_day(data.as_of)),
            raci_css=asset("raci.css"),
            print_css=asset("print.css"),
            raci_js=asset("raci.js"),
            data_json=json_for_script(envelope),
        )
    )


def _panel_json(data: MapData) -> str:
    """The findings panel's entries per view (see ``maps.panel``) and its chip colours."""
    views = {
        view: [entry if isinstance(entry, int) else entry.model_dump(mode="json") for entry in entries]
        for view, entries in panel_entries(data).items()
    }
    chips = {severity: {"background": bg, "color": fg} for severity, (bg, fg) in severity_chips(data.legend).items()}
    return json.dumps({"views": views, "chips": chips}, ensure_ascii=False, separators=(",", ":"))


def render_raci(matrices: list[RaciMatrix], as_of: str) -> Markup:
    """The RACI tables of ``matrices`` (``visual/raci.html.j2``, autoescaped) as markup."""
    phase_names = {phase: gettext(name) for phase, name in PHASE_NAMES.items()}
    return Markup(
        environment().get_template("raci.html.j2").render(matrices=matrices, as_of=as_of, phase_names=phase_names)
    )


def _json_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)

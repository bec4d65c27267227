"""Deterministic positions sized for readable labels: organisations as blocks.

A map is read by its names, so the layout is built around them. Every node is a marker
with its name to the right, drawn at ``LABEL_PX`` on screen; the layout gives each node a
cell as wide as its name (estimated from its characters: CJK is about one em wide,
Latin about half), so at scale 1 no two names touch:

- each organisation is a block: its people in columns, and each duty right after (below)
  its owner, so a duty sits beside the person accountable for it;
- duties nobody owns are a block of their own;
- blocks are packed in rows into a rectangle about as wide as a screen is, so a fit shows
  it at a readable scale.

The plain ordering (``sweeps=0``, and the starting point otherwise) is the caller's:
blocks in organisation kind order (client, design, builders...), the block of unowned
duties first, people by involvement. From there ``_optimise`` shortens and uncrosses the
lines the view draws (``edges``): it also tries the blocks chained by shared lines
(``_chain``: the blocks with most lines between them next to each other), then runs
barycentre rounds (people within a block sorted by where their partners are, each
person's duties kept right after them; blocks within a row by their partners' mean x;
rows by their partners' mean y), keeping a step only if it scores better: by crossings
then length on views of up to ``COUNT_CROSSINGS`` lines, by length on bigger ones (see
``layout_cost``, which counts what the page draws: straight lines between centres). On
the demo's stages this removes about 40 % of the crossings; BENCHMARKS.md "Maps" has
the numbers.

``compute_layout`` is called once for the whole project and once per stage (with only
that stage's people and duties), so a stage opens compact; a round is O(n log n + lines),
with no randomness, no clock, ties broken by the current order, and the same result
whatever order the edges come in.
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: the size names are drawn at on screen (px); the page uses the same number
LABEL_PX = 13.0
#: height of one row in a block (px): a marker and a line of text with air around it
ROW_H = 30.0
#: room left of a name for its marker and its relation letter, and right of it before the
#: next column (px): the page draws the letter BADGE_W wide after the marker
MARKER_W, BADGE_W, CELL_PAD = 22.0, 18.0, 26.0
#: the widest a name's cell gets (px); longer names are cut with an ellipsis on the page
MAX_LABEL_W = 300.0
#: a block's border: the organisation's name above its people, a margin around (px)
BLOCK_TOP, BLOCK_PAD = 30.0, 12.0
#: space between blocks (px)
BLOCK_GAP = 26.0
#: the map's share of a 1600×1000 window (less header, legend and side panel): blocks are
#: packed to be drawn as large as possible in it
VIEW_W, VIEW_H = 1220.0, 690.0
#: width / height a block aims for
ASPECT = 1.7
#: the key of the block of duties nobody owns (not an organisation id: those never start with a space)
UNOWNED = " unowned"
#: rounds of barycentre ordering (each one O(n log n + lines)); they stop early once the
#: lines no longer get shorter
SWEEPS = 4
#: views with at most this many lines are scored by their crossings (then length) while
#: ordering; bigger ones by length alone
COUNT_CROSSINGS = 150
#: views with more lines than this (thousands of people) get at most two rounds
BIG_VIEW = 10_000


@dataclass(frozen=True)
class Group:
    """One organisation (or the people with none) and its members, most central first."""

    key: str
    members: Sequence[str]


@dataclass(frozen=True)
class Frame:
    """An organisation's block: its centre and size."""

    x: float
    y: float
    width: float
    height: float

    @property
    def radius(self) -> float:
        """Half the block's diagonal: the disc that holds it."""
        return round(math.hypot(self.width, self.height) / 2, 1)


@dataclass
class Layout:
    positions: dict[str, tuple[float, float]]
    frames: dict[str, Frame]


def label_width(text: str) -> float:
    """Estimated width (px) of ``text`` drawn at ``LABEL_PX``: wide (CJK) characters one em,
    others about half; capped at ``MAX_LABEL_W`` (the page cuts what is longer)."""
    ems = 0.0
    for char in text:
        ems += 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.6
    return min(ems * LABEL_PX, MAX_LABEL_W)


def cell_width(text: str) -> float:
    return MARKER_W + BADGE_W + label_width(text) + CELL_PAD


@dataclass
class _Block:
    key: str
    items: list[str]
    width: float = 0.0
    height: float = 0.0
    offsets: dict[str, tuple[float, float]] | None = None
    #: the organisation's name above the block needs this much
    least_width: float = 0.0


def _columns(items: Sequence[str], widths: dict[str, float]) -> int:
    """How many columns make a near-square block (does not depend on the items' order)."""
    count = len(items)
    mean = sum(widths[i] for i in items) / max(count, 1)
    # columns × mean width ≈ ASPECT × rows × ROW_H, with rows = count / columns
    return max(1, min(count, round(math.sqrt(count * ROW_H * ASPECT / mean))))


def _arrange(block: _Block, widths: dict[str, float]) -> None:
    """Items in columns, in order (top to bottom, then the next column); a near-square block."""
    count = len(block.items)
    rows = math.ceil(count / _columns(block.items, widths))
    offsets: dict[str, tuple[float, float]] = {}
    x = BLOCK_PAD
    for c in range(0, count, rows):
        column = block.items[c : c + rows]
        for r, item in enumerate(column):
            offsets[item] = (x + MARKER_W / 2, BLOCK_TOP + r * ROW_H + ROW_H / 2)
        x += max(widths[i] for i in column)
    block.offsets = offsets
    block.width = max(x + BLOCK_PAD, block.least_width)
    block.height = BLOCK_TOP + rows * ROW_H + BLOCK_PAD


def _shelves(blocks: list[_Block], target: float) -> tuple[list[list[_Block]], float, float]:
    """Blocks placed left to right in rows no wider than ``target``: the rows, and the size."""
    rows: list[list[_Block]] = []
    x = y = shelf = right = 0.0
    for block in blocks:
        if not rows or (x > 0 and x + block.width > target):
            if rows:
                x, y, shelf = 0.0, y + shelf + BLOCK_GAP, 0.0
            rows.append([])
        rows[-1].append(block)
        x += block.width + BLOCK_GAP
        right = max(right, x - BLOCK_GAP)
        shelf = max(shelf, block.height)
    return rows, right, y + shelf


def _pack(blocks: list[_Block]) -> list[list[_Block]]:
    """Rows of blocks, the row width chosen (among a few) so the whole is drawn largest in
    a ``VIEW_W`` × ``VIEW_H`` window."""
    if not blocks:
        return []
    widest = max(b.width for b in blocks)
    total = sum(b.width + BLOCK_GAP for b in blocks)
    best: tuple[float, list[list[_Block]]] | None = None
    target = widest
    while True:
        rows, width, height = _shelves(blocks, target)
        scale = min(VIEW_W / max(width, 1.0), VIEW_H / max(height, 1.0))
        if best is None or scale > best[0] + 1e-9:
            best = (scale, rows)
        if target >= total:
            return best[1]
        target = min(target * 1.15, total)


def _corners(rows: list[list[_Block]]) -> dict[str, tuple[float, float]]:
    """Top-left corners of blocks in ``rows``: left to right, rows top to bottom."""
    corners: dict[str, tuple[float, float]] = {}
    y = 0.0
    for row in rows:
        x = 0.0
        for block in row:
            corners[block.key] = (x, y)
            x += block.width + BLOCK_GAP
        y += max(b.height for b in row) + BLOCK_GAP
    return corners


def _positions(rows: list[list[_Block]]) -> dict[str, tuple[float, float]]:
    """Every item's position (not yet centred) for blocks placed in ``rows``."""
    corners = _corners(rows)
    positions: dict[str, tuple[float, float]] = {}
    for row in rows:
        for block in row:
            cx, cy = corners[block.key]
            assert block.offsets is not None
            for item, (dx, dy) in block.offsets.items():
                positions[item] = (cx + dx, cy + dy)
    return positions


# -- fewer crossings, shorter lines: orderings from the edges (barycentre sweeps) ------------


@dataclass
class _Unit:
    """A person and the duties drawn right after them (or one duty nobody owns): kept together."""

    items: list[str]


def _neighbours(edges: Iterable[tuple[str, str]], placed: set[str]) -> dict[str, list[str]]:
    """Each placed node's partners (one entry per line), sorted: sums over them do not
    depend on the order the edges came in."""
    partners: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        if a != b and a in placed and b in placed:
            partners[a].append(b)
            partners[b].append(a)
    for found in partners.values():
        found.sort()
    return partners


def _chain(blocks: list[_Block], block_of: dict[str, str], partners: dict[str, list[str]]) -> list[_Block]:
    """Blocks in an order where the ones sharing most lines follow each other: the first
    block (in the given order) first, then repeatedly the one with most lines to those
    already placed (ties: the given order). O(blocks² + lines)."""
    index = {b.key: i for i, b in enumerate(blocks)}
    weight: dict[str, dict[str, int]] = {b.key: defaultdict(int) for b in blocks}
    for node, found in partners.items():
        for other in found:
            a, b = block_of[node], block_of[other]
            if a != b:
                weight[a][b] += 1
    by_key = {b.key: b for b in blocks}
    order = [blocks[0]]
    pull = dict.fromkeys(index, 0)
    left = set(index) - {blocks[0].key}
    while left:
        for other, w in weight[order[-1].key].items():
            pull[other] += w
        key = min(left, key=lambda k: (-pull[k], index[k]))
        left.discard(key)
        order.append(by_key[key])
    return order


def _barycentre(
    items: Sequence[str], partners: dict[str, list[str]], at: dict[str, tuple[float, float]], own: set[str]
) -> tuple[float, float] | None:
    """The mean position of the partners of ``items`` not in ``own``; None if there are none."""
    sx = sy = 0.0
    count = 0
    for item in items:
        for other in partners.get(item, ()):
            if other not in own:
                x, y = at[other]
                sx += x
                sy += y
                count += 1
    return (sx / count, sy / count) if count else None


def _order_units(
    units: list[_Unit], rows: int, partners: dict[str, list[str]], at: dict[str, tuple[float, float]]
) -> list[_Unit]:
    """A block's units by where their partners are: sorted by the partners' mean x into the
    block's columns (``rows`` items each), then each column by their mean y; a unit with no
    partners keeps its place. Ties keep the current order."""
    keyed = []
    for i, unit in enumerate(units):
        here = at[unit.items[0]]
        if len(unit.items) == 1:  # most units: a person without duties, or a duty (quicker)
            found = partners.get(unit.items[0], ())
            centre = (
                (sum(at[o][0] for o in found) / len(found), sum(at[o][1] for o in found) / len(found))
                if found
                else here
            )
        else:
            centre = _barycentre(unit.items, partners, at, set(unit.items)) or here
        keyed.append((centre, i, unit))
    keyed.sort(key=lambda k: (k[0][0], k[1]))
    columns: list[list[tuple[tuple[float, float], int, _Unit]]] = []
    filled = 0
    for entry in keyed:
        column = filled // rows
        while len(columns) <= column:
            columns.append([])
        columns[column].append(entry)
        filled += len(entry[2].items)
    out: list[_Unit] = []
    for column_units in columns:
        column_units.sort(key=lambda k: (k[0][1], k[1]))
        out.extend(u for _, _, u in column_units)
    return out


def _order_blocks(
    rows: list[list[_Block]], at: dict[str, tuple[float, float]], partners: dict[str, list[str]]
) -> list[list[_Block]]:
    """Blocks within each row by the mean x of their partners in other blocks."""
    new_rows: list[list[_Block]] = []
    for row in rows:
        keyed = []
        for i, block in enumerate(row):
            centre = _barycentre(block.items, partners, at, set(block.items))
            keyed.append((centre[0] if centre else at[block.items[0]][0], i, block))
        keyed.sort(key=lambda k: (k[0], k[1]))
        new_rows.append([b for _, _, b in keyed])
    return new_rows


def _order_rows(
    rows: list[list[_Block]], at: dict[str, tuple[float, float]], partners: dict[str, list[str]]
) -> list[list[_Block]]:
    """Rows by the mean y of their partners in other rows."""
    keyed = []
    for i, row in enumerate(rows):
        items = [item for block in row for item in block.items]
        centre = _barycentre(items, partners, at, set(items))
        keyed.append((centre[1] if centre else at[items[0]][1], i, row))
    keyed.sort(key=lambda k: (k[0], k[1]))
    return [row for _, _, row in keyed]


def _edge_length(ends: tuple[list[str], list[str]], at: dict[str, tuple[float, float]]) -> float:
    """Total length of the lines from ``ends[0][i]`` to ``ends[1][i]``."""
    return sum(map(math.dist, map(at.__getitem__, ends[0]), map(at.__getitem__, ends[1])))


class _Search:
    """Orderings tried and the best kept: a layout's rows of blocks and each block's units,
    scored by (crossings, length) while the view has at most ``COUNT_CROSSINGS`` lines,
    else by length alone (counting crossings is quadratic in the worst case)."""

    def __init__(
        self,
        blocks: list[_Block],
        units: dict[str, list[_Unit]],
        widths: dict[str, float],
        partners: dict[str, list[str]],
    ) -> None:
        self.blocks = {b.key: b for b in blocks}
        self.units = units
        self.widths = widths
        self.partners = partners
        self.lines = sorted((a, b) for a, found in partners.items() for b in found if a < b)
        self.count = len(self.lines) <= COUNT_CROSSINGS
        self.ends = ([a for a, _ in self.lines], [b for _, b in self.lines])
        self.best: tuple[tuple[float, float], list[list[str]], dict[str, list[_Unit]]] | None = None

    def score(self, rows: list[list[_Block]]) -> tuple[float, float]:
        at = _positions(rows)
        if self.count:
            cost = layout_cost(at, self.lines)
            return (cost.crossings, cost.length)
        return (0.0, _edge_length(self.ends, at))

    def offer(self, rows: list[list[_Block]]) -> bool:
        """Keep ``rows`` (and the current units) if they score better than the best so far."""
        score = self.score(rows)
        if self.best is not None and score >= (self.best[0][0], self.best[0][1] - 1e-6):
            return False
        self.best = (score, [[b.key for b in row] for row in rows], {k: list(v) for k, v in self.units.items()})
        return True

    def restore(self) -> list[list[_Block]]:
        """The best rows, their blocks arranged with the best units."""
        assert self.best is not None
        _, keys, units = self.best
        self.units.update({k: list(v) for k, v in units.items()})
        for key, block in self.blocks.items():
            block.items = [item for unit in self.units[key] for item in unit.items]
            _arrange(block, self.widths)
        return [[self.blocks[k] for k in row] for row in keys]

    def sweep(self, rows: list[list[_Block]]) -> tuple[list[list[_Block]], bool]:
        """One round: people within each block, blocks within each row, then the rows, each
        step kept only if it improves the score. Returns the rows and whether any step did."""
        improved = False
        at = _positions(rows)
        for row in rows:
            for block in row:
                per_column = math.ceil(len(block.items) / _columns(block.items, self.widths))
                self.units[block.key] = _order_units(self.units[block.key], per_column, self.partners, at)
                block.items = [item for unit in self.units[block.key] for item in unit.items]
                _arrange(block, self.widths)
        if self.offer(rows):
            improved = True
        else:
            rows = self.restore()
        for step in (_order_blocks, _order_rows):
            rows = step(rows, _positions(rows), self.partners)
            if self.offer(rows):
                improved = True
            else:
                rows = self.restore()
        return rows, improved


def _optimise(
    blocks: list[_Block],
    units: dict[str, list[_Unit]],
    widths: dict[str, float],
    edges: Iterable[tuple[str, str]],
    sweeps: int,
) -> list[list[_Block]]:
    """Rows of blocks with orders that shorten the lines and uncross them. Two starts: the
    blocks in the given order, and chained by shared lines (``_chain``); from each, up to
    ``sweeps`` rounds of barycentre ordering (``_Search.sweep``); the best layout seen wins.
    Each round is O(n log n + lines), plus counting crossings on small views."""
    if not blocks:  # an empty view (a project or stage with nobody in it yet)
        return _pack(blocks)
    placed = {item for b in blocks for item in b.items}
    partners = _neighbours(edges, placed)
    block_of = {item: b.key for b in blocks for item in b.items}
    search = _Search(blocks, units, widths, partners)
    starts = [_pack(blocks), _pack(_chain(blocks, block_of, partners))]
    if not search.count:  # a big view: only from the better start (half the time)
        search.offer(starts[0])
        starts = [starts[1]] if search.offer(starts[1]) else [starts[0]]
        search.best = None
    if len(search.lines) > BIG_VIEW:
        sweeps = min(sweeps, 2)
    start_units = {k: list(v) for k, v in units.items()}
    for rows in starts:
        units.update({k: list(v) for k, v in start_units.items()})
        for block in blocks:
            block.items = [item for unit in units[block.key] for item in unit.items]
            _arrange(block, widths)
        search.offer(rows)
        for _ in range(sweeps):
            rows, improved = search.sweep(rows)
            if not improved:
                break
    return search.restore()


def compute_layout(
    groups: Sequence[Group],
    duties: Sequence[tuple[str, str | None]],
    labels: dict[str, str],
    edges: Iterable[tuple[str, str]] = (),
    *,
    sweeps: int = SWEEPS,
) -> Layout:
    """Positions of every member and every duty, centred on (0, 0).

    ``groups`` are the organisations in the order their blocks are packed; ``duties`` are
    (duty id, owner id or None) in the order they follow their owner; ``labels`` the text
    drawn next to each node (its width sets the node's cell), and by a group's key, the
    name drawn above its block (the block is at least as wide). ``edges`` are the lines
    the view draws (pairs of node ids; those with an end not placed here are ignored).

    With ``sweeps`` 0 or no edges, blocks and people keep the given order (the layout
    before crossing reduction). Otherwise ``_optimise`` reorders them, starting from the
    given order (which it keeps unless it finds better); the order of ``edges`` does not
    matter.
    """
    edges = list(edges)
    optimise = sweeps > 0 and bool(edges)
    owned: dict[str, list[str]] = defaultdict(list)
    placed = {m for g in groups for m in g.members}
    unowned: list[str] = []
    for duty, owner in duties:
        if owner is not None and owner in placed:
            owned[owner].append(duty)
        else:
            unowned.append(duty)
    widths = {node: cell_width(text) for node, text in labels.items()}

    blocks: list[_Block] = []
    units: dict[str, list[_Unit]] = {}
    if unowned:
        units[UNOWNED] = [_Unit([d]) for d in unowned]
    for group in groups:
        if group.members:
            units[group.key] = [_Unit([m, *owned.get(m, ())]) for m in group.members]
    for key in ([UNOWNED] if unowned else []) + [g.key for g in groups]:
        if key in units and key not in {b.key for b in blocks}:
            blocks.append(_Block(key, [item for unit in units[key] for item in unit.items]))
    for block in blocks:
        for item in block.items:
            widths.setdefault(item, cell_width(item))
        # wide enough for the organisation's name above its people (bold: a little wider)
        name = labels.get(block.key)
        if name:
            block.least_width = label_width(name) * 1.08 + 2 * BLOCK_PAD + 6
        _arrange(block, widths)
    rows = _optimise(blocks, units, widths, edges, sweeps) if optimise else _pack(blocks)
    corners = _corners(rows)
    right = max((corners[b.key][0] + b.width for b in blocks), default=0.0)
    bottom = max((corners[b.key][1] + b.height for b in blocks), default=0.0)
    shift_x, shift_y = right / 2, bottom / 2
    positions: dict[str, tuple[float, float]] = {}
    frames: dict[str, Frame] = {}
    for block in blocks:
        cx, cy = corners[block.key]
        assert block.offsets is not None
        for item, (dx, dy) in block.offsets.items():
            positions[item] = (round(cx + dx - shift_x, 1), round(cy + dy - shift_y, 1))
        frames[block.key] = Frame(
            round(cx + block.width / 2 - shift_x, 1),
            round(cy + block.height / 2 - shift_y, 1),
            round(block.width, 1),
            round(block.height, 1),
        )
    for group in groups:  # an organisation with nobody here still has a (empty) place
        frames.setdefault(group.key, Frame(0.0, 0.0, 0.0, 0.0))
    return Layout(positions=positions, frames=frames)


# -- measuring a layout ------------------------------------------------------------------------


@dataclass(frozen=True)
class LayoutCost:
    """How hard a drawing is to read: line crossings and total line length (px at scale 1)."""

    crossings: int
    length: float


def layout_cost(positions: dict[str, tuple[float, float]], edges: Iterable[tuple[str, str]]) -> LayoutCost:
    """Crossings and length of ``edges`` drawn as straight segments between node centres
    (as the page draws them); edges with an end not in ``positions`` are not drawn.

    Two lines cross when each passes strictly from one side of the other to the other
    side; lines that share an end never cross, parallel lines drawn over each other do
    not count. Segments are swept by x, so only pairs whose x ranges overlap are tested.
    """
    number: dict[str, int] = {}
    segments: list[tuple[float, float, float, float, int, int]] = []
    length = 0.0
    for a, b in edges:
        if a == b or a not in positions or b not in positions:
            continue
        (ax, ay), (bx, by) = positions[a], positions[b]
        length += math.hypot(ax - bx, ay - by)
        i, j = number.setdefault(a, len(number)), number.setdefault(b, len(number))
        if (bx, by) < (ax, ay):
            ax, ay, bx, by, i, j = bx, by, ax, ay, j, i
        segments.append((ax, ay, bx, by, i, j))
    segments.sort()
    crossings = 0
    eps = 1e-9
    for k, (ax, ay, bx, by, a_id, b_id) in enumerate(segments):
        low, high = (ay, by) if ay < by else (by, ay)
        ux, uy = bx - ax, by - ay
        for cx, cy, dx, dy, c_id, d_id in segments[k + 1 :]:
            if cx > bx:
                break
            if (cy < low and dy < low) or (cy > high and dy > high):
                continue
            if c_id in (a_id, b_id) or d_id in (a_id, b_id):
                continue
            one = ux * (cy - ay) - uy * (cx - ax)
            two = ux * (dy - ay) - uy * (dx - ax)
            if not ((one > eps and two < -eps) or (one < -eps and two > eps)):
                continue
            vx, vy = dx - cx, dy - cy
            three = vx * (ay - cy) - vy * (ax - cx)
            four = vx * (by - cy) - vy * (bx - cx)
            if (three > eps and four < -eps) or (three < -eps and four > eps):
                crossings += 1
    return LayoutCost(crossings=crossings, length=round(length, 1))

"""Deterministic positions sized for readable labels: organisations as blocks.

A map is read by its names, so the layout is built around them. Every node is a marker
with its name to the right, drawn at ``LABEL_PX`` on screen; the layout gives each node a
cell as wide as its name (estimated from its characters: CJK is about one em wide,
Latin about half), so at scale 1 no two names touch:

- each organisation is a block: its people in columns, the most involved first, and each
  duty right after (below) its owner, so a duty sits beside the person accountable for it;
- duties nobody owns are a block of their own, first, where the eye starts;
- blocks are packed in rows (organisation kind order: client, design, builders...) into a
  rectangle about as wide as a screen is, so a fit shows it at a readable scale.

``compute_layout`` is called once for the whole project and once per stage (with only
that stage's people and duties), so a stage opens compact; everything is O(n log n),
with no randomness, no clock, and ties broken by id.
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
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


def _arrange(block: _Block, widths: dict[str, float]) -> None:
    """Items in columns, in order (top to bottom, then the next column); a near-square block."""
    count = len(block.items)
    mean = sum(widths[i] for i in block.items) / max(count, 1)
    # columns × mean width ≈ ASPECT × rows × ROW_H, with rows = count / columns
    columns = max(1, min(count, round(math.sqrt(count * ROW_H * ASPECT / mean))))
    rows = math.ceil(count / columns)
    offsets: dict[str, tuple[float, float]] = {}
    x = BLOCK_PAD
    for c in range(0, count, rows):
        column = block.items[c : c + rows]
        for r, item in enumerate(column):
            offsets[item] = (x + MARKER_W / 2, BLOCK_TOP + r * ROW_H + ROW_H / 2)
        x += max(widths[i] for i in column)
    block.offsets = offsets
    block.width = x + BLOCK_PAD
    block.height = BLOCK_TOP + rows * ROW_H + BLOCK_PAD


def _shelves(blocks: list[_Block], target: float) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Top-left corners of blocks placed left to right in rows no wider than ``target``; and the size."""
    corners: dict[str, tuple[float, float]] = {}
    x = y = shelf = right = 0.0
    for block in blocks:
        if x > 0 and x + block.width > target:
            x, y, shelf = 0.0, y + shelf + BLOCK_GAP, 0.0
        corners[block.key] = (x, y)
        x += block.width + BLOCK_GAP
        right = max(right, x - BLOCK_GAP)
        shelf = max(shelf, block.height)
    return corners, right, y + shelf


def _pack(blocks: list[_Block]) -> dict[str, tuple[float, float]]:
    """Top-left corners: rows of blocks, the row width chosen (among a few) so the whole
    is drawn largest in a ``VIEW_W`` × ``VIEW_H`` window."""
    if not blocks:
        return {}
    widest = max(b.width for b in blocks)
    total = sum(b.width + BLOCK_GAP for b in blocks)
    best: tuple[float, dict[str, tuple[float, float]]] | None = None
    target = widest
    while True:
        corners, width, height = _shelves(blocks, target)
        scale = min(VIEW_W / max(width, 1.0), VIEW_H / max(height, 1.0))
        if best is None or scale > best[0] + 1e-9:
            best = (scale, corners)
        if target >= total:
            return best[1]
        target = min(target * 1.15, total)


def compute_layout(
    groups: Sequence[Group],
    duties: Sequence[tuple[str, str | None]],
    labels: dict[str, str],
) -> Layout:
    """Positions of every member and every duty, centred on (0, 0).

    ``groups`` are the organisations in the order their blocks are packed; ``duties`` are
    (duty id, owner id or None) in the order they follow their owner; ``labels`` the text
    drawn next to each node (its width sets the node's cell), and by a group's key, the
    name drawn above its block (the block is at least as wide).
    """
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
    if unowned:
        blocks.append(_Block(UNOWNED, unowned))
    for group in groups:
        items: list[str] = []
        for member in group.members:
            items.append(member)
            items.extend(owned.get(member, ()))
        if items:
            blocks.append(_Block(group.key, items))
    for block in blocks:
        for item in block.items:
            widths.setdefault(item, cell_width(item))
        _arrange(block, widths)
        # wide enough for the organisation's name above its people (bold: a little wider)
        name = labels.get(block.key)
        if name:
            block.width = max(block.width, label_width(name) * 1.08 + 2 * BLOCK_PAD + 6)
    corners = _pack(blocks)
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

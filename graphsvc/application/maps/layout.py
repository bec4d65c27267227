"""Deterministic, organisation-grouped positions for a whole project, computed once.

Every stage view of a project reuses the same coordinates, so a person sits in the same
place in every phase. The layout is O(n log n) and needs no force simulation:

- each organisation is a disc; its people are placed on a sunflower (Vogel) spiral inside
  it, the most involved people (most Accountable/Responsible duties) in the middle;
- the discs sit on one ring, in a fixed order (by organisation kind, then name), each
  taking an arc as wide as its disc, so no two discs overlap;
- duties sit inside the ring, near the people assigned to them (the centroid of their
  positions pulled inwards), snapped to a grid of free cells so no two duties overlap.

Same input, same output: no randomness, no clock, ties broken by id.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
#: distance scale of the sunflower spiral (px): roughly one label width between neighbours
SPACING = 36.0
#: empty border around the people of an organisation (px), room for the disc's name
DISC_MARGIN = 32.0
#: gap between neighbouring discs on the ring (px)
DISC_GAP = 36.0
#: grid cell of a duty box (px)
CELL_W, CELL_H = 190.0, 64.0


@dataclass(frozen=True)
class Group:
    """One organisation (or the people with none) and its members, most central first."""

    key: str
    members: Sequence[str]


@dataclass(frozen=True)
class Disc:
    x: float
    y: float
    radius: float


@dataclass
class Layout:
    positions: dict[str, tuple[float, float]]
    discs: dict[str, Disc]
    ring_radius: float


def disc_radius(count: int) -> float:
    return SPACING * math.sqrt(max(count, 1)) + DISC_MARGIN


def sunflower(count: int) -> list[tuple[float, float]]:
    """Offsets of ``count`` points filling a disc evenly, the first at the centre."""
    return [
        (SPACING * math.sqrt(k) * math.cos(k * GOLDEN_ANGLE), SPACING * math.sqrt(k) * math.sin(k * GOLDEN_ANGLE))
        for k in range(count)
    ]


def compute_layout(groups: Sequence[Group], duties: Sequence[tuple[str, Sequence[str]]]) -> Layout:
    """Positions of every member and every duty.

    ``groups`` are placed on the ring in the order given; ``duties`` are (duty id, people
    assigned) in the order they should claim grid cells (earlier ones get the cells
    closest to their people).
    """
    radii = [disc_radius(len(g.members)) for g in groups]
    max_r = max(radii, default=DISC_MARGIN)
    # The inner area must hold every duty box with room to spare.
    inner_needed = math.sqrt(max(len(duties), 1) * CELL_W * CELL_H / math.pi) * 1.5 + CELL_W
    circumference = sum(2 * r + DISC_GAP for r in radii)
    ring = max(circumference / (2 * math.pi), max_r + inner_needed) if groups else inner_needed

    positions: dict[str, tuple[float, float]] = {}
    discs: dict[str, Disc] = {}
    total = circumference or 1.0
    travelled = 0.0
    for group, radius in zip(groups, radii):
        angle = -math.pi / 2 + 2 * math.pi * (travelled + DISC_GAP / 2 + radius) / total
        travelled += 2 * radius + DISC_GAP
        cx, cy = ring * math.cos(angle), ring * math.sin(angle)
        if len(groups) == 1:
            cx, cy = 0.0, -ring
        discs[group.key] = Disc(round(cx, 1), round(cy, 1), round(radius, 1))
        for member, (dx, dy) in zip(group.members, sunflower(len(group.members))):
            positions[member] = (round(cx + dx, 1), round(cy + dy, 1))

    inner = max(ring - max_r - CELL_W / 2, CELL_W)
    pull = inner / (ring + max_r) if ring + max_r else 0.0
    taken: set[tuple[int, int]] = set()
    for index, (duty, people) in enumerate(duties):
        placed = [positions[p] for p in people if p in positions]
        if placed:
            tx = sum(p[0] for p in placed) / len(placed) * pull
            ty = sum(p[1] for p in placed) / len(placed) * pull
        else:  # nobody assigned: a spot on a small inner circle, in duty order
            angle = -math.pi / 2 + index * GOLDEN_ANGLE
            tx, ty = 0.3 * inner * math.cos(angle), 0.3 * inner * math.sin(angle)
        col, row = _free_cell(round(tx / CELL_W), round(ty / CELL_H), taken)
        taken.add((col, row))
        positions[duty] = (round(col * CELL_W, 1), round(row * CELL_H, 1))
    return Layout(positions=positions, discs=discs, ring_radius=round(ring, 1))


def _free_cell(col: int, row: int, taken: set[tuple[int, int]]) -> tuple[int, int]:
    """The free grid cell nearest to (col, row), searched in square rings outwards."""
    if (col, row) not in taken:
        return col, row
    distance = 1
    while True:
        best = None
        for dc in range(-distance, distance + 1):
            for dr in range(-distance, distance + 1):
                if max(abs(dc), abs(dr)) != distance or (col + dc, row + dr) in taken:
                    continue
                # cells are wider than high: prefer the visually nearest
                cost = (dc * CELL_W) ** 2 + (dr * CELL_H) ** 2
                if best is None or cost < best[0]:
                    best = (cost, col + dc, row + dr)
        if best is not None:
            return best[1], best[2]
        distance += 1

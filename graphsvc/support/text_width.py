"""How wide text is on a terminal, and how to make it fit: Chinese characters take two
columns (``unicodedata.east_asian_width`` W and F), everything else one.

Every table and report printed for a terminal fits ``COLUMNS`` columns with these.
"""

from __future__ import annotations

from unicodedata import east_asian_width

#: the width every text report fits
COLUMNS = 100


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal."""
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    """``text`` followed by spaces up to ``columns``."""
    return text + " " * max(0, columns - width(text))


def truncate(text: str, columns: int) -> str:
    """``text`` cut to ``columns``, ending with … when cut."""
    if width(text) <= columns:
        return text
    out, used = [], 0
    for ch in text:
        step = width(ch)
        if used + step > columns - 1:
            break
        out.append(ch)
        used += step
    return "".join(out) + "…"


def _pieces(text: str, columns: int) -> list[str]:
    """Words, each split into pieces of at most ``columns`` (Chinese has no spaces)."""
    pieces: list[str] = []
    for word in text.split():
        while width(word) > columns:
            cut, used = 0, 0
            while cut < len(word) and used + width(word[cut]) <= columns:
                used += width(word[cut])
                cut += 1
            pieces.append(word[:cut])
            word = word[cut:]
        pieces.append(word)
    return pieces


def wrap(text: str, first: str = "", rest: str | None = None, columns: int = COLUMNS) -> list[str]:
    """``text`` in lines of at most ``columns``: the first after ``first``, the others
    after ``rest`` (default: as many spaces as ``first`` is wide)."""
    rest = " " * width(first) if rest is None else rest
    lines: list[str] = []
    line, prefix = "", first
    for piece in _pieces(text, max(1, columns - max(width(first), width(rest)))):
        candidate = f"{line} {piece}" if line else piece
        if line and width(prefix + candidate) > columns:
            lines.append(prefix + line)
            line, prefix = piece, rest
        else:
            line = candidate
    lines.append(prefix + line)
    return lines

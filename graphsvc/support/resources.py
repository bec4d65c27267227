"""Where the non-Python parts live: ``queries/`` and ``visual/``.

In a wheel they are copied inside the package; in a source checkout (editable install)
they sit at the repository top level. Look in the package first.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]


def resource_dir(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"graphsvc resource folder {name!r} not found next to {_PACKAGE}")

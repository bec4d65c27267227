"""Types of HTTP parameters, shared by every route: the model's own ``Day`` (a day given
over HTTP is ``YYYY-MM-DD`` and nothing else; ``as_of=0`` is a 422 naming the field, not
1970-01-01)."""

from __future__ import annotations

from graphsvc.model import Day

__all__ = ["Day"]

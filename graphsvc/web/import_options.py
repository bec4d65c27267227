"""The query options every import endpoint takes alike (bundle, spreadsheet, mail)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

#: ``commit_every``: write in parts an import too large for one Neo4j transaction
CommitEvery = Annotated[
    int | None,
    Query(
        ge=1,
        le=10_000_000,
        description="write in transactions of at most this many rows (an import too large for one Neo4j "
        "transaction: 413); everything is checked first",
    ),
]

"""The ``graphsvc`` command: one module per command group, ``common`` for what they share
(opening the store, exit codes, errors), ``main`` assembles them.

Command modules import the application inside each command's body, so that ``graphsvc
--help`` and every command load only what they run (``graphsvc --help`` in about 0.2 s,
without FastAPI, networkx or the Neo4j driver; BENCHMARKS.md). At module level they import
only Typer, ``common``, and the light domain modules their options need (``defaults``,
``keys``). import-linter still sees the imports inside functions.
"""

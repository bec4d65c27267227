"""Use cases: importing, single-entity writes, lifecycle, reports, reminders, maps, handover
packages and who may see what. They work on a Store and the pure analysis, and know
nothing of Typer or FastAPI (the cli and web packages are their two faces)."""

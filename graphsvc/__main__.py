"""``python -m graphsvc``: the same as the ``graphsvc`` command."""

from graphsvc.cli.main import app

app()

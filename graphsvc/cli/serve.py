"""``graphsvc serve``: the HTTP service. The web package and uvicorn are imported only
here, when the command runs, so that every other command starts without them."""

from __future__ import annotations

import typer

from graphsvc.cli.common import EXIT_BAD_INPUT, error, fail, store_word
from graphsvc.support.i18n import gettext as _


def serve_command(
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8000, help="port to listen on"),
) -> None:
    """Run the HTTP service (OpenAPI docs at /docs)."""
    import uvicorn

    from graphsvc.support.settings import SettingsError, load_settings
    from graphsvc.web.app import create_app

    try:
        settings = load_settings()
    except SettingsError as exc:
        raise fail(error(exc), EXIT_BAD_INPUT) from exc
    typer.echo(
        _("serving the {store} store on {url} (docs at /docs)").format(
            store=store_word(settings.store), url=f"http://{host}:{port}"
        )
    )
    uvicorn.run(create_app(host=host, limits=settings.import_limits), host=host, port=port)

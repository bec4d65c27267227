"""The OpenAPI document and its two viewers, Swagger UI at ``/docs`` and ReDoc at ``/redoc``.

They are routes of their own behind the key check (FastAPI's would answer anyone), and
they load nothing from another host: FastAPI's default pages fetch their scripts from a
CDN and ReDoc its fonts from Google, which leaves them blank offline and behind the Great
Firewall. The scripts, style and icon are vendored in ``visual/vendor/`` and served from
``/docs/assets/<name>``, behind the same key check (a signed-in browser sends its session
cookie with them). Each page carries a Content-Security-Policy that allows this server only,
and its one inline script by hash.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from graphsvc.store.base import NotFound
from graphsvc.support.i18n import _
from graphsvc.support.resources import resource_dir
from graphsvc.web.access import PUBLIC_PATHS

SWAGGER_UI = "vendor/swagger-ui-dist-5.35.0"
REDOC = "vendor/redoc-2.5.4"
#: the files the two pages load: the name in ``/docs/assets/<name>`` -> its path under visual/
ASSETS = {
    "swagger-ui-bundle.js": f"{SWAGGER_UI}/swagger-ui-bundle.js",
    "swagger-ui.css": f"{SWAGGER_UI}/swagger-ui.css",
    "favicon-32x32.png": f"{SWAGGER_UI}/favicon-32x32.png",
    "redoc.standalone.js": f"{REDOC}/redoc.standalone.js",
}
MEDIA_TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "png": "image/png"}
ASSET_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-cache"}

#: what both viewers may load: this server's scripts, styles and the document; the styles
#: they set on elements; images drawn inline
_POLICY = (
    "default-src 'none'; script-src 'self'{scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; {extra}base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
#: ReDoc runs its search in a worker it builds from a blob
_REDOC_EXTRA = "worker-src blob:; "
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def page_headers(html: str, extra: str = "") -> dict[str, str]:
    """The page's policy, allowing each of its inline scripts by its sha256 (and no other)."""
    scripts = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(html)
    )
    return {
        "Content-Security-Policy": _POLICY.format(scripts=scripts, extra=extra),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }


def probes_need_no_key(document: dict[str, Any]) -> dict[str, Any]:
    """The probes answer without a key, so their operations declare no security (the app-wide
    key dependency would document one, and a client would then think the key is ignored)."""
    for path, operations in document.get("paths", {}).items():
        if path in PUBLIC_PATHS:
            for operation in operations.values():
                operation["security"] = []
    return document


def documents(app: FastAPI) -> None:
    """The OpenAPI document, its two viewers and their assets, as routes behind the key
    check; a signed-in browser reads them with its session."""

    def root(request: Request) -> str:
        return str(request.scope.get("root_path", "")).rstrip("/")

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_document() -> JSONResponse:
        return JSONResponse(probes_need_no_key(app.openapi()))

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def swagger_ui(request: Request) -> HTMLResponse:
        assets = f"{root(request)}/docs/assets"
        page = get_swagger_ui_html(
            openapi_url=f"{root(request)}/openapi.json",
            title=_("{service} API docs (Swagger UI)").format(service=app.title),
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=f"{assets}/favicon-32x32.png",
        )
        html = bytes(page.body).decode()
        return HTMLResponse(html, headers=page_headers(html))

    @app.get("/redoc", include_in_schema=False, response_class=HTMLResponse)
    def redoc(request: Request) -> HTMLResponse:
        assets = f"{root(request)}/docs/assets"
        page = get_redoc_html(
            openapi_url=f"{root(request)}/openapi.json",
            title=_("{service} API docs (ReDoc)").format(service=app.title),
            redoc_js_url=f"{assets}/redoc.standalone.js",
            redoc_favicon_url=f"{assets}/favicon-32x32.png",
            with_google_fonts=False,
        )
        html = bytes(page.body).decode()
        return HTMLResponse(html, headers=page_headers(html, _REDOC_EXTRA))

    @app.get("/docs/assets/{name}", include_in_schema=False)
    def docs_asset(name: str) -> FileResponse:
        if name not in ASSETS:
            raise NotFound(f"no such file: {name}")
        return FileResponse(
            resource_dir("visual") / ASSETS[name],
            media_type=MEDIA_TYPES[name.rsplit(".", 1)[1]],
            headers=ASSET_HEADERS,
        )

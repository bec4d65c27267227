"""The API documents' viewers work offline: ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc)
load their scripts, styles and icon from this server (vendored in visual/vendor/), never
from a CDN or Google Fonts, under a Content-Security-Policy that allows only this server;
the assets need a key or session exactly where the documents do.

The browser tests run Debian's Chromium (see test_maps_browser) against the app served by
uvicorn on 127.0.0.1 with every request to another host blocked and recorded: the page
must render, and nothing may have left for another host. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from test_maps_browser import Guard, browser, screenshot  # noqa: F401 - browser is a fixture

from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.domain.keys import Role, issue
from graphsvc.web.app import create_app

from live_server import serving

PAGES = ("/docs", "/redoc")
#: an operation every Swagger UI of this API lists
PROJECTS_OPERATION = '.opblock-get .opblock-summary-path[data-path="/api/v1/projects"]'
#: ReDoc's side menu, with the entry of the projects tag
REDOC_MENU = '.menu-content [role="menu"] >> text=projects'
#: ReDoc 2 draws Redocly's logo from their CDN in its menu's footer (and hides it when it
#: fails): the page's policy refuses it, so the request never leaves, and Chromium logs that
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def render(page, guard: Guard, selector: str, shot: str) -> None:
    """Wait until ``selector`` shows; on time-out, fail naming what was blocked or broke."""
    try:
        # a cap, not a target: ReDoc parses the whole document first
        page.wait_for_selector(selector, state="visible", timeout=60_000)
    except Exception as exc:  # playwright's TimeoutError
        screenshot(page, shot)
        pytest.fail(f"{selector} never showed ({exc.__class__.__name__}); blocked: {guard.blocked}; {guard.errors}")
    screenshot(page, shot)


def check(guard: Guard) -> None:
    """Nothing left for another host, and nothing broke but the refused logo."""
    guard.errors = [e for e in guard.errors if not (REDOC_LOGO in e and "Content Security Policy" in e)]
    guard.check()


def assets_of(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_swagger_ui_renders_with_no_other_host(browser, embedded_store):  # noqa: F811
    with serving(embedded_store) as origin:
        page = browser.new_page()
        guard = Guard(page, origin + "/")
        try:
            page.goto(f"{origin}/docs")
            render(page, guard, PROJECTS_OPERATION, "api-docs-swagger.png")
            assert "graphsvc" in page.inner_text(".info h1.title")
            page.click(PROJECTS_OPERATION)  # opens the operation: its parameters are drawn
            page.wait_for_selector(".opblock.is-open .parameters", timeout=10_000)
            page.click(".opblock.is-open .try-out__btn")  # and calls it, from the page, under its policy
            page.click(".opblock.is-open .execute")
            status = page.wait_for_selector(
                ".opblock.is-open .live-responses-table tr.response .response-col_status", timeout=10_000
            )
            assert status.inner_text().strip() == "200"
            screenshot(page, "api-docs-swagger-open.png")
            check(guard)
        finally:
            page.close()


def test_redoc_renders_with_no_other_host(browser, embedded_store):  # noqa: F811
    with serving(embedded_store) as origin:
        page = browser.new_page()
        guard = Guard(page, origin + "/")
        try:
            page.goto(f"{origin}/redoc")
            render(page, guard, REDOC_MENU, "api-docs-redoc.png")
            assert "graphsvc" in page.inner_text("h1")
            page.fill('input[placeholder="Search..."]', "projects")  # the search runs in a worker
            page.wait_for_selector('[data-role="search:results"] >> text=List projects', timeout=10_000)
            screenshot(page, "api-docs-redoc-search.png")
            check(guard)
        finally:
            page.close()


def test_a_signed_in_browser_reads_the_docs(browser, embedded_store):  # noqa: F811
    """With keys, the docs and their assets come with the sign-in session (SameSite=Strict)."""
    import_bundle(embedded_store, demo_data())
    text, record = issue("reader", Role.pmo, [], None)
    embedded_store.save_key(record)
    with serving(embedded_store) as origin:
        page = browser.new_page()
        guard = Guard(page, origin + "/")
        try:
            page.goto(f"{origin}/redoc")
            assert urlsplit(page.url).path == "/signin"
            page.fill("#key", text)
            page.click("button[type=submit]")
            page.wait_for_url(f"{origin}/redoc")
            render(page, guard, REDOC_MENU, "api-docs-redoc-signed-in.png")
            page.goto(f"{origin}/docs")
            render(page, guard, PROJECTS_OPERATION, "api-docs-swagger-signed-in.png")
            # the key entered in Swagger UI's Authorize dialog goes with its calls (a form under form-action 'none')
            page.click(".auth-wrapper .authorize")
            page.fill('.auth-container:has-text("APIKeyHeader") input', text)
            page.click('.auth-container:has-text("APIKeyHeader") button.authorize')
            page.click(".auth-btn-wrapper .btn-done")
            page.click(PROJECTS_OPERATION)
            page.click(".opblock.is-open .try-out__btn")
            page.click(".opblock.is-open .execute")
            curl = page.wait_for_selector(".opblock.is-open .curl-command", timeout=10_000)
            assert f"X-API-Key: {text}" in curl.inner_text()
            status = ".opblock.is-open .live-responses-table tr.response .response-col_status"
            assert page.inner_text(status).strip() == "200"
            check(guard)
        finally:
            page.close()
            browser.clear_cookies()


def test_the_pages_name_no_other_host_and_allow_none(embedded_store):
    with TestClient(create_app(embedded_store, host="127.0.0.1")) as client:
        for path in PAGES:
            response = client.get(path)
            assert response.status_code == 200, path
            assert "http://" not in response.text and "https://" not in response.text, path
            assert "fonts.googleapis" not in response.text, path
            policy = response.headers["Content-Security-Policy"]
            assert policy.startswith("default-src 'none'"), path
            assert not re.search(r"https?:|\*", policy), policy
            assert "'unsafe-eval'" not in policy and "script-src 'self' 'unsafe-inline'" not in policy, policy
            for asset in assets_of(response.text):
                served = client.get(asset)
                assert served.status_code == 200 and served.content, asset
                assert served.headers["X-Content-Type-Options"] == "nosniff", asset


def test_the_assets_need_a_key_where_the_documents_do(embedded_store):
    text, record = issue("root", Role.admin, [], None)
    embedded_store.save_key(record)
    key = {"X-API-Key": text}
    with TestClient(create_app(embedded_store, host="0.0.0.0")) as client:
        assets = sorted({asset for path in PAGES for asset in assets_of(client.get(path, headers=key).text)})
        assert len(assets) == 4, assets  # Swagger UI's script, style and icon; ReDoc's script (same icon)
        for asset in assets:
            assert client.get(asset).status_code == 401, asset
            response = client.get(asset, headers=key)
            assert response.status_code == 200, asset
        kinds = {urlsplit(a).path.rsplit(".", 1)[1]: client.get(a, headers=key).headers["content-type"] for a in assets}
        assert kinds["js"].startswith("text/javascript") and kinds["css"].startswith("text/css")
        assert kinds["png"] == "image/png"
        for name in ("nope.js", "..%2F..%2Fpyproject.toml", "swagger-ui-bundle.js.map", "LICENSE"):
            assert client.get(f"/docs/assets/{name}", headers=key).status_code == 404, name


#: every HTML page the app serves (the OpenAPI document lists those in it; the test checks
#: that none is missing here)
HTML_PAGES = ("/", "/projects/{project}/map", "/projects/{project}/map?stage=all", "/signin", "/docs", "/redoc")
#: where a page would name another host: an attribute or a style's url() or @import
_OUTSIDE = re.compile(
    r"""(?:src|href|action|srcset)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""", re.I
)
_INLINE_SCRIPTS = re.compile(r"(<script[^>]*>).*?(</script>)", re.S | re.I)


def test_no_page_the_app_serves_names_another_host(embedded_store):
    """Each page loads from this server only (its markup names no other host, its policy
    allows none); what its scripts do at run time the browser tests above and in
    test_maps_browser watch. Inline scripts are left out: vis-network carries URL strings
    (licence, SVG namespace) that are never requested."""
    import_bundle(embedded_store, demo_data())
    project = "pd-yunting-complex"
    with TestClient(create_app(embedded_store, host="127.0.0.1")) as client:
        documented = {
            path
            for path, operations in client.get("/openapi.json").json()["paths"].items()
            if "text/html" in operations.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        }
        assert documented and {path.replace("{project_id}", "{project}") for path in documented} <= set(HTML_PAGES)
        for page in HTML_PAGES:
            response = client.get(page.format(project=project))
            assert response.status_code == 200 and response.headers["content-type"].startswith("text/html"), page
            markup = _INLINE_SCRIPTS.sub(r"\1\2", response.text)
            assert not _OUTSIDE.findall(markup), (page, _OUTSIDE.findall(markup))
            policy = response.headers.get("Content-Security-Policy", "")
            assert policy.startswith("default-src 'none'") and not re.search(r"https?:|//|\*", policy), (page, policy)

"""Sign-in for the web pages on a server with keys: a key entered once in a form becomes a
signed, expiring, HttpOnly SameSite=Strict session cookie that resolves to the key's own
Principal (same reach, same redaction), reads only, and ends with sign-out, expiry or the
key's revocation. Forms are CSRF-safe; pages without a session redirect to the form while
API requests keep answering 401 JSON. Both stores (the session secret lives with the keys)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from test_maps_browser import screenshot

from graphsvc.application import access as auth
from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.domain.keys import Role, issue
from graphsvc.domain.sessions import SESSION_SECONDS, SESSION_SECRET_NAME, session_token
from graphsvc.web.app import create_app

from live_server import serving

PD, SW = "pd-yunting-complex", "sw-fieldops-3"
PD_ORG = "org-bafang-construction"
OTHER = "c-sun-hao"  # not at PD_ORG: the external key sees their phone redacted
COOKIE = "graphsvc_session"
HOSTILE_NAME = '<script>alert("x")</script> & Co'


@pytest.fixture
def served(store):
    import_bundle(store, demo_data())
    keys = {}
    for name, role, projects, org in [
        ("root", Role.admin, [], None),
        ("pd manager", Role.manager, [PD], None),
        ("gc external", Role.external, [PD], PD_ORG),
        (HOSTILE_NAME, Role.member, [SW], None),
    ]:
        text, record = issue(name, role, projects, org)
        store.save_key(record)
        keys[role] = (text, record)
    yield store, keys


def client_for(store, https: bool = False) -> TestClient:
    return TestClient(
        create_app(store, host="0.0.0.0"), base_url="https://testserver" if https else "http://testserver"
    )


def form_field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no {name} field in the page"
    return found.group(1)


def sign_in(client: TestClient, key: str, next_url: str = "/"):
    form = client.get("/signin", params={"next": next_url})
    assert form.status_code == 200
    return client.post(
        "/signin",
        data={"key": key, "csrf": form_field(form.text, "csrf"), "next": form_field(form.text, "next")},
        follow_redirects=False,
    )


def set_cookie_headers(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def test_pages_redirect_to_the_form_and_the_api_keeps_401(served):
    store, _ = served
    with client_for(store) as client:
        for page in ("/", f"/projects/{PD}/map?stage=pd-stage-design"):
            response = client.get(page, follow_redirects=False)
            assert response.status_code == 303, page
            location = urlsplit(response.headers["Location"])
            assert location.path == "/signin" and parse_qs(location.query)["next"] == [page]
        api = client.get("/api/v1/projects", follow_redirects=False)
        assert api.status_code == 401 and api.json()["code"] == "unauthenticated"
        wrong_key = client.get("/", headers={"X-API-Key": "gsk_nope_nope"}, follow_redirects=False)
        assert wrong_key.status_code == 401 and wrong_key.json()["code"] == "unauthenticated"
        form = client.get("/signin")
        assert form.status_code == 200 and form.headers["content-type"].startswith("text/html")
        assert '<form method="post" action="/signin">' in form.text and 'type="password"' in form.text
        assert "form-action 'self'" in form.headers["Content-Security-Policy"]
        assert "http://" not in form.text and "https://" not in form.text and "<script" not in form.text


def test_a_key_entered_once_signs_the_browser_in(served):
    store, keys = served
    text, record = keys[Role.manager]
    with client_for(store) as client:
        response = sign_in(client, text, f"/projects/{PD}/map")
        assert response.status_code == 303 and response.headers["Location"] == f"/projects/{PD}/map"
        cookie = set_cookie_headers(response)[COOKIE]
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "max-age", "path"} <= attributes and "secure" not in attributes
        assert "samesite=strict" in cookie.lower() and f"max-age={SESSION_SECONDS}" in cookie.lower()
        value = client.cookies[COOKIE]
        assert text.split("_", 2)[2] not in value and record.secret_hash not in value  # the key is not in it
        assert client.get(f"/projects/{PD}/map").status_code == 200
        assert client.get("/docs").status_code == 200 and client.get("/openapi.json").status_code == 200
        index = client.get("/")
        assert index.status_code == 200 and "signed in as pd manager (manager)" in index.text
    with client_for(store, https=True) as client:
        response = sign_in(client, text)
        assert "secure" in set_cookie_headers(response)[COOKIE].lower()
        assert client.get("/").status_code == 200


def test_a_session_has_its_keys_reach_and_redaction(served):
    store, keys = served
    with client_for(store) as client:
        sign_in(client, keys[Role.external][0])
        header = {"X-API-Key": keys[Role.external][0]}
        index = client.get("/")
        assert PD in index.text and SW not in index.text
        assert client.get(f"/projects/{SW}/map").status_code == 404
        assert client.get(f"/api/v1/projects/{SW}").status_code == 404
        other = client.get(f"/api/v1/contacts/{OTHER}").json()
        assert other["phones"] == [auth.REDACTED]
        assert other == TestClient(client.app).get(f"/api/v1/contacts/{OTHER}", headers=header).json()
        assert (
            client.get("/api/v1/contacts").json()
            == TestClient(client.app).get("/api/v1/contacts", headers=header).json()
        )


def test_a_session_only_reads(served):
    store, keys = served
    before = store.data_version()
    with client_for(store) as client:
        sign_in(client, keys[Role.admin][0])
        response = client.post("/api/v1/organizations", json={"id": "o-new", "name": "New"})
        assert response.status_code == 401 and "header" in response.json()["detail"]
        assert client.delete(f"/api/v1/contacts/{OTHER}").status_code == 401
    assert store.data_version() == before


def test_bad_keys_and_forged_forms_sign_nobody_in(served):
    store, keys = served
    text = keys[Role.admin][0]
    with client_for(store) as client:
        wrong = sign_in(client, text + "x")
        assert wrong.status_code == 401 and "not valid" in wrong.text and COOKIE not in client.cookies
        form = client.get("/signin")
        csrf = form_field(form.text, "csrf")
        for data, headers in [
            ({"key": text, "next": "/"}, {}),  # no token
            ({"key": text, "csrf": "0" * 64, "next": "/"}, {}),  # a made-up token
            ({"key": text, "csrf": csrf, "next": "/"}, {"Origin": "https://evil.example"}),  # another site
            ({"key": text, "csrf": csrf, "next": "/"}, {"Origin": "null"}),  # a sandboxed frame, a data: page
        ]:
            response = client.post("/signin", data=data, headers=headers, follow_redirects=False)
            assert response.status_code == 403 and COOKIE not in client.cookies, data
    # a token from another browser's form is bound to that browser's cookie
    with client_for(store) as attacker, client_for(store) as victim:
        stolen = form_field(attacker.get("/signin").text, "csrf")
        victim.get("/signin")
        response = victim.post("/signin", data={"key": text, "csrf": stolen}, follow_redirects=False)
        assert response.status_code == 403 and COOKIE not in victim.cookies


def test_next_stays_on_this_server(served):
    store, keys = served
    with client_for(store) as client:
        for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
            client.cookies.clear()
            assert sign_in(client, keys[Role.admin][0], target).headers["Location"] == "/", target


def test_sign_out_needs_the_pages_token_and_clears_the_cookie(served):
    store, keys = served
    with client_for(store) as client:
        sign_in(client, keys[Role.manager][0])
        forged = client.post("/signout", data={"csrf": "0" * 64}, follow_redirects=False)
        assert forged.status_code == 403 and client.get("/", follow_redirects=False).status_code == 200
        csrf = form_field(client.get("/").text, "csrf")
        cross = client.post("/signout", data={"csrf": csrf}, headers={"Origin": "http://evil.example"})
        assert cross.status_code == 403
        response = client.post("/signout", data={"csrf": csrf}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["Location"] == "/signin"
        assert "max-age=0" in set_cookie_headers(response)[COOKIE].lower()
        assert client.get("/", follow_redirects=False).status_code == 303


def test_a_session_ends_with_its_key_and_its_time(served):
    store, keys = served
    text, record = keys[Role.manager]
    with client_for(store) as client:
        sign_in(client, text)
        token = client.cookies[COOKIE]
        assert client.get("/", follow_redirects=False).status_code == 200
        # expired: the same key, signed with the store's secret, but past its time
        secret = store.server_secret(SESSION_SECRET_NAME)
        client.cookies.set(COOKIE, session_token(secret, record, time.time() - SESSION_SECONDS - 1))
        assert client.get("/", follow_redirects=False).status_code == 303
        # tampered: another key's id under this signature, or a longer life
        _, key_id, expires, signature = token.split(".")
        admin_id = keys[Role.admin][1].id
        for forged in (f"v1.{admin_id}.{expires}.{signature}", f"v1.{key_id}.{int(expires) + 9999}.{signature}"):
            client.cookies.set(COOKIE, forged)
            assert client.get("/", follow_redirects=False).status_code == 303
            assert client.get("/api/v1/projects").status_code == 401
        # revoked: the session dies with the key (the key cache lives two seconds)
        client.cookies.set(COOKIE, token)
        assert client.get("/", follow_redirects=False).status_code == 200
        assert store.delete_key(record.id)
        time.sleep(auth.KEY_CACHE_SECONDS + 0.2)
        assert client.get("/", follow_redirects=False).status_code == 303
        assert client.get("/api/v1/projects").status_code == 401


def test_one_secret_per_store_shared_by_its_servers(served):
    store, keys = served
    with client_for(store) as first, client_for(store) as second:
        sign_in(first, keys[Role.admin][0])
        second.cookies.set(COOKIE, first.cookies[COOKIE])
        assert second.get("/", follow_redirects=False).status_code == 200
    secret = store.server_secret(SESSION_SECRET_NAME)
    assert len(secret) == 64 and store.server_secret(SESSION_SECRET_NAME) == secret
    assert {r.id for r in store.keys()} == {record.id for _, record in keys.values()}  # no key stands for it
    # renewing the secret signs everyone out
    with client_for(store) as client:
        sign_in(client, keys[Role.admin][0])
        assert store.server_secret(SESSION_SECRET_NAME, renew=True) != secret
        time.sleep(auth.KEY_CACHE_SECONDS + 0.2)
        assert client.get("/", follow_redirects=False).status_code == 303


def test_user_strings_are_escaped(served):
    store, keys = served
    with client_for(store) as client:
        sign_in(client, keys[Role.member][0])
        for page in (client.get("/signin"), client.get("/")):
            assert page.status_code == 200
            assert HOSTILE_NAME not in page.text and "&lt;script&gt;" in page.text
    with client_for(store) as client:
        form = client.get("/signin", params={"next": '/"><script>x</script>'})
        assert "<script>" not in form.text and 'value="/&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in form.text


def test_signing_in_and_out_in_a_real_browser(embedded_store, chromium):
    """Debian's Chromium through the form: what a browser really sends (its Origin under
    the page's referrer policy, its cookie rules) must let the user in and out."""
    import_bundle(embedded_store, demo_data())
    text, record = issue(HOSTILE_NAME, Role.external, [PD], PD_ORG)
    embedded_store.save_key(record)
    with serving(embedded_store) as base:
        for width, height in ((1600, 1000), (390, 844)):
            context = chromium.new_context(viewport={"width": width, "height": height}, service_workers="block")
            try:
                page = context.new_page()
                trouble: list[str] = []
                page.on("console", lambda msg: trouble.append(msg.text) if msg.type == "error" else None)
                page.on("pageerror", lambda exc: trouble.append(str(exc)))
                page.route(
                    "**/*",
                    lambda route: (
                        route.continue_()
                        if route.request.url.startswith(base)
                        else (trouble.append(route.request.url), route.abort())
                    ),
                )
                page.goto(f"{base}/projects/{PD}/map")
                assert urlsplit(page.url).path == "/signin"
                screenshot(page, f"signin-{width}.png")
                page.fill("#key", text)
                page.click("button[type=submit]")
                page.wait_for_url(f"{base}/projects/{PD}/map")
                page.goto(f"{base}/")
                assert "signed in as" in page.inner_text("header") and HOSTILE_NAME in page.inner_text("header")
                assert SW not in page.content()
                screenshot(page, f"signin-index-{width}.png")
                page.click("text=sign out")
                page.wait_for_url(f"{base}/signin")
                page.goto(f"{base}/")
                assert urlsplit(page.url).path == "/signin"
                assert trouble == []
            finally:
                context.close()


def test_keys_list_and_ending_every_session_on_the_command_line(served, settings_of):
    store, keys = served
    with client_for(store) as client:
        sign_in(client, keys[Role.admin][0])
    environment = {**os.environ, **settings_of(store)}

    def graphsvc(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "graphsvc", *args]
        return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120)

    listed = graphsvc("keys", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert sorted(r["id"] for r in json.loads(listed.stdout)) == sorted(record.id for _, record in keys.values())
    # ending every session renews the secret
    secret = store.server_secret(SESSION_SECRET_NAME)
    assert graphsvc("keys", "end-sessions").returncode == 0
    assert store.server_secret(SESSION_SECRET_NAME) != secret

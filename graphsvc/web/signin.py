"""Sign-in for the web pages: an API key entered once in a form, then kept as a signed
session cookie (graphsvc.domain.sessions), and sign-out.

The cookie is HttpOnly, SameSite=Strict, Secure when served over https, and lasts
SESSION_SECONDS; it names the key, which is checked against the stored keys on every
request, so revoking the key ends its sessions. It only authorises reads (see
``authenticate``). Against cross-site requests, each form carries a token signed with the
store's session secret and bound to a value only this browser holds (the sign-in form to a
random SameSite=Strict cookie, the sign-out form to the session itself), and a POST whose
``Origin`` is another site is refused. Pages are self-contained (no script, nothing
loaded) and every string put on them is escaped.
"""

from __future__ import annotations

import hmac
import secrets
from html import escape
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from graphsvc.application.access import Gate, Principal, Unauthenticated
from graphsvc.domain.keys import Role
from graphsvc.domain.sessions import SESSION_SECONDS, form_token
from graphsvc.support.i18n import N_, _, current_language
from graphsvc.web.access import SESSION_COOKIE, SignInRequired

router = APIRouter(include_in_schema=False)

#: the random value the sign-in form's token is bound to
FORM_COOKIE = "graphsvc_signin"
#: a sign-in form body is a key and two tokens; anything longer is not ours
MAX_FORM_BYTES = 4096
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    # not no-referrer: with it a browser sends ``Origin: null`` on the form's POST
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def install(app: FastAPI) -> None:
    """Pages asked for without a key or session go to the sign-in form (303)."""

    @app.exception_handler(SignInRequired)
    async def to_sign_in(request: Request, exc: SignInRequired) -> Response:
        target = _root(request) + "/signin?" + urlencode({"next": exc.path})
        return RedirectResponse(target, status_code=303)


def _root(request: Request) -> str:
    root: str = request.scope.get("root_path", "")
    return root.rstrip("/")


def _gate(request: Request) -> Gate:
    gate: Gate = request.app.state.gate
    return gate


def _safe_next(request: Request, value: str | None) -> str:
    """Where to go after signing in: a path on this server, never another site."""
    home = _root(request) + "/"
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return home
    if any(ch < " " or ch == "\x7f" for ch in value) or urlsplit(value).path.endswith(("/signin", "/signout")):
        return home
    return value


def _same_origin(request: Request) -> bool:
    """A form POST from this server's own pages (or from a client sending no Origin)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return origin == f"{request.url.scheme}://{request.url.netloc}"


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=_root(request) or "/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def session_of(request: Request) -> str | None:
    """The caller's session token, if the request was authorised by one."""
    principal: Principal | None = getattr(request.state, "principal", None)
    token = request.cookies.get(SESSION_COOKIE)
    if principal is None or principal.key_id is None or token is None:
        return None
    try:
        return token if _gate(request).session_principal(token) == principal else None
    except Unauthenticated:
        return None


# the pages' words used inside f-strings (where the catalog's extractor cannot see a call)
SIGNED_IN, PROJECTS, API_DOCS, SIGN_OUT = N_("Signed in"), N_("Projects"), N_("API docs"), N_("Sign out")
NO_SIGN_IN, NOT_SIGNED_OUT, BACK = N_("No sign-in needed"), N_("Not signed out"), N_("Back")

#: each role as a page names it (the CLI's ``--role`` takes the codes)
ROLE_NAMES = {
    Role.admin: N_("admin"),
    Role.pmo: N_("pmo"),
    Role.manager: N_("manager"),
    Role.member: N_("member"),
    Role.external: N_("external"),
}


def role_name(role: Role) -> str:
    return _(ROLE_NAMES[role])


def account(request: Request) -> dict[str, str] | None:
    """Who is signed in and the sign-out form's values, for a page to show (None when the
    request came with a key in a header, or authentication is off)."""
    token = session_of(request)
    if token is None:
        return None
    principal: Principal = request.state.principal
    return {
        "name": principal.name,
        "role": role_name(principal.role),
        "action": _root(request) + "/signout",
        "csrf": form_token(_gate(request).session_secret(), "signout", token),
    }


# -- pages ----------------------------------------------------------------------------

STYLE = """
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans CJK SC", Arial, sans-serif;
         margin: 0; color: #1d2330; background: #f7f8fa; font-size: 15px; }
  main { max-width: 26rem; margin: 12vh auto 0; padding: 28px 24px; background: #fff;
         border: 1px solid #e2e5ea; border-radius: 8px; }
  h1 { font-size: 21px; margin: 0 0 6px; }
  p { line-height: 1.45; }
  .muted { color: #6b7280; font-size: 13px; }
  label { display: block; font-weight: 600; margin: 18px 0 6px; }
  input[type=password] { box-sizing: border-box; width: 100%; padding: 9px 10px; font: inherit;
         border: 1px solid #b8bfca; border-radius: 5px; }
  button { margin-top: 16px; padding: 9px 18px; font: inherit; font-weight: 600; color: #fff;
         background: #2f4b7c; border: 0; border-radius: 5px; cursor: pointer; }
  .error { color: #8a1020; background: #fdecee; border: 1px solid #f3c2c8; border-radius: 5px; padding: 8px 10px; }
  a { color: #2f4b7c; }
  @media (max-width: 480px) { main { margin: 0; border: 0; border-radius: 0; min-height: 100vh; } }
"""


def _page(request: Request, title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        f'<!DOCTYPE html>\n<html lang="{current_language()}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="same-origin">\n'
        f"<title>{escape(title)} · graphsvc</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)


def _signin_form(request: Request, next_url: str, message: str | None = None, status: int = 200) -> HTMLResponse:
    gate = _gate(request)
    nonce = secrets.token_urlsafe(24)
    csrf = form_token(gate.session_secret(), "signin", nonce)
    error = f'<p class="error" role="alert">{escape(message)}</p>' if message else ""
    if not gate.records():
        hint = '<p class="muted">{}</p>'.format(
            escape(_("No API key exists on this server yet: an administrator creates one with {command}.")).replace(
                "{command}", "<code>graphsvc keys create --name NAME --role admin</code>"
            )
        )
    else:
        ask = _("Ask the administrator of this server for a key if you have none.")
        hint = f'<p class="muted">{escape(ask)}</p>'
    stays = _(
        "Enter your API key once; this browser then stays signed in for {hours} hours "
        "(or until you sign out or the key is revoked). You see what the key may see."
    ).format(hours=SESSION_SECONDS // 3600)
    sign_in, key_label = escape(_("Sign in")), escape(_("API key"))
    body = f"""<h1>{sign_in}</h1>
<p>{escape(stays)}</p>
{error}
<form method="post" action="{escape(_root(request) + "/signin")}">
<label for="key">{key_label}</label>
<input type="password" id="key" name="key" required autofocus autocomplete="current-password"
 spellcheck="false">
<input type="hidden" name="csrf" value="{escape(csrf)}">
<input type="hidden" name="next" value="{escape(next_url)}">
<button type="submit">{sign_in}</button>
</form>
{hint}"""
    response = _page(request, _("Sign in"), body, status)
    _set_cookie(request, response, FORM_COOKIE, nonce, 3600)
    return response


def _signed_in(request: Request, principal: Principal, token: str) -> HTMLResponse:
    csrf = form_token(_gate(request).session_secret(), "signout", token)
    reach = ", ".join(sorted(principal.projects)) if principal.scoped else _("all projects")
    who = escape(_("as {name} ({role}; {reach}).")).replace("{name}", f"<strong>{escape(principal.name)}</strong>")
    who = who.replace("{role}", escape(role_name(principal.role))).replace("{reach}", escape(reach))
    signed_in, projects, docs, sign_out = (escape(_(text)) for text in (SIGNED_IN, PROJECTS, API_DOCS, SIGN_OUT))
    body = f"""<h1>{signed_in}</h1>
<p>{who}</p>
<p><a href="{escape(_root(request) + "/")}">{projects}</a> · <a href="{escape(_root(request) + "/docs")}">{docs}</a></p>
<form method="post" action="{escape(_root(request) + "/signout")}">
<input type="hidden" name="csrf" value="{escape(csrf)}">
<button type="submit">{sign_out}</button>
</form>"""
    return _page(request, _(SIGNED_IN), body)


async def _form(request: Request) -> dict[str, str] | None:
    """The fields of a urlencoded form body (each once), or None if it is not one."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        return None
    return {name: values[0] for name, values in fields.items() if len(values) == 1}


def _valid(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, next_url: str | None = Query(None, alias="next")) -> Any:
    """The sign-in form (or who is signed in, with a sign-out button)."""
    gate = _gate(request)
    if gate.open_access():
        off = _("Authentication is off: this server runs on a loopback address and no API key exists.")
        body = (
            f"<h1>{escape(_(NO_SIGN_IN))}</h1><p>{escape(off)}</p>"
            f'<p><a href="{escape(_root(request) + "/")}">{escape(_(PROJECTS))}</a></p>'
        )
        return _page(request, _(NO_SIGN_IN), body)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            return _signed_in(request, gate.session_principal(token), token)
        except Unauthenticated:
            pass
    return _signin_form(request, _safe_next(request, next_url))


@router.post("/signin", response_class=HTMLResponse)
async def signin(request: Request) -> Any:
    """Check the key; on success set the session cookie and go where the user was going."""
    form = await _form(request)
    # the checks read the keys from the store: off the event loop
    return await run_in_threadpool(_sign_in, request, form)


def _sign_in(request: Request, form: dict[str, str] | None) -> Response:
    if form is None:
        return _signin_form(
            request, _safe_next(request, None), _("The sign-in form was not sent as a form; try again."), 422
        )
    next_url = _safe_next(request, form.get("next"))
    gate = _gate(request)
    nonce = request.cookies.get(FORM_COOKIE)
    if (
        not _same_origin(request)
        or not nonce
        or not _valid(form_token(gate.session_secret(), "signin", nonce), form.get("csrf"))
    ):
        return _signin_form(request, next_url, _("The sign-in form expired or came from another site; try again."), 403)
    try:
        _principal, token = gate.open_session(form.get("key", "").strip())
    except Unauthenticated:
        return _signin_form(
            request, next_url, _("That key is not valid (revoked, mistyped or from another server)."), 401
        )
    response = RedirectResponse(next_url, status_code=303)
    _set_cookie(request, response, SESSION_COOKIE, token, SESSION_SECONDS)
    response.delete_cookie(FORM_COOKIE, path=_root(request) or "/", httponly=True, samesite="strict")
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/signout", response_class=HTMLResponse)
async def signout(request: Request) -> Any:
    """End this browser's session (the cookie is cleared; revoke the key to end them all)."""
    form = await _form(request) or {}
    return await run_in_threadpool(_sign_out, request, form)


def _sign_out(request: Request, form: dict[str, str]) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    gate = _gate(request)
    if token and (
        not _same_origin(request) or not _valid(form_token(gate.session_secret(), "signout", token), form.get("csrf"))
    ):
        expired = _("The sign-out form came from another site or expired.")
        body = f"<h1>{escape(_(NOT_SIGNED_OUT))}</h1><p>{escape(expired)}</p>"
        body += f'<p><a href="{escape(_root(request) + "/signin")}">{escape(_(BACK))}</a></p>'
        return _page(request, _(NOT_SIGNED_OUT), body, 403)
    response = RedirectResponse(_root(request) + "/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=_root(request) or "/", httponly=True, samesite="strict")
    return response

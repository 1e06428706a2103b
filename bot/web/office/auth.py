"""Staff logins for the office web page over HTTP: cookies, CSRF tokens, the login form.

- The session cookie `lotse_office` carries a random token (`bot.staff` keeps
  sessions, by the token's keyed hash, and their lifetime). The cookie is HttpOnly,
  SameSite=Strict, Path=/office, and Secure when LOTSE_PUBLIC_URL is https; logging
  out deletes the session.
- CSRF: every POST form carries the session's `csrf_token` (the upload script also
  sends it as the `X-CSRF-Token` header); a missing or wrong token is a 403. The
  login form, before any session exists, uses a double-submit cookie.
- Throttling (bot/staff/login_throttle.py, in the database, shared by every process):
  failures slow down the client, per account and overall; an account under attack
  still lets in its usual places. No outsider can lock a staff member out. The answer
  never tells whether an e-mail address has a login.
"""

from __future__ import annotations

import hmac
import re
import secrets
from typing import Final

from aiohttp import web

from bot.runtime import Services, form_body
from bot.staff import ABSOLUTE, LoginRefused, StaffMember, log_in, log_out, staff_member
from bot.web.client_address import client_address
from bot.web.keys import SERVICES
from bot.web.office import text as T

COOKIE: Final = "lotse_office"
LOGIN_COOKIE: Final = "lotse_office_login"
#: What `secrets.token_urlsafe` makes; any other cookie value is no token of Lotse's.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CSRF_HEADER: Final = "X-CSRF-Token"
PATH: Final = "/office"

#: Content-Security-Policy of every office page: nothing inline, nothing foreign.
CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

routes = web.RouteTableDef()


def html(body: str, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    response = web.Response(text=body, status=status, content_type="text/html", headers=headers)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-store"
    return response


def message_page(
    title: str, text: str, status: int, staff: StaffMember | None = None
) -> web.Response:
    body = f'<p class="note" role="alert">{T.e(text)}</p>'
    if staff is None:
        body += f'<p><a href="/office/login">{T.e(T.LOGIN)}</a></p>'
    csrf = None if staff is None else staff.csrf
    office = None if staff is None else staff.office_name
    return html(T.page(title, body, office=office, csrf=csrf), status=status)


def _secure(services: Services) -> bool:
    return services.settings.public_url.startswith("https://")


def _set_cookie(response: web.StreamResponse, services: Services, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        path=PATH,
        httponly=True,
        samesite="Strict",
        secure=_secure(services),
        max_age=int(ABSOLUTE.total_seconds()),
    )


async def current_staff(request: web.Request) -> StaffMember | None:
    """The session's staff member (its idle expiry moved on), or None."""
    services = request.app[SERVICES]
    token = request.cookies.get(COOKIE)
    if not token or not _TOKEN.fullmatch(token):
        return None
    return await staff_member(services.sessionmaker, services.vault, token, services.clock())


async def require_staff(request: web.Request) -> StaffMember:
    staff = await current_staff(request)
    if staff is None:
        raise web.HTTPSeeOther("/office/login?ended=1")
    return staff


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of any text a client sent (compare_digest refuses
    non-ASCII strings, and a lone surrogate cannot be encoded strictly)."""
    return hmac.compare_digest(
        given.encode("utf-8", "replace"), expected.encode("utf-8", "replace")
    )


def check_csrf(staff: StaffMember, given: str | None) -> None:
    """403 unless `given` is the session's CSRF token."""
    if not given or not same_secret(given, staff.csrf):
        raise forbidden(staff)


def forbidden(staff: StaffMember | None) -> web.HTTPForbidden:
    response = message_page(T.FORBIDDEN_TITLE, T.CSRF_FAILED, 403, staff)
    return web.HTTPForbidden(
        text=response.text, content_type="text/html", headers={"Content-Security-Policy": CSP}
    )


async def checked_form(request: web.Request, staff: StaffMember) -> dict[str, str]:
    """A small POST form's fields, after the CSRF check."""
    form = await form_body(request)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    check_csrf(staff, fields.get("csrf"))
    return fields


# ---------------------------------------------------------------- routes


def _login_page(csrf: str, email: str = "", error: str = "", info: str = "") -> str:
    notice = ""
    if error:
        notice = f'<p class="note error" role="alert" id="login-error">{T.e(error)}</p>'
    elif info:
        notice = f'<p class="note" role="status">{T.e(info)}</p>'
    body = (
        f"{notice}"
        '<form method="post" action="/office/login" class="login">'
        f'<input type="hidden" name="csrf" value="{T.e(csrf)}">'
        f'<label for="email">{T.e(T.EMAIL)}</label>'
        f'<input id="email" name="email" type="email" autocomplete="username" required '
        f'value="{T.e(email)}" autofocus>'
        f'<label for="password">{T.e(T.PASSWORD)}</label>'
        '<input id="password" name="password" type="password" autocomplete="current-password" '
        "required>"
        f'<button type="submit">{T.e(T.LOGIN)}</button></form>'
    )
    return T.page(T.LOGIN_TITLE, body)


def _login_response(
    request: web.Request, status: int = 200, email: str = "", error: str = "", info: str = ""
) -> web.Response:
    services = request.app[SERVICES]
    token = request.cookies.get(LOGIN_COOKIE, "")
    if not _TOKEN.fullmatch(token):
        token = secrets.token_urlsafe(32)
    response = html(_login_page(token, email, error, info), status=status)
    _set_cookie(response, services, LOGIN_COOKIE, token)
    return response


@routes.get("/office/login")
async def login_form(request: web.Request) -> web.Response:
    if await current_staff(request) is not None:
        raise web.HTTPSeeOther("/office")
    info = ""
    if "bye" in request.query:
        info = T.LOGGED_OUT
    elif "ended" in request.query:
        info = T.SESSION_ENDED
    return _login_response(request, info=info)


@routes.post("/office/login")
async def login(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    form = await form_body(request)
    given, cookie = form.get("csrf"), request.cookies.get(LOGIN_COOKIE, "")
    if not isinstance(given, str) or not cookie or not same_secret(given, cookie):
        raise forbidden(None)
    # Control characters have no place in an address (and PostgreSQL refuses NUL).
    email = _CONTROL.sub("", str(form.get("email", ""))).strip().lower()[:254]
    password = str(form.get("password", ""))[:1024]
    ip = client_address(request, services.settings.trusted_proxies)
    outcome = await log_in(services.sessionmaker, services.vault, email, password, ip,
                           services.clock())  # fmt: skip
    if outcome is LoginRefused.TOO_MANY:
        return _login_response(request, 429, email, T.TOO_MANY)
    if outcome is LoginRefused.WRONG:
        return _login_response(request, 401, email, T.LOGIN_FAILED)
    response = web.HTTPSeeOther("/office")
    _set_cookie(response, services, COOKIE, outcome)
    response.del_cookie(LOGIN_COOKIE, path=PATH)
    raise response


@routes.post("/office/logout")
async def logout(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    staff = await require_staff(request)
    await checked_form(request, staff)
    await log_out(services.sessionmaker, services.vault, request.cookies[COOKIE])
    response = web.HTTPSeeOther("/office/login?bye=1")
    response.del_cookie(COOKIE, path=PATH)
    raise response


def staff_page(
    staff: StaffMember, title: str, body: str, current: str = "", script: bool = False
) -> str:
    """A page of the office site in its frame, for a logged-in member of staff."""
    return T.page(
        title, body, office=staff.office_name, csrf=staff.csrf, current=current, script=script
    )


def csrf_field(staff: StaffMember) -> str:
    return f'<input type="hidden" name="csrf" value="{T.e(staff.csrf)}">'

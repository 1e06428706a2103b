"""Staff logins for the office web page: sessions, CSRF tokens, and login throttling.

- The session cookie `lotse_office` carries a random token; the database keeps only
  its keyed hash (`Vault.index`), so a database leak does not leak sessions. The
  cookie is HttpOnly, SameSite=Strict, Path=/office, and Secure when
  LOTSE_PUBLIC_URL is https. A session ends after 8 hours without a request, and
  12 hours after login at the latest; logging out deletes it.
- CSRF: every POST form carries the session's `csrf_token` (the upload script also
  sends it as the `X-CSRF-Token` header); a missing or wrong token is a 403. The
  login form, before any session exists, uses a double-submit cookie.
- Throttling (bot/staff/login_throttle.py, in the database, shared by every process):
  failures slow down the client, per account and overall; an account under attack
  still lets in its usual places. No outsider can lock a staff member out. The answer
  never tells whether an e-mail address has a login.
"""

from __future__ import annotations

import asyncio
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from aiohttp import web
from sqlalchemy import delete, select

from bot.db.models import Office, StaffSession, StaffUser
from bot.runtime import Services, form_body
from bot.staff import login_allowed, login_failed, login_succeeded, verify_password
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
IDLE: Final = timedelta(hours=8)
ABSOLUTE: Final = timedelta(hours=12)

#: Content-Security-Policy of every office page: nothing inline, nothing foreign.
CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

routes = web.RouteTableDef()


@dataclass(frozen=True, slots=True)
class Staff:
    """The logged-in staff member of a request."""

    user_id: int
    office_id: int
    office_name: str
    csrf: str

    @property
    def actor(self) -> str:
        return f"user:{self.user_id}"


def html(body: str, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    response = web.Response(text=body, status=status, content_type="text/html", headers=headers)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-store"
    return response


def message_page(title: str, text: str, status: int, staff: Staff | None = None) -> web.Response:
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


def _token_index(services: Services, token: str) -> str:
    return services.vault.index("staff-session", token)


async def current_staff(request: web.Request) -> Staff | None:
    """The session's staff member (its idle expiry moved on), or None."""
    services = request.app[SERVICES]
    token = request.cookies.get(COOKIE)
    if not token or not _TOKEN.fullmatch(token):
        return None
    now = services.clock()
    async with services.sessionmaker() as session, session.begin():
        row = (
            await session.execute(
                select(StaffSession, StaffUser, Office)
                .join(StaffUser, StaffUser.id == StaffSession.user_id)
                .join(Office, Office.id == StaffUser.office_id)
                .where(StaffSession.token_index == _token_index(services, token))
            )
        ).first()
        if row is None:
            return None
        staff_session, user, office = row
        if staff_session.expires_at <= now or user.disabled_at is not None:
            await session.delete(staff_session)
            return None
        staff_session.expires_at = min(now + IDLE, staff_session.created_at + ABSOLUTE)
        return Staff(user.id, office.id, office.name, staff_session.csrf_token)


async def require_staff(request: web.Request) -> Staff:
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


def check_csrf(staff: Staff, given: str | None) -> None:
    """403 unless `given` is the session's CSRF token."""
    if not given or not same_secret(given, staff.csrf):
        raise forbidden(staff)


def forbidden(staff: Staff | None) -> web.HTTPForbidden:
    response = message_page(T.FORBIDDEN_TITLE, T.CSRF_FAILED, 403, staff)
    return web.HTTPForbidden(
        text=response.text, content_type="text/html", headers={"Content-Security-Policy": CSP}
    )


async def staff_office(services: Services, staff: Staff) -> Office:
    async with services.sessionmaker() as session:
        office = await session.get(Office, staff.office_id)
    assert office is not None  # a staff session belongs to an existing office
    return office


async def checked_form(request: web.Request, staff: Staff) -> dict[str, str]:
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
    now = services.clock()
    async with services.sessionmaker() as session:
        allowed = await login_allowed(session, services.vault, email, ip, now)
    if not allowed:
        return _login_response(request, 429, email, T.TOO_MANY)
    user_id = await _authenticate(services, email, password, ip)
    if user_id is None:
        async with services.sessionmaker() as session, session.begin():
            login_failed(session, services.vault, email, ip, now)
        return _login_response(request, 401, email, T.LOGIN_FAILED)
    token = await _start_session(services, user_id)
    response = web.HTTPSeeOther("/office")
    _set_cookie(response, services, COOKIE, token)
    response.del_cookie(LOGIN_COOKIE, path=PATH)
    raise response


async def _authenticate(services: Services, email: str, password: str, address: str) -> int | None:
    """The user's id if the password is right and the account usable (the client then
    counts as one of its usual places)."""
    async with services.sessionmaker() as session:
        user = await session.scalar(select(StaffUser).where(StaffUser.email == email))
    password_hash = None if user is None else user.password_hash
    # argon2 takes tens of milliseconds: off the event loop.
    right = await asyncio.to_thread(verify_password, password_hash, password)
    if user is None:
        return None
    if not right:
        return None
    async with services.sessionmaker() as session, session.begin():
        user = await session.get(StaffUser, user.id, with_for_update=True)
        if user is None or user.disabled_at is not None:
            return None
        login_succeeded(user, services.vault, address)
        return user.id


async def _start_session(services: Services, user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    now = services.clock()
    async with services.sessionmaker() as session, session.begin():
        await session.execute(
            delete(StaffSession).where(
                StaffSession.user_id == user_id, StaffSession.expires_at <= now
            )
        )
        session.add(
            StaffSession(
                token_index=_token_index(services, token),
                user_id=user_id,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                expires_at=now + IDLE,
            )
        )
    return token


@routes.post("/office/logout")
async def logout(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    staff = await require_staff(request)
    await checked_form(request, staff)
    async with services.sessionmaker() as session, session.begin():
        await session.execute(
            delete(StaffSession).where(
                StaffSession.token_index == _token_index(services, request.cookies[COOKIE])
            )
        )
    response = web.HTTPSeeOther("/office/login?bye=1")
    response.del_cookie(COOKIE, path=PATH)
    raise response


def staff_page(staff: Staff, title: str, body: str, current: str = "", script: bool = False) -> str:
    """A page of the office site in its frame, for a logged-in member of staff."""
    return T.page(
        title, body, office=staff.office_name, csrf=staff.csrf, current=current, script=script
    )


def csrf_field(staff: Staff) -> str:
    return f'<input type="hidden" name="csrf" value="{T.e(staff.csrf)}">'

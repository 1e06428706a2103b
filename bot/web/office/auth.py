"""Staff logins for the office web page over HTTP: cookies, CSRF tokens, the login form.

- The session cookie `lotse_office` carries a random token (`bot.staff` keeps
  sessions, by the token's keyed hash, and their lifetime). The cookie is HttpOnly,
  SameSite=Strict, Path=/ (office staff and advisors share the login; the advisor
  inbox lives under /advice), and Secure when LOTSE_PUBLIC_URL is https; logging out
  deletes the session.
- The office pages are office staff's only (`require_staff`): an advisor or service
  admin who asks for one is sent to the inbox, and never sees an office's data.
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
from bot.staff import (
    ABSOLUTE,
    LoginRefused,
    StaffMember,
    log_in,
    log_out,
    set_language,
    staff_member,
)
from bot.web.client_address import client_address
from bot.web.keys import SERVICES
from bot.web.office.frame import e, page
from bot.web.office.words import LANGUAGES, Words, words

COOKIE: Final = "lotse_office"
LOGIN_COOKIE: Final = "lotse_office_login"
#: What `secrets.token_urlsafe` makes; any other cookie value is no token of Lotse's.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CSRF_HEADER: Final = "X-CSRF-Token"
PATH: Final = "/office"
#: The session cookie's path: the office pages and the advisor inbox.
SESSION_PATH: Final = "/"

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


def words_for(request: web.Request, staff: StaffMember | None) -> Words:
    """The staff member's language; before login the one asked for (?lang=), else the
    browser's."""
    return words(request, staff.language if staff else request.query.get("lang"))


def message_page(
    _: Words, title: str, text: str, status: int, staff: StaffMember | None = None
) -> web.Response:
    body = f'<p class="note" role="alert">{e(text)}</p>'
    if staff is None:
        again = _("Log in")
        body += f'<p><a href="/office/login?lang={_.lang}">{e(again)}</a></p>'
    csrf = None if staff is None else staff.csrf
    office = None if staff is None or staff.office_row is None else staff.office_row.name
    return html(page(_, title, body, office=office, csrf=csrf), status=status)


def _secure(services: Services) -> bool:
    return services.settings.public_url.startswith("https://")


def _set_cookie(
    response: web.StreamResponse, services: Services, name: str, value: str, path: str = PATH
) -> None:
    response.set_cookie(
        name,
        value,
        path=path,
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


async def require_any_staff(request: web.Request) -> StaffMember:
    """Any logged-in staff member: office staff, advisor or service admin."""
    staff = await current_staff(request)
    if staff is None:
        raise web.HTTPSeeOther("/office/login?ended=1")
    return staff


async def require_staff(request: web.Request) -> StaffMember:
    """A member of an office's staff: the office pages are theirs only."""
    staff = await require_any_staff(request)
    if not staff.is_office:
        raise web.HTTPSeeOther(staff.home)
    return staff


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of any text a client sent (compare_digest refuses
    non-ASCII strings, and a lone surrogate cannot be encoded strictly)."""
    return hmac.compare_digest(
        given.encode("utf-8", "replace"), expected.encode("utf-8", "replace")
    )


def check_csrf(_: Words, staff: StaffMember, given: str | None) -> None:
    """403 unless `given` is the session's CSRF token."""
    if not given or not same_secret(given, staff.csrf):
        raise forbidden(_, staff)


def forbidden(_: Words, staff: StaffMember | None) -> web.HTTPForbidden:
    text = _("The form's security check failed. Please reload the page and try again.")
    response = message_page(_, _("Not allowed"), text, 403, staff)
    return web.HTTPForbidden(
        text=response.text, content_type="text/html", headers={"Content-Security-Policy": CSP}
    )


async def checked_form(request: web.Request, staff: StaffMember) -> dict[str, str]:
    """A small POST form's fields, after the CSRF check."""
    form = await form_body(request)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    check_csrf(words_for(request, staff), staff, fields.get("csrf"))
    return fields


# ---------------------------------------------------------------- routes


def _login_page(
    _: Words, csrf: str, email: str = "", error: str = "", info: str = "", chosen: str = ""
) -> str:
    notice = ""
    if error:
        notice = f'<p class="note error" role="alert" id="login-error">{e(error)}</p>'
    elif info:
        notice = f'<p class="note" role="status">{e(info)}</p>'
    address, password, button = _("E-mail address"), _("Password"), _("Log in")
    # A language asked for on this page goes with the form (and is remembered at login).
    lang = f'<input type="hidden" name="lang" value="{e(chosen)}">' if chosen else ""
    body = (
        f"{notice}"
        '<form method="post" action="/office/login" class="login">'
        f'<input type="hidden" name="csrf" value="{e(csrf)}">{lang}'
        f'<label for="email">{e(address)}</label>'
        f'<input id="email" name="email" type="email" autocomplete="username" required '
        f'value="{e(email)}" autofocus>'
        f'<label for="password">{e(password)}</label>'
        '<input id="password" name="password" type="password" autocomplete="current-password" '
        "required>"
        f'<button type="submit">{e(button)}</button></form>'
    )
    return page(_, _("Login"), body)


def _login_response(
    request: web.Request,
    _: Words,
    status: int = 200,
    email: str = "",
    error: str = "",
    info: str = "",
    chosen: str = "",
) -> web.Response:
    services = request.app[SERVICES]
    token = request.cookies.get(LOGIN_COOKIE, "")
    if not _TOKEN.fullmatch(token):
        token = secrets.token_urlsafe(32)
    response = html(_login_page(_, token, email, error, info, chosen), status=status)
    _set_cookie(response, services, LOGIN_COOKIE, token)
    return response


@routes.get("/office/login")
async def login_form(request: web.Request) -> web.Response:
    if (staff := await current_staff(request)) is not None:
        raise web.HTTPSeeOther(staff.home)
    _ = words_for(request, None)
    info = ""
    if "bye" in request.query:
        info = _("You are logged out.")
    elif "ended" in request.query:
        info = _("Your session has ended. Please log in again.")
    chosen = request.query.get("lang", "")
    return _login_response(request, _, info=info, chosen=chosen if chosen in LANGUAGES else "")


@routes.post("/office/login")
async def login(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    form = await form_body(request)
    chosen = form.get("lang")
    chosen = chosen if isinstance(chosen, str) and chosen in LANGUAGES else ""
    _ = words(request, chosen)
    given, cookie = form.get("csrf"), request.cookies.get(LOGIN_COOKIE, "")
    if not isinstance(given, str) or not cookie or not same_secret(given, cookie):
        raise forbidden(_, None)
    # Control characters have no place in an address (and PostgreSQL refuses NUL).
    email = _CONTROL.sub("", str(form.get("email", ""))).strip().lower()[:254]
    password = str(form.get("password", ""))[:1024]
    ip = client_address(request, services.settings.trusted_proxies)
    outcome = await log_in(services.sessionmaker, services.vault, email, password, ip,
                           services.clock())  # fmt: skip
    if outcome is LoginRefused.TOO_MANY:
        too_many = _(
            "Too many login attempts. Please try again in 15 minutes, or log in at your "
            "usual workplace."
        )
        return _login_response(request, _, 429, email, too_many, chosen=chosen)
    if outcome is LoginRefused.WRONG:
        wrong = _("Login not possible: the e-mail address or the password is wrong.")
        return _login_response(request, _, 401, email, wrong, chosen=chosen)
    if chosen:
        await _remember_first_choice(services, outcome, chosen)
    # The office pages send an advisor on to the inbox.
    response = web.HTTPSeeOther("/office")
    _set_cookie(response, services, COOKIE, outcome, SESSION_PATH)
    response.del_cookie(LOGIN_COOKIE, path=PATH)
    raise response


@routes.post("/office/logout")
async def logout(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    staff = await require_any_staff(request)
    await checked_form(request, staff)
    await log_out(services.sessionmaker, services.vault, request.cookies[COOKIE])
    response = web.HTTPSeeOther("/office/login?bye=1")
    response.del_cookie(COOKIE, path=SESSION_PATH)
    raise response


async def _remember_first_choice(services: Services, token: str, chosen: str) -> None:
    """A language picked on the login page becomes the login's, unless it has one."""
    staff = await staff_member(services.sessionmaker, services.vault, token, services.clock())
    if staff is not None and staff.language is None:
        await set_language(services.sessionmaker, staff.user_id, chosen)


#: Where the language switch may send back to: a staff page, nothing else.
_BACK = re.compile(r"/(?:office|advice)(?:/[A-Za-z0-9/_-]*)?(?:\?[A-Za-z0-9=&%+._-]*)?")


@routes.post("/office/language")
async def choose_language(request: web.Request) -> web.Response:
    """The language switch: remembered on the login, so every later session has it."""
    services = request.app[SERVICES]
    staff = await require_any_staff(request)
    form = await checked_form(request, staff)
    if form.get("lang") in LANGUAGES:
        await set_language(services.sessionmaker, staff.user_id, form["lang"])
    back = form.get("next", "")
    raise web.HTTPSeeOther(back if _BACK.fullmatch(back) and "//" not in back else staff.home)


def staff_page(
    request: web.Request,
    _: Words,
    staff: StaffMember,
    title: str,
    body: str,
    current: str = "",
    script: bool = False,
) -> str:
    """A page of the office site in its frame, for a logged-in member of staff."""
    back = request.path_qs if request.method == "GET" else request.path
    return page(
        _, title, body, office=staff.office_name, csrf=staff.csrf, current=current,
        script=script, back=back,
    )  # fmt: skip


def csrf_field(staff: StaffMember) -> str:
    return f'<input type="hidden" name="csrf" value="{e(staff.csrf)}">'

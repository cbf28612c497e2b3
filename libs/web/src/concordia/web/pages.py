"""Pages of a service: templates, language, sign-in with the API's tokens, CSV downloads.

``Pages`` belongs to one mount (the hub's ``/dashboard``, a node service's ``/console``). A
reader signs in with the same token the API takes (or sends it as ``Authorization: Bearer``);
the token is kept in a session cookie (HttpOnly, SameSite=strict, Secure under TLS) scoped to
the mount. Forms carry a CSRF token checked against a second cookie (double submit), so a
sign-in or sign-out cannot be forged from another site. A page shows only what the token's
scopes allow: a reader without any of a page's scopes gets 403 and none of its data.

Example::

    pages = Pages(mount="/dashboard", title="Coalition dashboard", ...)
    router = pages.router()                      # sign-in, sign-out, assets

    @router.get("/dashboard/nodes")
    @pages.page({"hub:read", "hub:admin"})       # signed in, with one of the scopes
    async def nodes(view: View, session: SessionDep) -> Response:
        _ = view.gettext
        return view.render(heading=_("Nodes"), sections=[...])
"""

from __future__ import annotations

import functools
import hmac
import inspect
import secrets
import typing
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from babel.dates import format_datetime
from babel.numbers import format_decimal, format_percent
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from concordia.core.auth import Principal, TokenStore
from concordia.web import i18n
from concordia.web.tables import SUPPRESSED, Section, csv_response, find_table, is_suppressed

TEMPLATES = Path(__file__).parent / "templates"
LOCALES = Path(__file__).parent / "locales"
SESSION_COOKIE = "concordia_session"
CSRF_COOKIE = "concordia_csrf"
LANG_COOKIE = "concordia_lang"
#: Scripts, styles and frames only from the service itself; no inline script at all.
CSP = (
    "default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'; style-src 'self'; img-src 'self' data:"
)


@dataclass(frozen=True)
class NavItem:
    """A link of the navigation: a path under the mount and its (English) label."""

    path: str
    label: str
    #: Scopes of which the reader needs one for the link to show.
    scopes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Lang:
    """The language of one answer: its gettext and its number and date formats."""

    code: str
    gettext: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]

    @property
    def babel_locale(self) -> str:
        """The locale Babel formats numbers with (the pseudo-locale formats as English)."""
        return "en" if self.code == i18n.PSEUDO else self.code

    def num(self, value: Any, places: int | None = None) -> str:
        """A number as the language writes it."""
        if isinstance(value, float | Decimal) and places is not None:
            pattern = "#,##0." + "0" * places if places else "#,##0"
            return format_decimal(value, format=pattern, locale=self.babel_locale)
        return format_decimal(value, locale=self.babel_locale)

    def pct(self, value: Any) -> str:
        """A share (0..1) as a percentage."""
        return format_percent(value, format="#,##0.0%", locale=self.babel_locale)

    def when(self, value: datetime) -> str:
        """A time, UTC, to the minute."""
        return format_datetime(value, "yyyy-MM-dd HH:mm 'UTC'", locale=self.babel_locale)


@dataclass(frozen=True)
class View:
    """One reader's request of a page: who reads, in which language, and how to answer.

    ``Pages.page`` hands it to the page's handler once the reader is signed in with one of the
    page's scopes.
    """

    pages: Pages
    request: Request
    reader: Principal
    lang: Lang

    @property
    def gettext(self) -> Callable[[str], str]:
        """The answer's gettext (bound as ``_`` by the handlers)."""
        return self.lang.gettext

    def render(
        self, *, heading: str, sections: Sequence[Section], status: int = 200, **context: Any
    ) -> Response:
        """The page for this reader (or ``?csv=<table id>``: that table), as ``Pages.render``."""
        return self.pages.render(
            self.request, self.reader, heading=heading, sections=sections, status=status,
            **context,
        )  # fmt: skip

    def not_found(self, message: str, *, heading: str | None = None) -> Response:
        """404: the page names no record the service holds (``message`` says which)."""
        return self.render(
            heading=heading or self.gettext("Not found"), sections=[], status=404,
            message=message,
        )  # fmt: skip


#: A page's handler: the reader's ``View`` first, then what FastAPI injects (query, session...).
Handler = Callable[..., Awaitable[Response]]


class Pages:
    """The pages of one mount: environment per language, sign-in, rendering, downloads."""

    def __init__(
        self,
        *,
        mount: str,
        title: str,
        nav: Sequence[NavItem],
        template_dirs: Sequence[Path] = (),
        locale_dirs: Sequence[Path] = (),
    ) -> None:
        self.mount = mount.rstrip("/")
        self.title = title
        self.nav = tuple(nav)
        self.template_dirs = (*template_dirs, TEMPLATES)
        self.locale_dirs = (*locale_dirs, LOCALES)

    # -- language -------------------------------------------------------------------------

    def lang(self, request: Request) -> Lang:
        """The language of the answer to ``request``."""
        code = i18n.negotiate(
            request.query_params.get("lang") or request.cookies.get(LANG_COOKIE),
            request.headers.get("accept-language"),
        )
        t = i18n.translations(code, self.locale_dirs)
        return Lang(code, t.gettext, t.ngettext)

    def environment(self, code: str) -> Environment:
        """The Jinja environment of a language (its gettext installed)."""
        return _environment(self.template_dirs, self.locale_dirs, code)

    # -- who reads --------------------------------------------------------------------------

    def principal(self, request: Request) -> Principal | None:
        """The reader: a bearer token in the header, else the session cookie's."""
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header[:7].lower() == "bearer " else None
        token = token or request.cookies.get(SESSION_COOKIE)
        store: TokenStore = request.app.state.concordia.tokens
        return store.verify(token) if token else None

    def guard(self, request: Request, scopes: Iterable[str]) -> Principal | Response:
        """The reader if their token holds one of ``scopes``; else the answer to give instead.

        No valid token: 401 with the sign-in page. A token without any of the scopes: 403 and
        nothing of the page's data.
        """
        principal = self.principal(request)
        if principal is None:
            return self.sign_in_page(request, status=401)
        needed = frozenset(scopes)
        if needed and not principal.scopes & needed:
            lang = self.lang(request)
            message = lang.gettext(
                "Your token does not allow this page. It needs one of: %(scopes)s."
            )
            return self.render(
                request, principal, heading=lang.gettext("Not allowed"), status=403,
                message=message % {"scopes": ", ".join(sorted(needed))}, sections=[],
            )  # fmt: skip
        return principal

    def page(self, scopes: Iterable[str]) -> Callable[[Handler], Handler]:
        """A page's handler, only for readers holding one of ``scopes`` (else the sign-in page
        or 403, as ``guard``).

        The handler takes the reader's ``View`` as its first parameter and any parameter FastAPI
        injects after it (never ``request``: the view holds it); the route FastAPI sees takes
        the request in its place.
        """
        needed = frozenset(scopes)

        def decorate(handler: Handler) -> Handler:
            hints = typing.get_type_hints(handler, include_extras=True)
            _view, *injected = inspect.signature(handler).parameters.values()
            if any(p.name == "request" for p in injected):
                raise TypeError(f"{handler.__name__}: the view holds the request")

            @functools.wraps(handler)
            async def route(request: Request, **params: Any) -> Response:
                reader = self.guard(request, needed)
                if isinstance(reader, Response):
                    return reader
                return await handler(View(self, request, reader, self.lang(request)), **params)

            route.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
                [
                    inspect.Parameter(
                        "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request
                    ),
                    *(p.replace(annotation=hints.get(p.name, p.annotation)) for p in injected),
                ],
                return_annotation=Response,
            )
            return route

        return decorate

    def csrf_ok(self, request: Request, sent: str) -> bool:
        """Whether a form's ``csrf`` field matches the reader's CSRF cookie (double submit):
        every form that changes something checks it first."""
        return _csrf_ok(request, sent)

    # -- answers ----------------------------------------------------------------------------

    def render(
        self,
        request: Request,
        principal: Principal | None,
        *,
        heading: str,
        sections: Sequence[Section],
        template: str = "page.html",
        status: int = 200,
        **context: Any,
    ) -> Response:
        """A page (or ``?csv=<table id>``: that table as CSV)."""
        wanted = request.query_params.get("csv")
        if wanted is not None and status == 200:
            table = find_table(sections, wanted)
            if table is None:
                lang = self.lang(request)
                return self.render(
                    request, principal, heading=lang.gettext("No such table"), sections=[],
                    status=404, message=lang.gettext("This page has no table of that name."),
                )  # fmt: skip
            return _secured(csv_response(table))
        lang = self.lang(request)
        csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        html = (
            self.environment(lang.code)
            .get_template(template)
            .render(
                pages=self, request=request, lang=lang, principal=principal, heading=heading,
                sections=sections, csrf=csrf, nav=self._nav(principal),
                csv_href=lambda table_id: _with_query(request, csv=table_id),
                lang_href=lambda code: _with_query(request, lang=code),
                # heading_data: the heading is data (a practice's title), not words to translate.
                **({"message": None, "heading_data": False} | context),
            )
        )  # fmt: skip
        response = HTMLResponse(html, status_code=status)
        self._cookies(request, response, csrf=csrf, lang=request.query_params.get("lang"))
        return _secured(response)

    def _nav(self, principal: Principal | None) -> list[NavItem]:
        if principal is None:
            return []
        return [n for n in self.nav if not n.scopes or n.scopes & principal.scopes]

    def _cookies(
        self, request: Request, response: Response, *, csrf: str, lang: str | None
    ) -> None:
        secure = request.url.scheme == "https"
        if request.cookies.get(CSRF_COOKIE) != csrf:
            response.set_cookie(
                CSRF_COOKIE, csrf, path=self.mount, httponly=True, samesite="strict",
                secure=secure,
            )  # fmt: skip
        if lang in (*i18n.LANGUAGES, i18n.PSEUDO):
            response.set_cookie(
                LANG_COOKIE, lang, path=self.mount, samesite="strict", secure=secure,
                httponly=True,
            )  # fmt: skip

    def sign_in_page(self, request: Request, *, status: int = 200, error: str = "") -> Response:
        """The sign-in form (401 where a page was asked for without a token)."""
        lang = self.lang(request)
        target = request.url.path if request.url.path.startswith(self.mount) else self.mount
        if request.url.path == f"{self.mount}/sign-in":
            target = _local(request.query_params.get("next"), self.mount)
        return self.render(
            request, None, heading=lang.gettext("Sign in"), sections=[], template="sign_in.html",
            status=status, error=error, next_path=target,
        )  # fmt: skip

    def router(self) -> APIRouter:
        """Sign-in, sign-out and the pages' stylesheet under the mount."""
        router = APIRouter(include_in_schema=False)
        mount = self.mount

        @router.get(f"{mount}/sign-in")
        async def sign_in_form(request: Request) -> Response:
            return self.sign_in_page(request)

        @router.post(f"{mount}/sign-in")
        async def sign_in(
            request: Request,
            token: Annotated[str, Form(max_length=200)],
            csrf: Annotated[str, Form(max_length=100)],
            next_path: Annotated[str, Form(alias="next", max_length=500)] = "",
        ) -> Response:
            lang = self.lang(request)
            if not _csrf_ok(request, csrf):
                return self.sign_in_page(
                    request, status=403,
                    error=lang.gettext("The form expired. Please sign in again."),
                )  # fmt: skip
            store: TokenStore = request.app.state.concordia.tokens
            if store.verify(token.strip()) is None:
                return self.sign_in_page(
                    request, status=401, error=lang.gettext("This token is not valid here.")
                )
            response = RedirectResponse(_local(next_path, mount), status_code=303)
            response.set_cookie(
                SESSION_COOKIE, token.strip(), path=mount, httponly=True, samesite="strict",
                secure=request.url.scheme == "https",
            )  # fmt: skip
            return _secured(response)

        @router.post(f"{mount}/sign-out")
        async def sign_out(
            request: Request, csrf: Annotated[str, Form(max_length=100)]
        ) -> Response:
            if not _csrf_ok(request, csrf):
                lang = self.lang(request)
                return self.render(
                    request, None, heading=lang.gettext("Not allowed"), sections=[],
                    status=403, message=lang.gettext("The form expired. Please try again."),
                )  # fmt: skip
            response = RedirectResponse(f"{mount}/sign-in", status_code=303)
            response.delete_cookie(SESSION_COOKIE, path=mount)
            return _secured(response)

        @router.get(f"{mount}/style.css")
        async def style() -> Response:
            return Response((TEMPLATES / "style.css").read_bytes(), media_type="text/css")

        return router


def _csrf_ok(request: Request, sent: str) -> bool:
    expected = request.cookies.get(CSRF_COOKIE)
    return bool(expected) and hmac.compare_digest(expected.encode(), sent.encode())  # type: ignore[union-attr]


def _local(path: str | None, mount: str) -> str:
    """``path`` if it is a page under ``mount`` of this site, else the mount (no open redirect)."""
    if path and path.startswith(mount + "/") and "//" not in path and "\\" not in path:
        return path
    return mount


def _with_query(request: Request, **changes: str) -> str:
    params = dict(request.query_params)
    params.pop("csv", None)
    params.update(changes)
    return f"{quote(request.url.path)}?{urlencode(params)}"


def _secured(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@lru_cache(maxsize=64)
def _environment(
    template_dirs: tuple[Path, ...], locale_dirs: tuple[Path, ...], code: str
) -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]
        i18n.translations(code, locale_dirs), newstyle=True
    )
    env.tests["suppressed"] = is_suppressed
    env.globals["SUPPRESSED"] = SUPPRESSED
    env.globals["is_date"] = lambda v: isinstance(v, date | datetime)
    env.globals["is_number"] = lambda v: (
        isinstance(v, int | float | Decimal) and not isinstance(v, bool)
    )
    return env

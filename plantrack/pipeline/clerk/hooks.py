"""Datasette plugin hooks for the clerk's pages (registered by plantrack.pipeline.clerk.install)."""
from __future__ import annotations

from datasette import hookimpl

from plantrack.pipeline.clerk.desk import desk_of
from plantrack.pipeline.clerk.pages import ROUTES, UPLOAD, WRITE


@hookimpl
def register_routes(datasette):
    return ROUTES


@hookimpl
def permission_allowed(datasette, actor, action, resource):
    """Writing from the clerk's pages: only a clerk signed in on this server's pages (the sign-in sets
    `clerk` in the signed ds_actor cookie); None for every other action leaves Datasette's rules alone."""
    if action != WRITE:
        return None
    return bool(actor and actor.get("clerk") and desk_of(datasette) is not None)


@hookimpl
def menu_links(datasette, actor, request):
    if desk_of(datasette) is None:
        return None
    return [{"href": datasette.urls.path("/-/clerk"), "label": "Clerk's pages"}]


@hookimpl
def skip_csrf(datasette, scope):
    """The upload form is checked by the page itself (pages.papers: the form's csrftoken against the
    ds_csrftoken cookie, as asgi-csrf checks): asgi-csrf 0.11 cannot read multipart forms with
    python-multipart 0.0.26 and later (simonw/asgi-csrf#38), and the older parser has a CVE."""
    return scope.get("path") == UPLOAD and scope.get("method") == "POST" and desk_of(datasette) is not None

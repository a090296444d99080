"""The clerk's day in the browser, on `plantrack serve`: sign in, add papers, clear the review queue,
correct in place, undo.

Built as a Datasette plugin (routes, templates, menu links, actors, permissions and the CSRF check
Datasette already applies) rather than a second web framework: the analysts' pages and the clerk's
share one server, one sign-in cookie and one look, and Datasette's escaping Jinja templates.
"""
from __future__ import annotations

import types

PLUGIN = "plantrack-clerk"


def install() -> None:
    """Register the hooks with Datasette, once per process (Datasette is an optional extra, so it is
    imported only here)."""
    from datasette.plugins import pm

    if pm.get_plugin(PLUGIN) is None:
        from plantrack.pipeline.clerk import hooks

        # named as this package, so Datasette finds the templates/ folder beside this file as the plugin's
        plugin = types.ModuleType(__name__)
        for hook in ("register_routes", "permission_allowed", "menu_links", "skip_csrf"):
            setattr(plugin, hook, getattr(hooks, hook))
        pm.register(plugin, name=PLUGIN)

"""``python -m fsdash serve``: start the app under Streamlit so that its page files only ever run
inside ``app.py``'s navigation, from a server's very first session.

Streamlit 1.x decides once for its whole process, as the first session starts, whether an app
with a ``pages/`` folder beside its script uses the older multipage handling: every file there a
page of its own, listed in a sidebar and run without ``app.py``. Only a run that reaches
``st.navigation`` turns that off, and a visitor who has not signed in never reaches it. So under
a bare ``streamlit run app.py`` a direct link showed "Page not found", and page files ran
without the sign-in check. The launcher makes Streamlit's decision (navigation only) before the
server starts (and ``app.py`` on every run, for a server started some other way).

It also warms the app (``fsdash.warm``) once Streamlit has read its configuration and secrets
(so whether sign-in is set up is known) and before it creates its server, so the server takes
no visitor before the views every role lands on are built."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

APP = Path(__file__).resolve().parent.parent / "app.py"


def _pages_manager():
    from streamlit.runtime.pages_manager import PagesManager

    if not hasattr(PagesManager, "uses_pages_directory"):
        raise RuntimeError("This Streamlit no longer decides on its pages folder the way fsdash "
                           "expects (PagesManager.uses_pages_directory): check fsdash.serve "
                           "before upgrading Streamlit.")
    return PagesManager


def navigation_only() -> None:
    """Tell Streamlit the app's pages are only those ``st.navigation`` names, as the first
    ``st.navigation`` call would, so no page file ever runs on its own."""
    _pages_manager().uses_pages_directory = False


def warm_before_serving() -> None:
    """Have Streamlit warm the app (``fsdash.warm``) just before it creates its server: after
    ``streamlit run`` has read its configuration, options and so where the secrets are."""
    from streamlit.web import bootstrap

    if not callable(getattr(bootstrap, "run", None)):
        raise RuntimeError("This Streamlit no longer starts its server with bootstrap.run: "
                           "check fsdash.serve before upgrading Streamlit.")
    run = bootstrap.run

    def warmed_run(*args, **kwargs):
        from fsdash.warm import warm

        warm()
        return run(*args, **kwargs)

    bootstrap.run = warmed_run


def serve(port: int | None, address: str | None, streamlit_options: list[str]) -> NoReturn:
    """Run ``streamlit run app.py`` in this process, navigation only and warmed first, until it
    stops (it exits the process); ``streamlit_options`` are passed on (``--secrets.files`` and
    so on)."""
    from streamlit.web import cli

    try:
        navigation_only()
        warm_before_serving()
    except RuntimeError as error:
        raise SystemExit(f"fsdash cannot start: {error}") from None
    options = [*(["--server.port", str(port)] if port else []),
               *(["--server.address", address] if address else []), *streamlit_options]
    cli.main(["run", str(APP), *options], prog_name="streamlit")

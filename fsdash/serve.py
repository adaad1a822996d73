"""``python -m fsdash serve``: start the app under Streamlit so that its page files only ever run
inside ``app.py``'s navigation, from a server's very first session.

Streamlit 1.x decides once for its whole process, as the first session starts, whether an app
with a ``pages/`` folder beside its script uses the older multipage handling: every file there a
page of its own, listed in a sidebar and run without ``app.py``. Only a run that reaches
``st.navigation`` turns that off, and a visitor who has not signed in never reaches it. So under
a bare ``streamlit run app.py`` a direct link showed "Page not found", and page files ran
without the sign-in check. The launcher makes Streamlit's decision (navigation only) before the
server starts (and ``app.py`` on every run, for a server started some other way)."""

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


def serve(port: int | None, address: str | None, streamlit_options: list[str]) -> NoReturn:
    """Run ``streamlit run app.py`` in this process, navigation only, until it stops (it exits
    the process); ``streamlit_options`` are passed on (``--secrets.files`` and so on)."""
    from streamlit.web import cli

    try:
        navigation_only()
    except RuntimeError as error:
        raise SystemExit(f"fsdash cannot start: {error}") from None
    options = [*(["--server.port", str(port)] if port else []),
               *(["--server.address", address] if address else []), *streamlit_options]
    cli.main(["run", str(APP), *options], prog_name="streamlit")

"""The page shown in place of one a role does not include (a cabinet member opening /team, a
team manager opening /data or /audit-log): it says so plainly, names the pages the role does
include, and records the refusal in the audit log. Without it Streamlit shows its generic "Page
not found" and nothing is recorded."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from fsdash import ui
from fsdash.access import ROLE_NAMES
from fsdash.formatting import with_article

REASON = "not among the role's pages"


def refusal_sentence(role: str, title: str) -> str:
    """'You are signed in as a cabinet member, and that role does not include the Data page.'"""
    return (f"You are signed in as {with_article(ROLE_NAMES[role].lower())}, and that role does "
            f"not include the {title} page. If you need it, please ask the performance team, "
            "who will arrange it with information governance.")


def not_in_role(title: str, included: list) -> Callable[[], None]:
    """A page for ``st.navigation`` standing in for ``title``: ``included`` are the role's own
    pages (``st.Page``), linked from it."""

    def refused() -> None:
        ui.page_style()
        st.title(title)
        ui.record_view(title, "refused", reason=REASON)
        st.error(refusal_sentence(ui.scope().role, title))
        st.markdown("The pages your role includes:")
        for page in included:
            st.page_link(page)

    refused.__name__ = "refused_" + title.lower().replace(" ", "_")
    return refused

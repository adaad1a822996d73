"""Which pages a visitor's navigation holds. Each role gets its own pages; at the address of a
page a role does not include (a cabinet member opening /team, a team manager opening /data or
/audit-log), a page saying so plainly, naming the pages the role does include, and recording the
refusal in the audit log (without it Streamlit shows its generic "Page not found" and nothing is
recorded). Before sign-in only the accessibility statement is open."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from fsdash import signin, ui
from fsdash.access import ROLE_NAMES, Scope
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


@dataclass(frozen=True)
class PageFile:
    """One page of the app: its file, title, icon, address and which scopes include it."""

    path: str
    title: str
    icon: str
    url_path: str
    included: Callable[[Scope], bool] = lambda scope: True


PAGE_FILES = (
    PageFile("pages/overview.py", "Overview", ":material/dashboard:", ""),
    PageFile("pages/children_in_care.py", "Children in care", ":material/family_home:",
             "children-in-care"),
    PageFile("pages/front_door.py", "Front door", ":material/door_front:", "front-door"),
    PageFile("pages/outcomes.py", "Outcomes", ":material/trending_down:", "outcomes"),
    PageFile("pages/at_a_glance.py", "At a glance", ":material/grid_view:", "at-a-glance"),
    PageFile("pages/scenarios.py", "Scenarios", ":material/timeline:", "scenarios"),
    PageFile("pages/board_pack.py", "Board pack", ":material/picture_as_pdf:", "board-pack"),
    PageFile("pages/team.py", "Team caseloads", ":material/groups:", "team",
             lambda scope: scope.all_teams or bool(scope.teams)),
    PageFile("pages/data.py", "Data", ":material/database:", "data",
             lambda scope: scope.loads_data),
    PageFile("pages/audit_log.py", "Audit log", ":material/history:", "audit-log",
             lambda scope: scope.reads_audit_log),
    # Open to everyone, signed in or not: public sector websites must publish one.
    PageFile("pages/accessibility.py", "Accessibility", ":material/accessibility_new:",
             "accessibility"),
)
STATEMENT = PAGE_FILES[-1]


def _page(page: PageFile) -> st.Page:
    return st.Page(page.path, title=page.title, icon=page.icon, url_path=page.url_path or None,
                   default=not page.url_path)


def role_navigation(scope: Scope) -> list:
    """The pages ``scope`` includes, then, hidden, a refusal standing in for each other page."""
    pages = [_page(p) for p in PAGE_FILES if p.included(scope)]
    refused = [st.Page(not_in_role(p.title, pages), title=p.title, url_path=p.url_path,
                       visibility="hidden")
               for p in PAGE_FILES if not p.included(scope)]
    return pages + refused


def signed_out() -> bool:
    """Whether nobody is signed in and no development role stands in for sign-in."""
    if os.environ.get(signin.DEV_ROLE):
        return False
    return not (signin.sign_in_configured() and st.user.is_logged_in)


def signed_out_navigation() -> list:
    """Before sign-in: the accessibility statement, and at every other page's address the
    sign-in (which stops the page), so a shared link still opens its page once signed in."""
    statement = _page(STATEMENT)

    def sign_in_first() -> None:
        st.sidebar.page_link(statement, label="Accessibility statement")
        ui.scope()

    return [statement] + [st.Page(sign_in_first, title=p.title, url_path=p.url_path or None,
                                  default=not p.url_path, visibility="hidden")
                          for p in PAGE_FILES if p is not STATEMENT]

"""Sign-in and role, for ``app.py``: the council's identity provider over OpenID Connect
(Streamlit's ``st.login``), the role the access configuration gives the user, and an explicit,
bannered development mode (``FSDASH_DEV_ROLE``) for the demo on a machine with no sign-in.

Production refuses to show anything without sign-in configured. Streamlit does not check the
identity token's expiry, so this does: an expired token, or a sign-in older than the configured
maximum, means signing in again."""

from __future__ import annotations

import datetime as dt
import os

import streamlit as st

from fsdash.access import ROLE_NAMES, AccessError, Scope
from fsdash.access.roles import development_scope, load_access, scope_for_claims
from fsdash.config import load_council

DEV_ROLE = "FSDASH_DEV_ROLE"


def sign_in_configured() -> bool:
    """Whether ``.streamlit/secrets.toml`` (or another secrets file) has an [auth] section."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def current_scope() -> Scope:
    """The user's scope; anything else (not signed in, expired, no role, not set up) stops the
    page after saying why, so no figure is ever drawn without a scope."""
    access = load_access()
    development = os.environ.get(DEV_ROLE)
    if development:
        try:
            scope = development_scope(development, access, [t.code for t in load_council().teams])
        except AccessError as error:
            _stop("fsdash cannot start", str(error))
        st.warning(f"**Development mode**: no sign-in; everyone is treated as a "
                   f"{ROLE_NAMES[scope.role].lower()}{_teams(scope)} ({DEV_ROLE}). Never run "
                   "it like this on council data.", icon=":material/construction:")
        return scope
    if not sign_in_configured():
        _stop("Sign-in is not set up",
              "This dashboard shows figures only to people who have signed in. Set up sign-in "
              "in .streamlit/secrets.toml (see .streamlit/secrets.example.toml and the README), "
              f"or, on a development machine with the demo data only, set {DEV_ROLE}.")
    if not st.user.is_logged_in:
        st.title("Family Safeguarding dashboard")
        st.write("Sign in with your council account to see the dashboard.")
        st.button("Sign in", on_click=st.login, type="primary")
        st.stop()
    if _expired(st.user.to_dict(), access.max_session_hours):
        st.title("Your sign-in has expired")
        st.write("For the safety of the information here, please sign in again.")
        st.button("Sign in again", on_click=st.logout, type="primary")
        st.stop()
    scope = scope_for_claims(st.user.to_dict(), access)
    if scope is None:
        st.title("You do not have access to this dashboard")
        st.write("You are signed in, but no role has been given to your account. If you need "
                 "access, please ask the performance team, who will arrange it with "
                 "information governance.")
        st.button("Sign out", on_click=st.logout)
        st.stop()
    with st.sidebar:
        st.caption(f"Signed in as {scope.who} · {ROLE_NAMES[scope.role]}{_teams(scope)}")
        st.button("Sign out", on_click=st.logout)
    return scope


def _expired(claims: dict, max_hours: float) -> bool:
    """Whether the identity token has expired, or was issued more than ``max_hours`` ago."""
    now = dt.datetime.now(dt.UTC).timestamp()
    expires, issued = claims.get("exp"), claims.get("iat")
    if not isinstance(expires, (int, float)) or expires <= now:
        return True
    return isinstance(issued, (int, float)) and now - issued > max_hours * 3600


def _teams(scope: Scope) -> str:
    return f" ({', '.join(scope.teams)})" if scope.teams else ""


def _stop(title: str, message: str):
    st.title(title)
    st.error(message)
    st.stop()

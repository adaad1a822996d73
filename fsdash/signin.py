"""Sign-in and role, for ``app.py``: the council's identity provider over OpenID Connect
(Streamlit's ``st.login``), the role the access configuration gives the user, and an explicit,
bannered development mode (``FSDASH_DEV_ROLE``) for the demo on a machine with no sign-in.

Production refuses to show anything without sign-in configured. Every page run checks the
sign-in afresh: Streamlit does not check the identity token's expiry, so this does (an expired
token, or a sign-in older than the configured maximum, means signing in again); a sign-in signed
out elsewhere (a copied cookie) is refused (``fsdash.signouts``); and the role comes from the
access file as it is now, so removing someone takes effect on their next page. Refusals are
recorded in the audit log, once a session."""

from __future__ import annotations

import datetime as dt
import logging
import os

import streamlit as st

from fsdash import audit, signouts
from fsdash.access import ROLE_NAMES, Access, AccessError, Scope
from fsdash.access.roles import (
    Identity,
    development_scope,
    identity_from_claims,
    load_access,
    scope_for_claims,
)
from fsdash.config import load_council
from fsdash.formatting import with_article

DEV_ROLE = "FSDASH_DEV_ROLE"


def sign_in_configured() -> bool:
    """Whether ``.streamlit/secrets.toml`` (or another secrets file) has an [auth] section."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def current_scope() -> Scope:
    """The user's scope; anything else (not signed in, signed out, expired, no role, not set up)
    stops the page after saying why, so no figure is ever drawn without a scope."""
    development = os.environ.get(DEV_ROLE)
    access = _access(development)
    if development:
        try:
            scope = development_scope(development, access, [t.code for t in load_council().teams])
        except AccessError as error:
            _stop("fsdash cannot start", str(error))
        st.warning(f"**Development mode**: no sign-in; everyone is treated as "
                   f"{with_article(ROLE_NAMES[scope.role].lower())}{_teams(scope)} "
                   f"({DEV_ROLE}). Never run it like this on council data.", icon=":material/construction:")
        return scope
    if not sign_in_configured():
        _stop("Sign-in is not set up",
              "This dashboard shows figures only to people who have signed in. Set up sign-in "
              "in .streamlit/secrets.toml (see .streamlit/secrets.example.toml and docs/sign-in.md), "
              f"or, on a development machine with the demo data only, set {DEV_ROLE}.")
    if not st.user.is_logged_in:
        st.title("Family Safeguarding dashboard")
        st.write("Sign in with your council account to see the dashboard.")
        st.button("Sign in", on_click=st.login, type="primary")
        st.stop()
    claims = st.user.to_dict()
    identity = identity_from_claims(claims, access)
    if signouts.signed_out(claims):
        _refuse(identity, "signed out", "You have signed out",
                "This sign-in has ended. Please sign in again to see the dashboard.",
                "Sign in", st.login)
    if _expired(claims, access.max_session_hours):
        _refuse(identity, "sign-in expired", "Your sign-in has expired",
                "For the safety of the information here, please sign in again.",
                "Sign in again", st.logout)
    scope = scope_for_claims(claims, access)
    if scope is None:
        _refuse(identity, "no role", "You do not have access to this dashboard",
                "You are signed in, but no role has been given to your account. If you need "
                "access, please ask the performance team, who will arrange it with information "
                "governance.", "Sign out", lambda: _sign_out(claims, identity, audit.NO_ROLE))
    st.session_state.pop("fsdash_refused", None)      # a later refusal is recorded again
    with st.sidebar:
        st.caption(f"Signed in as {scope.who} · {ROLE_NAMES[scope.role]}{_teams(scope)}")
        st.button("Sign out", on_click=_sign_out, args=(claims, identity, scope.role))
    return scope


def _access(development: str | None) -> Access:
    """The access configuration as it is now. A mistake in it stops every page: named in
    development mode, and otherwise in the server's log only (it may name people)."""
    try:
        return load_access()
    except AccessError as error:
        if development:
            _stop("fsdash cannot start", str(error))
        logging.getLogger(__name__).error("%s", error)
        _stop("The dashboard is not available",
              "Its access settings cannot be read. Please tell the performance team.")


def _refuse(identity: Identity, reason: str, title: str, message: str, button: str,
            action) -> None:
    """Turn a signed-in user away, recording why once a session; stops the page."""
    if st.session_state.get("fsdash_refused") != reason:
        audit.record_refusal(identity, reason)
        st.session_state["fsdash_refused"] = reason
    st.title(title)
    st.write(message)
    st.button(button, on_click=action, type="primary")
    st.stop()


def _sign_out(claims: dict, identity: Identity, role: str) -> None:
    """End the sign-in on the server as well as in this browser (``fsdash.signouts``)."""
    signouts.sign_out(claims)
    audit.record_sign_out(identity, role)
    st.logout()


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

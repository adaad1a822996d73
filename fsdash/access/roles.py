"""Roles and what each may see: who the signed-in user is (their identity token's claims), the
role the council's access configuration gives them, and the scope every query and cache is keyed
by. The configuration is ``config/access.toml`` unless ``FSDASH_ACCESS`` names another file; it
is read again whenever its contents change, so removing someone needs no restart.

A role comes only from claims the identity provider vouches for: an email address with
``email_verified`` true, a stable identifier (``id_claim``, such as Entra ID's ``oid``) or the
group claim. ``preferred_username`` and other names a user may change are never matched."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fsdash.config import REPO_ROOT

ROLES = ("cabinet", "director", "team_manager", "analyst")
ROLE_NAMES = {"cabinet": "Cabinet member", "director": "Director", "team_manager": "Team manager",
              "analyst": "Analyst"}
DEFAULT_ACCESS = REPO_ROOT / "config" / "access.toml"
# Claims a user or an administrator can change, or that another account can come to hold:
# never a key to a role (OpenID Connect Core 1.0, section 5.7; Microsoft's ID token claims
# reference for preferred_username, email, upn, unique_name and name).
CHANGEABLE_CLAIMS = frozenset({"email", "preferred_username", "upn", "unique_name", "name",
                               "nickname", "given_name", "family_name"})


class AccessError(ValueError):
    """The access configuration, or a development role, is not valid."""


@dataclass(frozen=True)
class Identity:
    """Who a user is, for the audit log only: ``who`` is their verified email (else their stable
    identifier or subject), ``sub`` and ``iss`` the identity token's subject and issuer."""

    who: str = ""
    sub: str = ""
    iss: str = ""


@dataclass(frozen=True)
class Scope:
    """What one user may see: their role, their teams (team managers), whether small numbers
    are hidden from them, and who they are (for the audit log only)."""

    role: str
    teams: tuple[str, ...] = ()
    suppress: bool = True
    identity: Identity = field(default=Identity(), compare=False)

    @property
    def who(self) -> str:
        return self.identity.who

    @property
    def key(self) -> tuple:
        """What cached results depend on: never the person, always the role's reach."""
        return (self.role, self.teams, self.suppress)

    @property
    def all_teams(self) -> bool:
        return self.role in ("director", "analyst")

    def may_see_team(self, team: str) -> bool:
        """Whether this user may see a team's worker- and case-level detail."""
        return self.all_teams or team in self.teams

    @property
    def reads_audit_log(self) -> bool:
        return self.role == "analyst"

    @property
    def loads_data(self) -> bool:
        return self.role == "analyst"


@dataclass(frozen=True)
class Access:
    """The council's access configuration."""

    suppressed_roles: frozenset[str]
    group_claim: str
    id_claim: str                                         # "" when users are named by email only
    max_session_hours: float
    groups: tuple[tuple[str, str], ...]                   # (group, role)
    users: dict[str, tuple[str, tuple[str, ...]]]         # email: (role, teams)
    ids: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # id: (role, teams)

    def scope(self, role: str, teams=(), identity: Identity = Identity()) -> Scope:
        suppress = role == "cabinet" or role in self.suppressed_roles
        return Scope(role, tuple(teams), suppress, identity)


def access_path() -> Path:
    return Path(os.environ.get("FSDASH_ACCESS", DEFAULT_ACCESS))


def load_access(path: Path | None = None) -> Access:
    """Read and check an access configuration file. The file is read on every call, and parsed
    again only when its contents have changed."""
    path = Path(path or access_path())
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise AccessError(f"{path}: cannot be read ({error.strerror})") from None
    return _parse_access(str(path), text)


@lru_cache(maxsize=8)
def _parse_access(path: str, text: str) -> Access:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AccessError(f"{path}: not valid TOML ({error})") from None
    sign_in = raw.get("sign_in", {})
    group_claim, id_claim = sign_in.get("group_claim", "groups"), sign_in.get("id_claim", "")
    for setting, claim in (("group_claim", group_claim), ("id_claim", id_claim)):
        if claim in CHANGEABLE_CLAIMS:
            raise AccessError(f"{path}: [sign_in] {setting} = {claim!r} is a claim users or "
                              "administrators can change; use a stable identifier such as "
                              "Entra ID's oid")
    groups = tuple((g.get("group"), g.get("role")) for g in raw.get("groups", []))
    users, ids = {}, {}
    for number, user in enumerate(raw.get("users", []), start=1):
        entry = (user.get("role"), tuple(user.get("teams", ())))
        if ("email" in user) == ("id" in user):
            raise AccessError(f"{path}: user {number} needs an email or an id (one, not both)")
        if "id" in user and not id_claim:
            raise AccessError(f"{path}: user {number} is named by id, but [sign_in] has no "
                              "id_claim saying which claim holds it")
        name = str(user.get("email") or user.get("id") or "").strip()
        if not name:
            raise AccessError(f"{path}: user {number} has an empty email or id")
        if "email" in user:
            users[name.lower()] = entry
        else:
            ids[name] = entry
    for name, (role, teams) in [*users.items(), *ids.items()]:
        if role not in ROLES:
            raise AccessError(f"{path}: {name}: unknown role {role!r} (roles: {', '.join(ROLES)})")
        if role == "team_manager" and not teams:
            raise AccessError(f"{path}: team manager {name} has no teams")
    for group, role in groups:
        if not group or role not in ROLES:
            raise AccessError(f"{path}: group {group!r}: unknown role {role!r} "
                              f"(roles: {', '.join(ROLES)})")
    return Access(frozenset(raw.get("suppression", {}).get("roles", ())), group_claim, id_claim,
                  float(sign_in.get("max_session_hours", 10)), groups, users, ids)


def verified_email(claims: dict) -> str:
    """The user's email address, lower case, if the identity provider says it has verified it
    (``email_verified`` true); otherwise ""."""
    verified = claims.get("email_verified")
    if verified is True or str(verified).lower() == "true":
        return str(claims.get("email") or "").lower()
    return ""


def stable_id(claims: dict, access: Access) -> str:
    """The user's stable identifier (the configured ``id_claim``), or ""."""
    return str(claims.get(access.id_claim) or "") if access.id_claim else ""


def identity_from_claims(claims: dict, access: Access) -> Identity:
    """Who the user is for the audit log: never an email the provider has not verified."""
    sub, iss = str(claims.get("sub") or ""), str(claims.get("iss") or "")
    return Identity(verified_email(claims) or stable_id(claims, access) or sub, sub, iss)


def scope_for_claims(claims: dict, access: Access) -> Scope | None:
    """The scope of a signed-in user from their identity token's claims, or None if the
    configuration gives them no role. A user named by verified email comes first, then by
    stable identifier, then their groups in the configuration's order."""
    identity = identity_from_claims(claims, access)
    email, stable = verified_email(claims), stable_id(claims, access)
    named = (access.users.get(email) if email else None) or (
        access.ids.get(stable) if stable else None)
    if named:
        return access.scope(*named, identity)
    held = claims.get(access.group_claim) or []
    held = [held] if isinstance(held, str) else list(held)
    for group, role in access.groups:
        if group in held:
            return access.scope(role, (), identity)
    return None


def development_scope(value: str, access: Access, team_codes) -> Scope:
    """The scope for ``FSDASH_DEV_ROLE``: a role, or ``team_manager:<TEAM>[,<TEAM>]``."""
    role, _, teams = value.partition(":")
    teams = tuple(t for t in teams.split(",") if t)
    if role not in ROLES:
        raise AccessError(f"FSDASH_DEV_ROLE={value!r}: the role must be one of {', '.join(ROLES)}")
    if role == "team_manager" and (not teams or set(teams) - set(team_codes)):
        raise AccessError(f"FSDASH_DEV_ROLE={value!r}: give a team manager's teams from the "
                          f"council configuration, e.g. team_manager:{sorted(team_codes)[0]}")
    return access.scope(role, teams if role == "team_manager" else (),
                        Identity(f"development ({value})"))

"""Roles and what each may see: who the signed-in user is (their identity token's claims), the
role the council's access configuration gives them, and the scope every query and cache is keyed
by. The configuration is ``config/access.toml`` unless ``FSDASH_ACCESS`` names another file."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from fsdash.config import REPO_ROOT

ROLES = ("cabinet", "director", "team_manager", "analyst")
ROLE_NAMES = {"cabinet": "Cabinet member", "director": "Director", "team_manager": "Team manager",
              "analyst": "Analyst"}
DEFAULT_ACCESS = REPO_ROOT / "config" / "access.toml"


class AccessError(ValueError):
    """The access configuration, or a development role, is not valid."""


@dataclass(frozen=True)
class Scope:
    """What one user may see: their role, their teams (team managers), whether small numbers
    are hidden from them, and who they are (for the audit log only)."""

    role: str
    teams: tuple[str, ...] = ()
    suppress: bool = True
    who: str = field(default="", compare=False)

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
    max_session_hours: float
    groups: tuple[tuple[str, str], ...]                   # (group, role)
    users: dict[str, tuple[str, tuple[str, ...]]]         # email: (role, teams)

    def scope(self, role: str, teams=(), who: str = "") -> Scope:
        suppress = role == "cabinet" or role in self.suppressed_roles
        return Scope(role, tuple(teams), suppress, who)


def access_path() -> Path:
    return Path(os.environ.get("FSDASH_ACCESS", DEFAULT_ACCESS))


@cache
def load_access(path: Path | None = None) -> Access:
    """Read and check an access configuration file."""
    path = Path(path or access_path())
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    groups = tuple((g["group"], g["role"]) for g in raw.get("groups", []))
    users = {u["email"].lower(): (u["role"], tuple(u.get("teams", ())))
             for u in raw.get("users", [])}
    for role in [r for _, r in groups] + [r for r, _ in users.values()]:
        if role not in ROLES:
            raise AccessError(f"{path}: unknown role {role!r} (roles: {', '.join(ROLES)})")
    for email, (role, teams) in users.items():
        if role == "team_manager" and not teams:
            raise AccessError(f"{path}: team manager {email} has no teams")
    sign_in = raw.get("sign_in", {})
    return Access(frozenset(raw.get("suppression", {}).get("roles", ())),
                  sign_in.get("group_claim", "groups"),
                  float(sign_in.get("max_session_hours", 10)), groups, users)


def scope_for_claims(claims: dict, access: Access) -> Scope | None:
    """The scope of a signed-in user from their identity token's claims, or None if the
    configuration gives them no role. A named user comes first, then their groups in the
    configuration's order."""
    email = str(claims.get("email") or claims.get("preferred_username") or "").lower()
    who = email or str(claims.get("sub", ""))
    if email in access.users:
        role, teams = access.users[email]
        return access.scope(role, teams, who)
    held = claims.get(access.group_claim) or []
    held = [held] if isinstance(held, str) else list(held)
    for group, role in access.groups:
        if group in held:
            return access.scope(role, (), who)
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
    return access.scope(role, teams if role == "team_manager" else (), f"development ({value})")

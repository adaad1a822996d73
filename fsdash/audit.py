"""The audit log: who opened which page with which filters, drill-down or download, and when
(National Data Guardian: "usage logged and attributable").

One JSON object a line, appended to ``FSDASH_AUDIT_LOG`` (default ``data/audit/audit.jsonl``):
a file of its own, so a data load, which replaces the store, never touches it. The app only ever
appends; nothing in it reads the log back except the analysts' page. It records the user (their
verified email or stable identifier, and the identity token's subject and issuer) and their role,
never a child's or family's details (filters are areas, dates and team codes). Refused sign-ins
are recorded too, and the command line's runs with the operating-system user.

Every text is cleaned before it is written: control and formatting characters (line breaks,
escapes, bidirectional overrides) removed, and cut to ``MAX_TEXT`` characters, because filters
come from the page address, which anyone can write."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import threading
import unicodedata
from pathlib import Path

import pandas as pd

from fsdash.access.roles import Identity, Scope
from fsdash.config import REPO_ROOT

DEFAULT_LOG = REPO_ROOT / "data" / "audit" / "audit.jsonl"
COLUMNS = ["at", "who", "role", "page", "action", "details", "sub", "iss"]
MAX_TEXT = 200
NO_ROLE = "none"
_lock = threading.Lock()


def log_path() -> Path:
    return Path(os.environ.get("FSDASH_AUDIT_LOG", DEFAULT_LOG))


def record(scope: Scope, page: str, action: str, details: dict | None = None) -> None:
    """Append one entry: ``action`` is "view", "drill-down", "download" or "refused"."""
    _append(scope.identity, scope.role, page, action, details)


def record_refusal(identity: Identity, reason: str) -> None:
    """A signed-in user turned away before any page: no role, an expired sign-in, or a session
    already signed out."""
    _append(identity, NO_ROLE, "Sign-in", "refused", {"reason": reason})


def record_sign_out(identity: Identity, role: str) -> None:
    _append(identity, role, "Sign-in", "signed out")


def record_command(command: str, scope: Scope, details: dict) -> None:
    """A command-line run (``fsdash summary``, ``fsdash pack``): the operating-system user and
    the role (and teams) they asked for."""
    teams = {"teams": ",".join(scope.teams)} if scope.teams else {}
    _append(Identity(os_user()), scope.role, f"fsdash {command} (command line)", "run",
            {**details, **teams})


def os_user() -> str:
    """The operating-system user running this process."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):          # no login name and no entry in the password file
        return f"uid {os.getuid()}"


def clean(value) -> str:
    """``value`` as text fit for the log: control and formatting characters removed, and cut
    to ``MAX_TEXT`` characters (saying how long it was)."""
    text = "".join(c for c in str(value) if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    if len(text) <= MAX_TEXT:
        return text
    return f"{text[:MAX_TEXT]}… (cut from {len(text):,} characters)"


def _append(identity: Identity, role: str, page: str, action: str,
            details: dict | None = None) -> None:
    entry = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
             "who": clean(identity.who), "sub": clean(identity.sub), "iss": clean(identity.iss),
             "role": clean(role), "page": clean(page), "action": clean(action),
             "details": {clean(k): clean(v) for k, v in (details or {}).items()}}
    line = (json.dumps(entry, sort_keys=True) + "\n").encode("utf-8")
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock:
        handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(handle, line)
        finally:
            os.close(handle)


class AuditRefused(PermissionError):
    """Only analysts read the audit log."""


def read(scope: Scope, last: int = 1000) -> pd.DataFrame:
    """The latest entries, newest first, for analysts; anyone else is refused."""
    if not scope.reads_audit_log:
        raise AuditRefused(scope.role)
    path = log_path()
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS)
    lines = path.read_text(encoding="utf-8").splitlines()[-last:]
    rows = [json.loads(line) for line in reversed(lines) if line.strip()]
    frame = pd.DataFrame(rows, columns=COLUMNS).fillna({"sub": "", "iss": ""})
    frame["details"] = frame["details"].map(
        lambda d: "; ".join(f"{k}: {v}" for k, v in (d or {}).items()))
    return frame

"""The audit log: who opened which page with which filters, drill-down or download, and when
(National Data Guardian: "usage logged and attributable").

One JSON object a line, appended to ``FSDASH_AUDIT_LOG`` (default ``data/audit/audit.jsonl``):
a file of its own, so a data load, which replaces the store, never touches it. The app only ever
appends; nothing in it reads the log back except the analysts' page. It records the user and
their role, never a child's or family's details (filters are areas, dates and team codes)."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path

import pandas as pd

from fsdash.access import Scope
from fsdash.config import REPO_ROOT

DEFAULT_LOG = REPO_ROOT / "data" / "audit" / "audit.jsonl"
COLUMNS = ["at", "who", "role", "page", "action", "details"]
_lock = threading.Lock()


def log_path() -> Path:
    return Path(os.environ.get("FSDASH_AUDIT_LOG", DEFAULT_LOG))


def record(scope: Scope, page: str, action: str, details: dict | None = None) -> None:
    """Append one entry: ``action`` is "view", "drill-down", "download" or "refused"."""
    entry = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "who": scope.who,
             "role": scope.role, "page": page, "action": action,
             "details": {k: str(v) for k, v in (details or {}).items()}}
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
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["details"] = frame["details"].map(
        lambda d: "; ".join(f"{k}: {v}" for k, v in (d or {}).items()))
    return frame

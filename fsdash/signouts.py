"""Sign-outs kept on the server, so a sign-in cookie copied before sign-out stops working.

Streamlit's ``st.logout`` only deletes the cookie from the browser that signs out; a copy of it
stays valid until its identity token expires. So signing out also writes the sign-in's key (a
SHA-256 digest of the token's issuer, subject, issue and expiry times and nonce, nothing
readable) to ``signed-out.txt`` beside the audit log, and every page run refuses a sign-in whose
key is there. A key is kept until its token expires, after which the token is refused anyway.
Every server process on the machine shares the file (several servers on different machines
need the audit log's folder on shared storage)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from pathlib import Path

from fsdash import audit

FILE_NAME = "signed-out.txt"


def signouts_path() -> Path:
    return audit.log_path().with_name(FILE_NAME)


def sign_in_key(claims: dict) -> str:
    """The digest that names one sign-in (one identity token)."""
    parts = [claims.get(name) for name in ("iss", "sub", "iat", "exp", "nonce")]
    return hashlib.sha256(json.dumps(parts, default=str).encode("utf-8")).hexdigest()


def signed_out(claims: dict) -> bool:
    """Whether this sign-in has been signed out."""
    return sign_in_key(claims) in _live_keys(signouts_path())


def sign_out(claims: dict) -> None:
    """Record this sign-in as signed out (and forget those whose tokens have expired)."""
    path = signouts_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    expires = claims.get("exp")
    expires = int(expires) if isinstance(expires, (int, float)) else int(time.time()) + 86_400
    with open(path.with_name(FILE_NAME + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)          # one writer at a time, in every process
        keys = {**_live_keys(path), sign_in_key(claims): expires}
        written = path.with_name(f"{FILE_NAME}.{os.getpid()}.tmp")
        written.write_text("".join(f"{key} {until}\n" for key, until in keys.items()))
        os.replace(written, path)                 # readers see the old file or the new, whole


def _live_keys(path: Path) -> dict[str, int]:
    """The keys in the file whose tokens have not yet expired, with their expiry times."""
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except FileNotFoundError:
        return {}
    now = time.time()
    pairs = (line.split() for line in lines)
    return {p[0]: int(p[1]) for p in pairs if len(p) == 2 and p[1].isdigit() and int(p[1]) > now}

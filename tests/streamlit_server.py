"""Start the app (`python -m fsdash serve`, as `make run` and a deployment do) or another script
(`streamlit run`) on a free loopback port and drive Debian's Chromium: shared by the browser
tests, the benchmark and `make cluster`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
CHROMIUM = os.environ.get("FSDASH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(script: Path, db: Path, flags: tuple[str, ...] = (), env: dict | None = None,
                     port: int | None = None, log: Path | None = None):
    """Yield (process, url) for ``script`` served over the store ``db``; stop it after.
    ``flags`` go to `streamlit run`; ``env`` adds to the environment (by default a development
    director, as `make run` does). ``log``: a file for the server's output (a long run's
    errors would fill an unread pipe and stall the server); without it, only errors are kept."""
    port = port or free_port()
    env = {"FSDASH_DEV_ROLE": "director", **(env or {})}
    with log.open("wb") if log else nullcontext(subprocess.PIPE) as output:
        process = subprocess.Popen(
            [*_serve_command(script), "--server.port", str(port), "--server.address",
             "127.0.0.1", "--server.headless", "true", *flags],
            cwd=ROOT, env={**os.environ, "FSDASH_DB": str(db), **env},
            stdout=output if log else subprocess.DEVNULL, stderr=output)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process, log)
        yield process, url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:     # still busy with a run after 30 s: stopped outright
            process.kill()
            process.wait()


def _serve_command(script: Path) -> list[str]:
    """The app through its launcher (so every page runs inside its navigation from the first
    session); any other script under a bare `streamlit run`."""
    if script.resolve() == APP:
        return [sys.executable, "-m", "fsdash", "serve", "--"]
    return [sys.executable, "-m", "streamlit", "run", str(script)]


def wait_for_health(url: str, process: subprocess.Popen, log: Path | None = None) -> None:
    """Wait until the server at ``url`` (run by ``process``, its output in ``log`` if given)
    answers its health check: the launcher first builds the views every role lands on
    (``fsdash.warm``), for each scope the access file gives under sign-in, on a busy machine."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.3)
    process.kill()
    said = log.read_bytes() if log else process.stderr.read()
    raise RuntimeError(f"streamlit did not start at {url}: {said.decode()[-2000:]}")


@contextmanager
def launched_chromium():
    """Debian's Chromium under Playwright (``make test`` installs it), closed afterwards."""
    import pytest
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"No Chromium at {CHROMIUM}: run `make test`, which installs it.")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def pressed_download(page, button, tries: int = 3, on_miss=lambda attempt: None):
    """Press a download button and return Playwright's download. A press while the page is
    still rerunning can go unheard (on a loaded machine), so it is pressed again, up to
    ``tries`` times; ``on_miss(attempt)`` runs after each press that made no download."""
    from playwright.sync_api import TimeoutError as Timeout

    for attempt in range(tries):
        page.wait_for_selector(READY, timeout=180_000)
        button.scroll_into_view_if_needed()
        try:
            with page.expect_download(timeout=90_000) as caught:
                button.click()
            return caught.value
        except Timeout:
            on_miss(attempt)
    raise AssertionError(f"no download after {tries} presses")

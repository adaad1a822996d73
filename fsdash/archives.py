"""Unpack a zip file of extracts within the load's limits (``config.LoadLimits``): how many files
it holds, what they unpack to in all, and how far one file may grow from its packed size. The
zip's own directory is checked before anything is unpacked, and the bytes are counted again
while unpacking, so a zip whose directory understates its files (a "zip bomb") stops there too.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from fsdash.config import LoadLimits

MEGABYTE = 1 << 20
BLOCK = MEGABYTE
RATIO_FROM = MEGABYTE    # a file smaller than this unpacked is never refused for its ratio


class TooBig(Exception):
    """A zip beyond the load's limits: ``file`` names the zip (or the file in it), the message
    why."""

    def __init__(self, file: str, message: str):
        super().__init__(message)
        self.file = file


def unpack(path: Path, folder: Path, limits: LoadLimits) -> list[Path]:
    """Unpack the zip at ``path`` into ``folder``; the files it made. Raises ``TooBig``, or
    ``zipfile.BadZipFile`` for what is not a zip."""
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.infolist() if not m.is_dir() and _inside(m.filename)]
        _check_directory(path.name, members, limits)
        unpacked, budget = [], limits.max_unzipped_megabytes * MEGABYTE
        for member in members:
            target = folder.joinpath(*_inside(member.filename))
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, target.open("wb") as out:
                for block in iter(lambda: source.read(BLOCK), b""):
                    budget -= len(block)
                    if budget < 0:
                        raise TooBig(path.name, _too_big(limits, "unpacks to"))
                    out.write(block)
            unpacked.append(target)
    return unpacked


def check_workbook(path: Path, shown_as: str, limits: LoadLimits) -> None:
    """Refuse an .xlsx workbook (itself a zip, read in place) whose directory says it unpacks
    beyond the load's limits; an older binary .xls is not a zip and is left to its reader.
    Raises ``TooBig``."""
    if not zipfile.is_zipfile(path):
        return
    with zipfile.ZipFile(path) as archive:
        _check_directory(shown_as, [m for m in archive.infolist() if not m.is_dir()], limits)


def _inside(name: str) -> tuple[str, ...]:
    """A member's path as parts inside the folder it is unpacked to (no drive, root or '..')."""
    return tuple(part for part in PurePosixPath(name.replace("\\", "/")).parts
                 if part not in ("/", ".", "..") and not part.endswith(":"))


def _check_directory(name: str, members: list[zipfile.ZipInfo], limits: LoadLimits) -> None:
    """Refuse a zip whose directory says it holds too many files, too much, or a file packed
    far more tightly than any extract packs."""
    if len(members) > limits.max_zip_files:
        raise TooBig(name, f"holds {len(members):,} files, more than the "
                     f"{limits.max_zip_files:,} a load unpacks from one zip ([load] "
                     "max_zip_files in the council configuration): load it in smaller zips")
    if sum(m.file_size for m in members) > limits.max_unzipped_megabytes * MEGABYTE:
        raise TooBig(name, _too_big(limits, "would unpack to"))
    for member in members:
        if member.file_size >= RATIO_FROM and \
                member.file_size > limits.max_zip_ratio * max(member.compress_size, 1):
            raise TooBig(f"{name}:{member.filename}", (
                f"would unpack to {member.file_size / MEGABYTE:,.0f} MB from "
                f"{member.compress_size / 1024:,.0f} KB, more than {limits.max_zip_ratio:,} "
                "times its packed size ([load] max_zip_ratio in the council configuration), "
                "so nothing was unpacked: real extracts grow a few dozen times at most, so "
                "this is not one"))


def _too_big(limits: LoadLimits, verb: str) -> str:
    return (f"{verb} more than the {limits.max_unzipped_megabytes:,} MB a load unpacks from one "
            "zip ([load] max_unzipped_megabytes in the council configuration), so it was not "
            "unpacked: load it in smaller zips")

"""Check that an extract is text fsdash can read, and give the CSV reader plain UTF-8 with Unix
line endings. UTF-8, UTF-8 with a byte order mark and Windows-1252 (what Excel writes) are read
alike; Windows line endings are fine when every line has them. Anything else (UTF-16, binary
data, a file whose lines end in more than one way, a line longer than the load reads) is
refused with a message that says what was found and what to do, never a traceback. Files are
read in blocks, so a large file is never held in memory whole.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path

import numpy as np

from fsdash.config import LoadLimits

BLOCK = 1 << 24    # 16 MiB
UTF8_BOM = codecs.BOM_UTF8
WIDE_BOMS = {codecs.BOM_UTF32_LE: "UTF-32", codecs.BOM_UTF32_BE: "UTF-32",
             codecs.BOM_UTF16_LE: "UTF-16", codecs.BOM_UTF16_BE: "UTF-16"}
SAVE_AS = "save it from the spreadsheet or system as CSV in UTF-8"


class NotReadable(Exception):
    """The file is not text fsdash can read; the message says why (row 1-based where known)."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.row = row


def _blocks(path: Path):
    with path.open("rb") as handle:
        yield from iter(lambda: handle.read(BLOCK), b"")


def _first_bytes(path: Path, count: int = 4) -> bytes:
    with path.open("rb") as handle:
        return handle.read(count)


def _encoding(path: Path) -> str:
    """'utf-8' or 'cp1252': the first of them every byte of the file decodes in."""
    start = _first_bytes(path)
    for bom, name in WIDE_BOMS.items():
        if start.startswith(bom):
            raise NotReadable(f"is {name} text, which fsdash does not read: {SAVE_AS}")
    for encoding in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for block in _blocks(path):
                if b"\x00" in block:
                    raise NotReadable("contains binary data (NUL bytes), so it is not a CSV "
                                      f"text file: {SAVE_AS}")
                decoder.decode(block)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise NotReadable(f"is neither UTF-8 nor Windows-1252 text: {SAVE_AS}")


def _line_endings(path: Path, longest: int) -> tuple[bool, bool]:
    """Whether the lines end in CR LF (Windows) or LF (Unix); refuses a mix, old Mac CRs, or a
    line of more than ``longest`` bytes."""
    counts = {"windows": 0, "unix": 0, "mac": 0}
    first = {}
    row, carry, open_line = 1, b"", 0
    for block in _blocks(path):
        block = carry + block
        carry = b"\r" if block.endswith(b"\r") else b""
        block = block[:-1] if carry else block
        open_line = _check_lengths(block, row, open_line, longest)
        newlines = block.count(b"\n")
        if b"\r" in block:
            windows = block.count(b"\r\n")
            found = {"windows": windows, "unix": newlines - windows,
                     "mac": block.count(b"\r") - windows}
        else:                                   # the usual case: one pass is enough
            found = {"windows": 0, "unix": newlines, "mac": 0}
        for kind, count in found.items():
            if count and kind not in first:
                first[kind] = row + _row_of_first(block, kind)
            counts[kind] += count
        row += newlines
    if carry:
        counts["mac"] += 1
        first.setdefault("mac", row)
    used = [kind for kind, count in counts.items() if count]
    if counts["mac"]:
        raise NotReadable("has lines ending in a carriage return alone (old Mac style): "
                          f"{SAVE_AS}", first["mac"])
    if len(used) > 1:
        odd = min(used, key=lambda kind: counts[kind])
        names = {"windows": "a Windows line ending (CR LF)", "unix": "a Unix line ending (LF)"}
        raise NotReadable(f"mixes line endings: this row ends with {names[odd]} and "
                          f"{counts[max(used, key=counts.get)]:,} others do not. Save the file "
                          "again so that every line ends the same way", first[odd])
    return counts["windows"] > 0, counts["unix"] > 0


def _check_lengths(block: bytes, row: int, open_line: int, longest: int) -> int:
    """Refuse a line of ``block`` (its first on ``row``, after ``open_line`` bytes of that line
    in earlier blocks) longer than ``longest`` bytes; the bytes of its last line, still open."""
    ends = np.flatnonzero(np.frombuffer(block, np.uint8) == ord("\n"))
    lengths = np.diff(ends, prepend=-1) - 1
    lengths[:1] += open_line
    still_open = len(block) - 1 - ends[-1] if len(ends) else open_line + len(block)
    over = np.flatnonzero(lengths > longest)
    if len(over) or still_open > longest:
        raise NotReadable(f"has a line longer than the {longest:,} bytes fsdash reads in one "
                          "line ([load] max_line_bytes in the council configuration): a real "
                          "extract's rows are far shorter, so check this is the file meant",
                          row + int(over[0]) if len(over) else row + len(ends))
    return still_open


ENDINGS = {"windows": re.compile(rb"\r\n"), "unix": re.compile(rb"(?<!\r)\n"),
           "mac": re.compile(rb"\r(?!\n)")}


def _row_of_first(block: bytes, kind: str) -> int:
    """The 0-based line within ``block`` of the first ending of a kind."""
    return block.count(b"\n", 0, ENDINGS[kind].search(block).start())


def readable(path: Path, scratch: Path, name: str | None = None,
             longest_line: int = LoadLimits.max_line_bytes) -> Path:
    """``path`` itself if it is plain UTF-8 with Unix line endings, else a UTF-8 copy with Unix
    line endings in the folder ``scratch`` (under ``name``). Raises ``NotReadable``, also for a
    line longer than ``longest_line`` bytes."""
    encoding = _encoding(path)
    windows, _ = _line_endings(path, longest_line)
    bom = _first_bytes(path, 3) == UTF8_BOM
    if encoding == "utf-8" and not windows and not bom:
        return path
    copy = scratch / (name or path.name)
    decoder = codecs.getincrementaldecoder("utf-8-sig" if encoding == "utf-8" else encoding)()
    with copy.open("w", encoding="utf-8", newline="") as out:
        carry = ""
        for block in _blocks(path):
            text = carry + decoder.decode(block)
            carry = "\r" if text.endswith("\r") else ""
            out.write((text[:-1] if carry else text).replace("\r\n", "\n"))
        out.write((carry + decoder.decode(b"", final=True)).replace("\r\n", "\n"))
    return copy


def sha256(path: Path) -> str:
    """The file's SHA-256 digest, read a megabyte at a time (the load's audit record)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

"""A load's limits (``[load]`` in the council configuration): a zip that would unpack to too much,
holds too many files or grows too far from its packed size, and a CSV line too long to read, are
each refused with a message naming the file (and row), and nothing already stored is lost."""

import dataclasses
import hashlib
import zipfile

import pytest

from conftest import known_answer_rows
from extract_files import write_extracts
from fsdash import archives, textfiles
from fsdash.config import LoadLimits, load_council
from fsdash.ingest import LoadError, load_folder, load_paths

MEGABYTE = 1 << 20


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    """The known extracts (read, never changed)."""
    return write_extracts(tmp_path_factory.mktemp("limits") / "extracts", known_answer_rows())


@pytest.fixture(scope="module")
def loaded(extracts):
    """A store loaded from the known extracts (every load here is refused, so it stays)."""
    db = extracts.parent / "store.duckdb"
    load_folder(extracts, db)
    return db


def _refused(db, paths, limits: LoadLimits | None = None) -> str:
    """The message of a load of ``paths`` refused (under ``limits`` where given); the store
    must be as it was."""
    before = hashlib.sha256(db.read_bytes()).digest()
    council = load_council()
    if limits:
        council = dataclasses.replace(council, load_limits=limits)
    with pytest.raises(LoadError) as raised:
        load_paths(paths, db, council)
    assert hashlib.sha256(db.read_bytes()).digest() == before
    return str(raised.value)


def test_a_zip_bomb_is_refused_from_its_directory_before_anything_is_unpacked(loaded, tmp_path,
                                                                             monkeypatch):
    db = loaded
    bomb = tmp_path / "extracts.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("children.csv", "w") as member:
            for _ in range(200):
                member.write(bytes(MEGABYTE))
    assert bomb.stat().st_size < 300_000          # 200 MB of zeros packs to about 200 KB
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *args, **kw: opened.append(args))
    message = _refused(db, [bomb])
    assert ("extracts.zip:children.csv: would unpack to 200 MB from 199 KB, more than 100 times "
            "its packed size ([load] max_zip_ratio" in message), message
    assert opened == []                          # refused from the directory alone


def test_a_zip_beyond_the_configured_size_or_count_is_refused(loaded, extracts, tmp_path):
    db = loaded
    batch = tmp_path / "batch.zip"
    with zipfile.ZipFile(batch, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(extracts.glob("*.csv")):
            archive.write(path, path.name)
        archive.writestr("notes.csv", "x," * MEGABYTE)     # 2 MB, packed 1,000-fold or so
    message = _refused(db, [batch], LoadLimits(max_unzipped_megabytes=1, max_zip_ratio=10_000))
    assert ("batch.zip: would unpack to more than the 1 MB a load unpacks from one zip ([load] "
            "max_unzipped_megabytes in the council configuration)" in message), message
    files = len(zipfile.ZipFile(batch).infolist())
    message = _refused(db, [batch], LoadLimits(max_zip_files=3))
    assert (f"batch.zip: holds {files:,} files, more than the 3 a load unpacks from one zip"
            in message), message


def test_a_zip_understating_its_size_stops_while_unpacking(tmp_path, monkeypatch):
    packed = tmp_path / "packed.zip"
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.csv", "x" * (3 * MEGABYTE))
    monkeypatch.setattr(archives, "_check_directory", lambda *args: None)   # as if it lied
    with pytest.raises(archives.TooBig, match="unpacks to more than the 1 MB"):
        archives.unpack(packed, tmp_path / "out", LoadLimits(max_unzipped_megabytes=1))
    assert (tmp_path / "out" / "a.csv").stat().st_size <= MEGABYTE


def test_a_zips_files_stay_inside_the_folder_they_are_unpacked_to(tmp_path):
    packed = tmp_path / "packed.zip"
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("../../escaped.csv", "a\n")
        archive.writestr("/etc/absolute.csv", "a\n")
    made = archives.unpack(packed, tmp_path / "out", LoadLimits())
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in made) == [
        "escaped.csv", "etc/absolute.csv"]


@pytest.mark.parametrize("row", [1, 3])
def test_a_very_long_line_is_named_by_file_and_row_not_a_traceback(loaded, extracts, tmp_path,
                                                                   row):
    db = loaded
    lines = (extracts / "children.csv").read_text().splitlines()
    children = tmp_path / "children.csv"
    lines[row - 1] += "," + "A" * 200_000       # the header (row 1) or a child's row
    children.write_text("\n".join(lines) + "\n")
    message = _refused(db, [children])
    assert (f"children.csv, row {row}: has a line longer than the 100,000 bytes fsdash reads "
            "in one line ([load] max_line_bytes" in message), message


def test_line_lengths_are_counted_across_the_blocks_a_file_is_read_in(tmp_path, monkeypatch):
    monkeypatch.setattr(textfiles, "BLOCK", 7)
    path = tmp_path / "lines.csv"
    path.write_bytes(b"a,b\n" + b"1234567890\n" * 3 + b"x" * 25 + b"\n")
    assert textfiles.readable(path, tmp_path, longest_line=25) == path
    with pytest.raises(textfiles.NotReadable) as raised:
        textfiles.readable(path, tmp_path, longest_line=20)
    assert raised.value.row == 5
    path.write_bytes(b"a,b\n" + b"y" * 30)                   # the last line has no ending
    with pytest.raises(textfiles.NotReadable) as raised:
        textfiles.readable(path, tmp_path, longest_line=20)
    assert raised.value.row == 2


def test_the_limits_are_read_from_the_council_configuration(tmp_path):
    from fsdash.config import config_path

    text = config_path().read_text(encoding="utf-8")
    settings = "[load]\nmax_line_bytes = 5000\nmax_zip_files = 12\n"
    custom = tmp_path / "council.toml"
    custom.write_text(text.replace("[load]\n", settings))
    limits = load_council(custom).load_limits
    assert (limits.max_line_bytes, limits.max_zip_files) == (5000, 12)
    assert limits.max_unzipped_megabytes == LoadLimits.max_unzipped_megabytes
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(text.replace("[load]\n", "[load]\nmax_line_bytes = 500000\n"))
    with pytest.raises(ValueError, match="max_line_bytes must be from 1,000 to 131,072"):
        load_council(wrong)


def test_a_census_value_too_long_to_read_is_named_by_file_and_line(tmp_path):
    from test_census import _census, _child, _referral

    census = tmp_path / "cin_2022-23.xml"
    census.write_text(_census(2023, _child("K1", "1" * 200_000, _referral("2022-05-03"))))
    with pytest.raises(LoadError) as raised:
        load_paths([census], tmp_path / "store.duckdb")
    assert ("cin_2022-23.xml, line 9: field Sex: is 200,000 characters long, more than the "
            "10,000 fsdash reads in one value" in str(raised.value)), raised.value


def test_an_annex_a_workbook_that_would_unpack_too_far_is_refused_unread(loaded, tmp_path,
                                                                         monkeypatch):
    """An .xlsx is itself a zip, which openpyxl opens in place: its directory is checked
    against the same limits first."""
    bomb = tmp_path / "annex_a.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(200):
                member.write(bytes(MEGABYTE))
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *args, **kw: opened.append(args))
    message = _refused(loaded, [bomb])
    assert ("annex_a.xlsx:xl/worksheets/sheet1.xml: would unpack to 200 MB from 199 KB"
            in message), message
    assert opened == []

"""Find the extracts in what a load is pointed at: any mix of folders, zip files, CSV files and
children in need census XML files, under any names. A CSV file named as an extract is that
extract; any other CSV is recognised by its header (the same columns, in any order). Each CSV
file is first made readable text (``fsdash.textfiles``); a census is read into the rows of the
census extracts (``fsdash.census``). Anything that cannot be placed is a problem naming the
file, never a file silently passed over: a CSV file whose columns are not near any extract's is
left out, and the load's notes say so.
"""

from __future__ import annotations

import csv
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from fsdash import annex_a, annex_a_lists, archives, census, published_statistics, textfiles, yearly
from fsdash.config import LoadLimits
from fsdash.extracts import CSV_EXTRACTS, DATE_FORMAT, EXTRACT_BY_FILE, SSDA903_FILES, Extract


@dataclass(frozen=True)
class Found:
    """An extract file in the batch: the name to report it by, where it came from, and the
    readable UTF-8 copy (or the file itself) to load."""

    shown_as: str
    original: Path
    readable: Path
    year: int | None = None     # the collection year of a yearly return (``fsdash.yearly``)
    part: str | None = None     # the census element the rows come from (``fsdash.census``)
    notes: tuple[str, ...] = ()   # what reading it decided or passed over (a census's year)

    def name_for(self, extract: Extract) -> str:
        """The file as problems name it: with the extract (or census element) it holds where
        its own name does not say."""
        if Path(self.shown_as).name.lower() == extract.file:   # "2023-24/episodes.csv"
            return self.shown_as
        return f"{self.shown_as} ({self.part or extract.file})"


class BatchProblem(Exception):
    """A file that cannot be placed: ``problems`` is a list of (file, row, field, message)."""

    def __init__(self, problems: list[tuple]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _files(paths, scratch: Path,
           limits: LoadLimits) -> tuple[list[tuple[str, Path]], list[tuple]]:
    """Every file under the paths as (name to report, path): zips unpacked into ``scratch``
    within ``limits`` (``fsdash.archives``)."""
    found, problems = [], []
    for number, path in enumerate(map(Path, paths)):
        if path.is_dir():
            found += [(str(p.relative_to(path)), p) for p in sorted(path.rglob("*"))
                      if p.is_file() and not p.name.startswith(".")]
        elif path.is_file() and path.suffix.lower() == ".zip":
            folder = scratch / f"zip{number}"
            try:
                found += [(f"{path.name}:{p.relative_to(folder)}", p)
                          for p in sorted(archives.unpack(path, folder, limits))]
            except archives.TooBig as error:
                problems.append((error.file, None, None, str(error)))
            except (zipfile.BadZipFile, OSError) as error:
                problems.append((path.name, None, None, f"is not a zip file fsdash can open "
                                 f"({error})"))
        elif path.is_file():
            found.append((path.name, path))
        else:
            problems.append((str(path), None, None, "is not a folder or a file"))
    return found, problems


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [h.strip() for h in next(csv.reader(handle), [])]


def column_key(name: str) -> str:
    """A column's name as matched: without spaces, a byte order mark or case ('\ufeffChild ' is
    CHILD)."""
    return name.replace("\ufeff", "").strip().upper()


def find(paths, scratch: Path, notes: list[str] | None = None,
         worker_secret: bytes | None = None,
         limits: LoadLimits | None = None) -> dict[str, list[Found]]:
    """The batch's extract files by extract file name: one each, or for a yearly return one
    for each collection year. What was left out, and any year whose SSDA903 return lacks a table
    the others have, is said in sentences in ``notes``. Annex A workbooks give their workers'
    keys under ``worker_secret`` (the store's: ``fsdash.annex_a_store.worker_secret``). Raises
    ``BatchProblem``. Zips and CSV files are read within ``limits``."""
    notes = [] if notes is None else notes
    limits = limits or LoadLimits()
    files, problems = _files(paths, scratch, limits)
    by_name = {e.file.lower(): e for e in CSV_EXTRACTS}
    found: dict[str, list[Found]] = {}
    workbooks: list = []      # Annex A snapshots (``fsdash.annex_a``), given under annex_a_lists.KEY
    statistics: list[Found] = []   # published statistics, given under published_statistics.KEY
    for number, (shown_as, path) in enumerate(files):
        if path.suffix.lower() == ".xml":
            _add_census(shown_as, path, scratch / f"census{number}", found, problems, notes)
            continue
        if path.suffix.lower() in annex_a_lists.SUFFIXES:
            _add_annex_a(shown_as, path, workbooks, problems, worker_secret, limits)
            continue
        if path.suffix.lower() != ".csv":
            problems.append((shown_as, None, None, "is not a CSV or XML file: fsdash loads the "
                             "extracts described in docs/data-formats.md"))
            continue
        try:
            readable = textfiles.readable(path, scratch, f"{number}-{path.name}",
                                          limits.max_line_bytes)
        except textfiles.NotReadable as error:
            problems.append((shown_as, error.row, None, str(error)))
            continue
        header = _header(readable)
        extract = by_name.get(path.name.lower()) or _by_header(header)
        published = None if extract else published_statistics.recognise(header)
        if published:          # its part: the declared file (``fsdash.published_statistics``)
            statistics.append(Found(shown_as, path, readable, part=published))
            continue
        if extract is None:
            if _meant_as_extract(header):
                problems.append((shown_as, 1, None, _unrecognised(header)))
            else:
                notes.append(f"{shown_as} was left out: its columns ("
                             f"{', '.join(h for h in header if h) or 'none'}) are not those of "
                             "any table fsdash reads.")
            continue
        first = found.setdefault(extract.file, [])
        if first and not extract.yearly:
            problems.append((shown_as, None, None, f"is a second {extract.file} (the first is "
                             f"{first[0].shown_as}): load one of them"))
        else:
            first.append(Found(shown_as, path, readable))
    if not problems:
        found = _with_years(found, problems)
        _one_source_a_table(found, problems)
        notes += _tables_missing(found)
    if problems:
        raise BatchProblem(problems)
    if workbooks:
        found[annex_a_lists.KEY] = workbooks
    if statistics:
        found[published_statistics.KEY] = statistics
    return found


def _add_annex_a(shown_as: str, path: Path, workbooks: list, problems: list,
                 worker_secret: bytes | None, limits: LoadLimits) -> None:
    """Read an Ofsted Annex A workbook into a snapshot, within the load's limits; refuse a
    second for the same date."""
    try:
        archives.check_workbook(path, shown_as, limits)
    except archives.TooBig as error:
        problems.append((error.file, None, None, str(error)))
        return
    try:
        snapshot = annex_a.read(path, shown_as, keep_names=True, secret=worker_secret)
    except annex_a.AnnexAProblem as error:
        problems += error.problems
        return
    same = next((w for w in workbooks if w.extract_date == snapshot.extract_date), None)
    if same:
        problems.append((shown_as, None, None, f"is a second Annex A workbook for "
                         f"{snapshot.extract_date:%d/%m/%Y} (the first is {same.shown_as}): "
                         "load one of them"))
    else:
        workbooks.append(snapshot)


# The roots (or collections) of the SSDA903 return written as XML, which fsdash does not read.
SSDA903_XML = {"EXPSSDA903", "SSDA903"}


def _add_census(shown_as: str, path: Path, out_dir: Path, found: dict, problems: list,
                notes: list[str] | None = None) -> None:
    """Read a children in need census into the census extracts' files."""
    try:
        read = census.read(path, out_dir, shown_as)
    except census.NotCensus as error:
        if str(error).upper() in SSDA903_XML and notes is not None:
            notes.append(f"{shown_as} was left out: it is the SSDA903 return written as XML, "
                         "which fsdash does not read. Load the return's CSV tables (header.csv, "
                         "episodes.csv and the others) instead.")
            return
        problems.append((shown_as, None, None, f"is XML but not a children in need census (it "
                         f"starts with {error}): fsdash reads the census as the DfE specifies it"))
        return
    except census.CensusProblem as error:
        problems.append((shown_as, error.line, None, str(error)))
        return
    year = read.year or yearly.year_from_name(shown_as)
    for level in census.levels():
        found.setdefault(level.extract, []).append(
            Found(shown_as, path, read.files[level.extract], year, level.element,
                  read.notes if level is census.LAYOUT else ()))


def _one_source_a_table(found: dict[str, list[Found]], problems: list) -> None:
    """Refuse a batch giving one table from two sources (local referrals and the census)."""
    by_table: dict[str, list[str]] = {}
    for name in found:
        by_table.setdefault(EXTRACT_BY_FILE[name].table, []).append(name)
    for names in by_table.values():
        if len(names) > 1:
            first, second = (found[n][0] for n in names[:2])
            problems.append((second.shown_as, None, None, f"gives the same records as "
                             f"{first.shown_as} ({EXTRACT_BY_FILE[names[1]].source} and "
                             f"{EXTRACT_BY_FILE[names[0]].source}): load one of them"))


def _with_years(found: dict[str, list[Found]], problems: list) -> dict[str, list[Found]]:
    """Give each file of a yearly return that comes in several its collection year: from its
    name, else its dates (episodes) or the episodes file beside it (header)."""
    dated, beside = {}, {}
    for name in sorted(found, key=lambda n: n != "episodes.csv"):    # episodes first
        files = found[name]
        if len(files) < 2 and not (name == "header.csv" and beside):
            continue
        dated[name] = [replace(f, year=_year_of(f, name) or beside.get(Path(f.shown_as).parent))
                       for f in files]
        if name == "episodes.csv":
            beside = {Path(f.shown_as).parent: f.year for f in dated[name]}
        for f in dated[name]:
            if f.year is None:
                problems.append((f.shown_as, None, None, "is one of several returns, but which "
                                 "collection year it is for cannot be told: put the year in its "
                                 "name or its folder's (for example 2023-24)"))
        years = [f.year for f in dated[name] if f.year is not None]
        for year in sorted({y for y in years if years.count(y) > 1}):
            same = [f.shown_as for f in dated[name] if f.year == year]
            problems.append((same[1], None, None, f"is a second {name} for {yearly.label(year)} "
                             f"(the first is {same[0]}): load one of them"))
    return found | dated


def _year_of(found: Found, name: str) -> int | None:
    year = found.year or yearly.year_from_name(found.shown_as)
    if year is None and name == "episodes.csv":
        year = yearly.latest_date_year(found.readable, ("DECOM", "DEC"), DATE_FORMAT)
    return year


def _by_header(header: list[str]) -> Extract | None:
    """The extract whose columns the header has (in any case, with any others beside): the one
    with the most columns where several fit."""
    given = {column_key(h) for h in header}
    fits = [e for e in CSV_EXTRACTS if {column_key(c) for c in e.columns} <= given]
    return max(fits, key=lambda e: len(e.columns), default=None)


def _meant_as_extract(header: list[str]) -> bool:
    """Whether a header that fits no extract has most of one's columns: a broken extract, not
    some other file."""
    given = {column_key(h) for h in header}
    return any(2 * len({column_key(c) for c in e.columns} & given) > len(e.columns)
               for e in CSV_EXTRACTS)


def _tables_missing(found: dict[str, list[Found]]) -> list[str]:
    """Sentences naming each SSDA903 return in the batch (a year, else a folder) that lacks a
    table the others have, or lacks the header or episodes."""
    returns: dict[str, set[str]] = {}
    for name in SSDA903_FILES:
        for f in found.get(name, []):
            year = f.year or yearly.year_from_name(f.shown_as)
            where = yearly.label(year) if year else (str(Path(f.shown_as).parent)
                                                     if Path(f.shown_as).parent.name else "")
            returns.setdefault(where, set()).add(name)
    given = set().union(*returns.values()) if returns else set()
    notes = []
    for where, names in sorted(returns.items()):
        year = next((int(w[:4]) + 1 for w in [where] if w[:4].isdigit() and w[4:5] == "-"), None)
        core = {"header.csv", "episodes.csv"} if given & {"header.csv", "episodes.csv"} else set()
        expected = {n for n in given | core
                    if not (year and (EXTRACT_BY_FILE[n].first_year or 0) > year)}
        lacking = [n for n in SSDA903_FILES if n in expected - names]
        if lacking:
            named = f"The {where} return" if where else "The SSDA903 return"
            notes.append(f"{named} has no {', '.join(lacking)}: "
                         + ("its children looked after cannot be counted without both the header "
                            "and episodes." if {"header.csv", "episodes.csv"} & set(lacking)
                            else "the store holds none of those for that year."))
    return notes


def _unrecognised(header: list[str]) -> str:
    """What is wrong with a header that matches no extract, against the closest one."""
    if not header:
        return "is empty: it has no header row"
    closest = max(CSV_EXTRACTS, key=lambda e: len(set(e.columns) & set(header)))
    missing = [c for c in closest.columns if c not in header]
    extra = [c for c in header if c not in closest.columns]
    return (f"has columns that match no extract fsdash reads. The closest is {closest.file}"
            + (f", which also needs {', '.join(missing)}" if missing else "")
            + (f" and has no {', '.join(extra)}" if extra else "") + ".")

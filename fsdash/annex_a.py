"""Ofsted's Annex A workbook: the child-level lists a council prepares for an inspection, and
many refresh monthly (lists 1 to 11; fsdash reads lists 1 to 9).

A workbook is a snapshot taken on its extract date. Lists 1 to 5 hold what happened in the six
months before it (contacts, early help, referrals, assessments, section 47 enquiries and
initial conferences); lists 6 to 9 the children open on it (children in need, on child
protection plans, looked after, care leavers), each with the allocated team and worker.

Real workbooks vary, so the reader:
- finds each list's sheet by its number whatever the sheet is called (``List 3``, ``List_3``,
  ``List3``, ``List 3 - Referrals``);
- finds the header row under any title rows, and each column by its name as Ofsted's template
  writes it or a close variant (``fsdash.annex_a_lists.LISTS``: each ``Column`` has the
  patterns it is known by);
- maps values written as labels (``a) Male``, ``q) 6: Police``, ``N1 - Abuse or neglect``) to
  the codes the store uses (``fsdash.annex_a_lists.CODES``);
- takes the extract date from the file's name, else a date in a title row, else the latest
  date the workbook's lists 1 to 5 hold, and says which (``Snapshot.date_from``).

A value fsdash needs that cannot be read (a child with no identifier, a date that is not a date,
a referral source that is no source) is a problem naming the file, sheet, row and field
(``AnnexAProblem``); a value it only keeps (a primary need outside the code list) is kept as not
known and counted in a note. Sources: Ofsted's Annex A template (the column names) and
liiatools' ``spec/annex_a`` (MIT; the variants and labels councils write).

Worker names are staff data: a name becomes a worker key (``worker_key``: a keyed digest under
the store's secret, ``fsdash.annex_a_store.worker_secret``) as it is read, and the name itself
is kept only where the council's configuration allows names to be shown to the worker's own
team manager (``[annex_a] show_worker_names``). ``fsdash.annex_a_store`` puts snapshots in the
store; ``write_workbook`` writes one (the demo uses it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from fsdash.annex_a_lists import CHILD, CODES, LISTS, READ_LISTS, AnnexList, Column

_CODE_SETS = {name: {c for c, _, _ in codes} for name, codes in CODES.items()}
BOOL_LABELS = {True: "a) Yes", False: "b) No"}

_LETTER = re.compile(r"^\(?[a-z]{1,2}\)\s*")     # "a) ", "zz) ", "(b) "
_SHEET = re.compile(r"\blist[\s_\-.]*0*(\d{1,2})(?!\d)", re.IGNORECASE)
_BLANKS = {"", "#n/a", "n/a", "na", "none", "null", "-", "not known"}


def list_number(sheet_name: str) -> int | None:
    """The list a sheet holds, from its name: 3 for "List 3", "List_3", "List3",
    "List 3 - Referrals"; None for any other sheet."""
    match = _SHEET.search(sheet_name)
    return int(match.group(1)) if match else None


def _plain(text) -> str:
    """Text lowercased with spaces (non-breaking ones too) single and quotes straight."""
    text = str(text).replace("\u00a0", " ").replace("\u2018", "'").replace("\u2019", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def match_column(header: str, annex_list: AnnexList) -> Column | None:
    """The list's column a header cell names, by its template name or a known variant."""
    plain = _plain(header)
    if not plain:
        return None
    for column in annex_list.columns:
        if plain == _plain(column.name):
            return column
    for column in annex_list.columns:
        if any(re.search(p, plain) for p in column.patterns):
            return column
    return None


def code_for(code_list: str, value) -> str | None:
    """The code a value names in a code list (``CODES``), written as the code itself
    ("WBRI", "6", "N1"), Ofsted's label ("a) WBRI", "q) 6: Police", "N1 - Abuse or neglect")
    or a plain word ("Female", "Police"); None where it names none."""
    text = _plain(value)
    codes = CODES[code_list]
    upper = text.upper()
    if upper in _CODE_SETS[code_list]:
        return upper
    rest = _LETTER.sub("", text)
    # a code written before a colon, a dash or a space: "6: Police", "PR4 - ...", "N1 abuse"
    first = re.match(r"^([a-z0-9]{1,4})\s*(:|-|–|\s|$)", rest)
    if first and first.group(1).upper() in _CODE_SETS[code_list]:
        return first.group(1).upper()
    words = re.findall(r"[a-z0-9]+", rest)
    for word in words:                           # a code anywhere: "Other (WBRI)"
        if len(word) >= 4 and word.upper() in _CODE_SETS[code_list]:
            return word.upper()
    for code, _, patterns in codes:
        if any(re.search(p, rest) for p in patterns):
            return code
    letter = re.match(r"^\(?([a-z]{1,2})\)", text)
    if letter and code_list in ("SEX", "ETHNIC"):   # the template's lettering alone
        by_letter = {label.split(")")[0].lower(): code for code, label, _ in codes}
        return by_letter.get(letter.group(1))
    return None


def label_for(code_list: str, code: str) -> str:
    """Ofsted's label for a code ("a) Male" for M)."""
    return next(label for c, label, _ in CODES[code_list] if c == code)


def yes_no(value) -> bool | None:
    """A yes or no written as "a) Yes", "Y", "b) No", "N", true or 1; None for unknown."""
    if isinstance(value, bool):
        return value
    text = _LETTER.sub("", _plain(value))
    if text in ("y", "yes", "true", "1", "1.0"):
        return True
    if text in ("n", "no", "false", "0", "0.0"):
        return False
    return None


# The secret of a read given none: its keys join only within this process, never a store's.
_READ_SECRET = secrets.token_bytes(32)


def worker_key(name: str, secret: bytes, council_code: str = "") -> str:
    """A worker's key: a keyed digest (HMAC-SHA256) of the council and the name under the
    store's secret (``fsdash.annex_a_store.worker_secret``), so the same name gives the same
    key in every snapshot loaded into the store and the store need not keep the name, while
    no one without the secret can tell whose a key is by hashing the names of the staff."""
    if not secret:
        raise ValueError("a worker key needs a secret")
    digest = hmac.new(secret, f"{council_code}\n{_plain(name)}".encode(),
                      hashlib.sha256).hexdigest()
    return f"AW-{digest[:12]}"


def team_name(value) -> str:
    """A team as written, spaces single (the name configuration maps to a team code)."""
    return re.sub(r"\s+", " ", str(value).replace("\u00a0", " ")).strip()


class AnnexAProblem(Exception):
    """A workbook that cannot be loaded: ``problems`` is a list of (file, row, field, message),
    the file naming the sheet ("Annex_A.xlsx, sheet List 3")."""

    def __init__(self, problems: list[tuple]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Sheet:
    """One list as read: its sheet, the row its header is on, the columns found (by target),
    and each record as (row number in the sheet, values by target)."""

    name: str
    header_row: int
    columns: dict[str, str]
    records: list[tuple[int, dict]] = field(default_factory=list)


@dataclass
class Snapshot:
    """A workbook read: its extract date and where it was taken from, each list read, and
    notes (in sentences) on what was passed over or kept as not known."""

    shown_as: str
    original: Path
    extract_date: dt.date
    date_from: str
    lists: dict[int, Sheet]
    notes: list[str]
    names: dict[str, str] = field(default_factory=dict)   # worker key -> name as written

    @property
    def readable(self) -> Path:
        return self.original


# --- reading cells ----------------------------------------------------------------------------

def _workbook_rows(path: Path):
    """Each sheet as (name, rows of cell values), dates as datetime: .xlsx with openpyxl,
    .xls with xlrd."""
    with path.open("rb") as handle:
        start = handle.read(8)
    # by what the file is, not its name: a workbook saved as .xlsx but named .xls, or the reverse
    if start.startswith(b"\xd0\xcf\x11\xe0") or (path.suffix.lower() == ".xls"
                                                  and not start.startswith(b"PK")):
        import xlrd
        book = xlrd.open_workbook(str(path), on_demand=True)
        try:
            for sheet in book.sheets():
                rows = []
                for r in range(sheet.nrows):
                    row = []
                    for cell in sheet.row(r):
                        if cell.ctype == xlrd.XL_CELL_DATE:
                            row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                        elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                            row.append(None)
                        elif cell.ctype == xlrd.XL_CELL_ERROR:
                            row.append("#N/A")
                        else:
                            row.append(cell.value)
                    rows.append(row)
                yield sheet.name, rows
        finally:
            book.release_resources()
        return
    import openpyxl
    book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            yield sheet.title, [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


_DATE_FORMS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y/%m/%d",
               "%d %B %Y", "%d %b %Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def as_date(value) -> dt.date | None:
    """A cell as a date: a date cell, text in a usual form, or an Excel day number. Raises
    ValueError for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 80000:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError
    text = str(value).strip()
    for form in _DATE_FORMS:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError


def _blank(value) -> bool:
    return value is None or _plain(value) in _BLANKS


def _identifier(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", str(value).replace("\u00a0", ""))


# --- reading a workbook -------------------------------------------------------------------------

HEADER_SEARCH_ROWS = 30   # the header is looked for in this many rows from the top


def _find_header(rows: list[list], annex_list: AnnexList) -> tuple[int, dict[int, Column]] | None:
    """The index of the header row and the column each of its cells names: the first row,
    within HEADER_SEARCH_ROWS, naming the child's identifier and at least two other columns."""
    exact = {_plain(c.name): c for c in annex_list.columns}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[int, Column] = {}
        cells = [(p, _plain(c)) for p, c in enumerate(row) if isinstance(c, str) and c.strip()]
        for position, cell in cells:              # the template's own names first
            if cell in exact and exact[cell] not in found.values():
                found[position] = exact[cell]
        for position, cell in cells:
            column = None if position in found else match_column(cell, annex_list)
            if column and column not in found.values():
                found[position] = column
        if CHILD in found.values() and len(found) >= 3:
            return index, found
    return None


def _dates_in(texts: list[str]) -> list[dt.date]:
    found = []
    for text in texts:
        for match in re.finditer(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}", text):
            try:
                found.append(as_date(match.group(0)))
            except ValueError:
                continue
    return found


_MONTHS = {m.lower(): n for n, m in enumerate(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"), start=1)}


def date_from_name(name: str) -> dt.date | None:
    """An extract date written in a file's name: 2026-10-31, 20261031, 31-10-2026,
    31.10.2026, or a month and year ("October 2026", "2026-10": the month's last day)."""
    stem = Path(name).stem
    for pattern, order in ((r"(?<!\d)(20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?([0-3]\d)(?!\d)", "ymd"),
                           (r"(?<!\d)([0-3]\d)[-_.](0[1-9]|1[0-2])[-_.](20\d\d)(?!\d)", "dmy")):
        match = re.search(pattern, stem)
        if match:
            parts = dict(zip(order, map(int, match.groups())))
            try:
                return dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                continue
    month = re.search(r"(?i)(" + "|".join(_MONTHS) + r"|" + "|".join(m[:3] for m in _MONTHS)
                      + r")[a-z]*[\s_\-]*(20\d\d)", stem)
    numeric = re.search(r"(?<!\d)(20\d\d)[-_](0[1-9]|1[0-2])(?![\d])", stem)
    if month:
        number = next(n for m, n in _MONTHS.items() if m.startswith(month.group(1).lower()[:3]))
        return _month_end(int(month.group(2)), number)
    if numeric:
        return _month_end(int(numeric.group(1)), int(numeric.group(2)))
    return None


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def read(path: Path | str, shown_as: str | None = None, council_code: str = "",
         keep_names: bool = False, today: dt.date | None = None,
         secret: bytes | None = None) -> Snapshot:
    """Read a workbook's lists 1 to 9, each worker as their key under ``secret`` (the store's,
    ``fsdash.annex_a_store.worker_secret``; without one, keys that join only within this
    process). Raises ``AnnexAProblem`` naming the file, sheet, row and field of every problem
    found (up to 20 a sheet)."""
    path = Path(path)
    secret = secret or _READ_SECRET
    shown_as = shown_as or path.name
    today = today or dt.date.today()
    problems: list[tuple] = []
    notes: list[str] = []
    sheets: dict[int, Sheet] = {}
    titles: list[str] = []
    names: dict[str, str] = {}
    kept_unknown: dict[tuple[int, str], list] = {}
    try:
        every = list(_workbook_rows(path))
    except Exception as error:      # any reader's failure: a file that is not a workbook
        said = (str(error).splitlines() or ["unreadable"])[0]
        raise AnnexAProblem([(shown_as, None, None, "could not be opened as an Excel workbook "
                              f"({type(error).__name__}: {said})")]) from None
    for sheet_name, rows in every:
        number = list_number(sheet_name)
        if number is None or number not in LISTS:
            continue
        where = f"{shown_as}, sheet {sheet_name}"
        if number in sheets:
            problems.append((where, None, None, f"is a second sheet for list {number} (the first "
                             f"is {sheets[number].name}): keep one of them"))
            continue
        annex_list = LISTS[number]
        header = _find_header(rows, annex_list)
        if header is None:
            problems.append((where, None, None, f"has no header row naming the child "
                             f"({CHILD.name}) and the list's columns in its first "
                             f"{HEADER_SEARCH_ROWS} rows"))
            continue
        index, columns = header
        titles += [str(c) for row in rows[:index] for c in row if c is not None]
        missing = [c for c in annex_list.columns if c.required and c not in columns.values()]
        for column in missing:
            problems.append((where, index + 1, column.name, "is missing from the header"))
        if missing:
            continue
        sheet = Sheet(sheet_name, index + 1, {c.target: str(rows[index][p]).strip()
                                             for p, c in columns.items()})
        sheet_problems = []
        for offset, row in enumerate(rows[index + 1:], start=index + 2):
            cells = {c: (row[p] if p < len(row) else None) for p, c in columns.items()}
            if all(_blank(v) for v in cells.values()):
                continue
            values, bad = _record(cells, number, council_code, keep_names, names,
                                  kept_unknown, offset, today, secret)
            sheet_problems += [(where, offset, name, message) for name, message in bad]
            if not bad:
                sheet.records.append((offset, values))
        problems += sheet_problems[:20]
        if len(sheet_problems) > 20:
            problems.append((where, None, None, f"... and {len(sheet_problems) - 20} more "
                             "problems on this sheet"))
        sheets[number] = sheet
    if problems:
        raise AnnexAProblem(problems)
    if not sheets:
        raise AnnexAProblem([(shown_as, None, None, "has no sheet named for an Annex A list "
                              "(List 1 to List 9, such as 'List 3' or 'List_3 - Referrals'): "
                              "it is not an Annex A workbook fsdash can read")])
    for (number, column), values in sorted(kept_unknown.items()):
        notes.append(f"{shown_as}: {len(values)} value(s) of List {number}'s {column} name no "
                     f"code (such as '{values[0]}'): kept as not known.")
    absent = [n for n in READ_LISTS if n not in sheets]
    if absent:
        notes.append(f"{shown_as} has no sheet for list(s) {', '.join(map(str, absent))}.")
    extract_date, date_from = _extract_date(shown_as, titles, sheets)
    if extract_date > today:
        raise AnnexAProblem([(shown_as, None, None, f"has the extract date "
                              f"{extract_date:%d/%m/%Y} ({date_from}), which is in the future")])
    notes.insert(0, f"{shown_as} is an Annex A snapshot taken as at {extract_date:%d/%m/%Y} "
                 f"({date_from}).")
    return Snapshot(shown_as, path, extract_date, date_from, sheets, notes, names)


def _record(cells: dict[Column, object], number: int, council_code: str, keep_names: bool,
            names: dict, kept_unknown: dict, row: int, today: dt.date, secret: bytes):
    """One row's values by target, and its problems as (field, message)."""
    values: dict[str, object] = {}
    bad: list[tuple[str, str]] = []
    for column, value in cells.items():
        shown = str(value).strip() if value is not None else ""
        if _blank(value):
            if column.required:
                bad.append((column.name, "is empty"))
            values[column.target] = None
            continue
        kind = column.kind
        if kind == "id":
            values[column.target] = _identifier(value)
        elif kind in ("date", "dob"):
            try:
                day = as_date(value)
            except ValueError:
                bad.append((column.name, f"'{shown}' is not a date"))
                continue
            if day > today:
                bad.append((column.name, f"'{day:%d/%m/%Y}' is in the future"))
            elif day.year < 1900:
                bad.append((column.name, f"'{shown}' is before 1900"))
            values[column.target] = day.replace(day=1) if kind == "dob" else day
        elif kind in ("int", "decimal"):
            try:
                number_value = float(str(value).strip())
            except ValueError:
                kept_unknown.setdefault((number, column.name), []).append(shown)
                values[column.target] = None
                continue
            values[column.target] = int(number_value) if kind == "int" else number_value
        elif kind == "bool":
            values[column.target] = yes_no(value)
            if values[column.target] is None:
                kept_unknown.setdefault((number, column.name), []).append(shown)
        elif kind == "worker":
            name = team_name(value)
            key = worker_key(name, secret, council_code)
            values[column.target] = key
            if keep_names:
                names[key] = name
        elif kind.startswith("code:"):
            code = code_for(kind[5:], value)
            if code is None and column.required:
                bad.append((column.name, f"'{shown}' is not a {kind[5:].lower().replace('_', ' ')}"
                            " code or label"))
            elif code is None:
                kept_unknown.setdefault((number, column.name), []).append(shown)
            values[column.target] = code
        else:
            values[column.target] = team_name(value) if column.target == "team_name" else shown
    return values, bad


def _extract_date(shown_as: str, titles: list[str], sheets: dict[int, Sheet]
                  ) -> tuple[dt.date, str]:
    named = date_from_name(shown_as)
    if named:
        return named, "from the file's name"
    in_titles = _dates_in(titles)
    if in_titles:
        return max(in_titles), "from a date in the title rows above a list's header"
    dated = {n: [c.target for c in LISTS[n].columns if c.kind == "date"] for n in sheets}
    latest = [values[t] for n, sheet in sheets.items() for _, values in sheet.records
              for t in dated[n] if values.get(t) is not None]
    if latest:
        return max(latest), ("the latest date the workbook holds, births aside: neither the "
                             "file's name nor a title gives one")
    raise AnnexAProblem([(shown_as, None, None, "has no extract date: put it in the file's name "
                          "(for example Annex_A_2026-10-31.xlsx)")])


# --- writing a workbook (the demo) ----------------------------------------------------------

def write_workbook(path: Path | str, extract_date: dt.date, lists: dict[int, list[dict]],
                   council_name: str = "") -> Path:
    """Write an Annex A workbook as a council would: a sheet "List N - Title" for each list
    given, a title row with the extract date, then the template's header and one row for each
    record. ``lists`` maps a list number to records, each a dict by store target (``LISTS``:
    ``child_id``, ``sex``, ``referral_date``, ``team_name``, ``worker_key`` ...) holding codes
    (written as Ofsted's labels), dates, numbers, yes or no as True or False; for the allocated
    worker, give the worker's name (or key) under ``worker_key``."""
    import openpyxl
    path = Path(path)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for number in sorted(lists):
        annex_list = LISTS[number]
        sheet = book.create_sheet(f"List {number} - {annex_list.title}"[:31])
        sheet.append([f"Annex A {council_name} List {number}: {annex_list.title}".replace("  ",
                                                                                           " ")])
        sheet.append([f"Extract date: {extract_date:%d/%m/%Y}"])
        sheet.append([c.name for c in annex_list.columns])
        for record in lists[number]:
            sheet.append([_written(c, record.get(c.target)) for c in annex_list.columns])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _written(column: Column, value):
    if value is None:
        return None
    if column.kind.startswith("code:"):     # a code the list does not know is written as is
        known = value in _CODE_SETS[column.kind[5:]]
        return label_for(column.kind[5:], value) if known else value
    if column.kind == "bool":
        return BOOL_LABELS[bool(value)]
    return value


# --- documentation (docs/data-formats.md) -----------------------------------------------------

_KIND_WORDS = {"id": "identifier", "text": "text", "date": "a date", "dob": "a date (kept as its "
               "month)", "int": "a whole number", "decimal": "a number", "bool": "yes or no",
               "worker": "a name (kept as a worker key)"}


def _fill(text: str) -> str:
    import textwrap
    return textwrap.fill(text, 100, break_long_words=False, break_on_hyphens=False)


def markdown() -> str:
    """The Annex A section of docs/data-formats.md: how a workbook is read, and each list's
    columns, what they must be and where they are kept."""
    lines = ["## Ofsted's Annex A workbook (.xlsx, .xls)", "", _fill(
        "A file ending `.xlsx`, `.xlsm` or `.xls` is read as Ofsted's Annex A workbook. Each list's "
        "sheet is found by its number whatever else its name says (`List 3`, `List_3`, `List3`, "
        "`List 3 - Referrals`); lists 10 and 11 and other sheets are passed over. The header row "
        f"is the first of the sheet's first {HEADER_SEARCH_ROWS} rows naming the child's "
        "identifier and two more of the list's columns, so title rows above it do no harm; a "
        "column is known by the name below or a close variant, in any case, and columns not "
        "below are passed over. Values may be written as Ofsted's labels (`a) Male`, "
        "`q) 6: Police`, `N1 - Abuse or neglect`) or as codes. Dates may be date cells or text "
        "(dd/mm/yyyy or yyyy-mm-dd). `#N/A` and blank cells are empty."), "", _fill(
        "Each workbook is a snapshot taken on its extract date: from the file's name "
        "(`Annex_A_2026-10-31.xlsx`, `Annex A October 2026.xlsx`: the month's last day), else a "
        "date in a title row above a header, else the latest date the workbook holds (births "
        "aside); the load's notes say which. Every snapshot is kept; a workbook with the date of "
        "one held replaces it. Where no census or local file gives them, lists 3, 4, 5 and 7 give "
        "the front door's referrals, assessments, section 47 enquiries and child protection "
        "plans, and lists 6 to 9 the team caseloads on each extract date (allocated teams mapped "
        "to team codes by the council configuration's `[annex_a.teams]`; a name mapped nowhere "
        "is listed in the load's notes). Worker names are kept only as worker keys unless "
        "`[annex_a] show_worker_names` is true."), ""]
    for number, annex_list in LISTS.items():
        lines += [f"### List {number}: {annex_list.title.lower()}", "",
                  "| column | type | required | kept as |", "|---|---|---|---|"]
        for column in annex_list.columns:
            kind = (f"a code ({column.kind[5:]})" if column.kind.startswith("code:")
                    else _KIND_WORDS[column.kind])
            kept = ("not kept (gives the month of birth where no date of birth is given)"
                    if column.target == "age" else f"`{annex_list.table}.{column.target}`")
            lines.append(f"| {column.name} | {kind} | {'yes' if column.required else 'no'} | "
                         f"{kept} |")
        lines.append("")
    return "\n".join(lines)

"""Check SSDA903 returns against the DfE's validation rules, as published by Data to Insight
in `csc-validator-be-903` (MIT). That package pins pandas < 2, so it runs in its own virtual
environment: `make validate-903 [YEAR=2026] [DIR=data/demo]`. YEAR is the year the collection
ends (31 March), or several (`YEAR="2023 2024"`), or `all` for every year the package has rules
for (2022-23 on) and DIR holds; by default the latest complete one. Exits 1 when any rule fails.

The return for the collection year ending on 31 March YEAR is read from DIR/ssda903/<year>/
(every table in it: header.csv, episodes.csv, reviews.csv, oc2.csv and the rest, each known by
its columns), as the demo writes them and a council keeps them. Prints each failing rule with
its message and the number of rows it flags.

Two kinds of flag are passed over, and printed as such, never silently; any other row those
rules flag still fails:
- in a year still in progress (no episode starts or ends in its last month), emergency statuses
  still open on the extract's date, which the package measures to 31 March (``IN_YEAR``);
- rows no return could clear, by a defect of the package's rule (``DEFECTS``): the defect, and
  the episodes it explains.
"""

import contextlib
import datetime as dt
import importlib
import io
import logging
import sys
from pathlib import Path

import pandas as pd
from lac_validator import lac_validator
from lac_validator.utils import process_uploaded_files

FIRST_YEAR = 2023           # the package's first ruleset, 2022-23



def _ends_before_coming_back(e: pd.DataFrame) -> pd.Series:
    """Episodes ending a period of care of a child who starts another later in the file."""
    decom = pd.to_datetime(e["DECOM"], format="%d/%m/%Y", errors="coerce")
    dec = pd.to_datetime(e["DEC"], format="%d/%m/%Y", errors="coerce")
    last_start = decom.where(e["RNE"].eq("S")).groupby(e["CHILD"]).transform("max")
    return e["REC"].notna() & e["REC"].ne("X1") & (last_start > dec)


def _open_in_open_care(table: pd.DataFrame, episodes: pd.DataFrame) -> pd.Series:
    """Orders still open of children still in care (an episode with DEC blank)."""
    in_care = episodes.loc[episodes["DEC"].isna(), "CHILD"]
    return table["DOLO_END"].isna() & table["CHILD"].isin(in_care)


# Rule: (the defect, the table whose rows it explains, which of them, from the table as the
# package holds it and the episodes file as written).
DEFECTS = {
    "SW12STG2": ("it wants every social worker episode to start before the end of each period "
                 "of care, and after the start of each, so a child who leaves care and comes "
                 "back within the two years it looks at always fails", "Episodes",
                 lambda table, episodes: _ends_before_coming_back(episodes)),
    # The package hands each rule a shallow copy of the tables, and an earlier rule fills the
    # blank DECs of open episodes with 31 March in place; run alone, this rule passes them.
    "707": ("run after rules that fill open episodes' blank DEC with 31 March, it takes a child "
            "still in care for one who has left, and an order still open for one left open",
            "DoLo", _open_in_open_care),
}
IN_YEAR = {
    "361": "police protection open on the extract's date is measured to 31 March",
    "362": "an emergency protection order open on the extract's date is measured to 31 March",
}


def folder_of(source: Path, year: int) -> Path:
    return source / "ssda903" / f"{year - 1}-{year % 100:02d}"


def return_files(source: Path, year: int) -> list[Path]:
    """Every table of the return for the collection year ending 31 March ``year`` (each CSV
    file in its folder)."""
    return sorted(folder_of(source, year).glob("*.csv"))


def latest_complete_year(today: dt.date) -> int:
    """The year of the 31 March that ended the latest complete collection year."""
    return today.year if today >= dt.date(today.year, 4, 1) else today.year - 1


def in_progress(episodes: pd.DataFrame, year: int) -> bool:
    """Whether a return is an in-year extract: no episode starts or ends in its last month."""
    dates = pd.concat([pd.to_datetime(episodes[c], format="%d/%m/%Y", errors="coerce")
                       for c in ("DECOM", "DEC")])
    return not (dates >= pd.Timestamp(year, 3, 1)).any()


def flagged(results: dict, code: str, episodes: pd.DataFrame,
            in_year: bool) -> tuple[int, int, str]:
    """Rows a rule flags, and rows passed over (and why). ``episodes`` is the file as written
    (the package's rules write into the episodes they share, filling blank ends)."""
    failing = passed_over = 0
    why = ""
    for table, frame in results.items():
        column = f"ERR_{code}"
        if table == "metadata" or column not in frame:
            continue
        rows = frame[column].eq(True)
        explained = pd.Series(False, index=frame.index)
        if table == "Episodes" and in_year and code in IN_YEAR:
            why, explained = f"in-year extract, {IN_YEAR[code]}", episodes["DEC"].isna()
        elif code in DEFECTS and table == DEFECTS[code][1]:
            why = f"the package's rule: {DEFECTS[code][0]}"
            explained = DEFECTS[code][2](frame, episodes)
        failing += int((rows & ~explained).sum())
        passed_over += int((rows & explained).sum())
    return failing, passed_over, why


def validate(source: Path, year: int) -> int:
    """Print the rules the return for ``year`` fails; the number failing."""
    files = return_files(source, year)
    ruleset = importlib.import_module(f"lac_validator.rules.lac{year - 1}_{str(year)[2:]}")
    with contextlib.redirect_stdout(io.StringIO()):    # some of its rules print their working
        validator = lac_validator.LacValidator(
            metadata={"collectionYear": str(year), "localAuthority": "E10000017"},
            files=process_uploaded_files({"This year": [str(f) for f in files]}),
            registry=ruleset.registry, selected_rules=None)
    episodes = pd.read_csv(folder_of(source, year) / "episodes.csv", dtype=str)
    in_year = in_progress(episodes, year)
    lines, failing = [], 0
    for code, rule in sorted(ruleset.registry.items()):
        count, passed_over, why = flagged(validator.ds_results, code, episodes, in_year)
        if count:
            failing += 1
            lines.append(f"  {code:>9} {count:>6}  {rule.message}")
        if passed_over:
            lines.append(f"  {code:>9} {passed_over:>6}  passed over: {why}")
    tables = ", ".join(sorted(k for k in validator.ds_results if k != "metadata"))
    kind = " (in-year extract)" if in_year else ""
    print(f"SSDA903 {year - 1}-{str(year)[2:]}{kind}: {failing} rules fail "
          f"({len(ruleset.registry)} rules; tables {tables})")
    print("\n".join(lines))
    return failing


def years_held(source: Path) -> list[int]:
    """Every collection year the package has rules for and ``source`` holds a return of."""
    rules = Path(lac_validator.__file__).parent / "rules"
    return [year for year in range(FIRST_YEAR, dt.date.today().year + 2)
            if (rules / f"lac{year - 1}_{str(year)[2:]}").is_dir()
            and folder_of(source, year).is_dir()]


def main(source: str, years: str = "") -> int:
    logging.disable(logging.CRITICAL)   # the package logs every rule, and the tables it lacks
    if years == "all":
        chosen = years_held(Path(source))
    else:
        chosen = [int(y) for y in years.split()] or [latest_complete_year(dt.date.today())]
    failing = sum(validate(Path(source), year) for year in chosen)
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))

"""Check SSDA903 extracts against the DfE's validation rules, as published by Data to Insight
in `csc-validator-be-903` (MIT). That package pins pandas < 2, so it runs in its own virtual
environment: `make validate-903 [YEAR=2026] [DIR=data/demo]`. YEAR is the year the collection
ends (31 March); by default the latest complete one. Exits 1 when any rule fails.

The return for the collection year ending on 31 March YEAR is read from DIR/ssda903/<year>/
(header.csv and episodes.csv), as the demo writes them and a council keeps them. Prints each
failing rule with its message and count.
"""

import datetime as dt
import importlib
import logging
import sys
from pathlib import Path

from lac_validator import lac_validator
from lac_validator.report import Report
from lac_validator.utils import process_uploaded_files


def return_files(source: Path, year: int) -> list[Path]:
    """The header and episodes of the return for the collection year ending 31 March ``year``."""
    folder = source / "ssda903" / f"{year - 1}-{year % 100:02d}"
    return [folder / "episodes.csv", folder / "header.csv"]


def latest_complete_year(today: dt.date) -> int:
    """The year of the 31 March that ended the latest complete collection year."""
    return today.year if today >= dt.date(today.year, 4, 1) else today.year - 1


def main(source: str, year: str = "") -> int:
    logging.disable(logging.CRITICAL)   # the package logs every rule, and the tables it lacks
    year_end = int(year) if year else latest_complete_year(dt.date.today())
    files = return_files(Path(source), year_end)
    ruleset = importlib.import_module(f"lac_validator.rules.lac{year_end - 1}_{str(year_end)[2:]}")
    validator = lac_validator.LacValidator(
        metadata={"collectionYear": str(year_end), "localAuthority": "E10000017"},
        files=process_uploaded_files({"This year": [str(f) for f in files]}),
        registry=ruleset.registry, selected_rules=None)
    summary = Report(validator.ds_results, ruleset.registry).error_summary
    print(f"SSDA903 {year_end - 1}-{str(year_end)[2:]}: {len(summary)} rules fail")
    for _, row in summary.iterrows():
        print(f"  {row['Code']:>5} {row['Error Count']:>6}  {row['Error Description']}")
    return 1 if len(summary) else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))

"""The Data page's view, for analysts: how fresh each source is, what the latest load set aside,
and data quality over time (rows loaded and set aside, load by load). ``load_audit`` holds a row
for each file each load took (``source``: the file as named, ``file``: the extract it is)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from fsdash import charts
from fsdash.access import Figures
from fsdash.config import Council
from fsdash.extracts import EXTRACTS
from fsdash.formatting import long_date
from fsdash.metrics import sources
from fsdash.published_statistics import FILES, reconciliation
from fsdash.views.care import ChartBlock


def freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each extract's last load: when, from which file, how many rows, and rows set aside (a
    census's rows are named by the file and the element in brackets; a file is matched by its
    whole name, so sw_episodes.csv's rows are not episodes.csv's)."""
    names = [(e.file, f"({e.census_part})" if e.census_part else e.file) for e in EXTRACTS]
    last = con.execute(f"""
        WITH names (file, named) AS (VALUES {", ".join(["(?, ?)"] * len(names))})
        SELECT a.file, any_value(a.loaded_at) AS loaded_at,
               CASE WHEN count(*) = 1 THEN any_value(a.source)
                    ELSE count(*) || ' files (one a year)' END AS source,
               sum(a.rows_loaded) AS rows_loaded,
               (SELECT count(*) FROM quarantine q JOIN names n ON n.file = a.file
                WHERE q.load_id = a.load_id
                  AND (q.file = n.named OR suffix(q.file, '/' || n.named)
                       OR suffix(q.file, ' ' || n.named) OR suffix(q.file, '(' || n.named || ')'))
               ) AS set_aside
        FROM load_audit a
        WHERE a.load_id = (SELECT max(load_id) FROM load_audit b WHERE b.file = a.file)
        GROUP BY a.file, a.load_id""", [v for pair in names for v in pair]).df()
    by_extract = last.set_index("file").reindex([e.file for e in EXTRACTS])
    return pd.DataFrame({
        "Extract": [f"Census: {e.census_part}" if e.census_part else e.file for e in EXTRACTS],
        "Last loaded": [long_date(t.date()) if pd.notna(t) else "Never"
                        for t in by_extract["loaded_at"]],
        "From the file": by_extract["source"].fillna("").to_numpy(),
        "Rows loaded": [f"{int(v):,}" if pd.notna(v) else "" for v in by_extract["rows_loaded"]],
        "Rows set aside": [f"{int(v):,}" if pd.notna(v) else ""
                           for v in by_extract["set_aside"]],
    })


def published_freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each published data set the store holds (``fsdash.published_statistics``): what it
    holds, the years it covers and the files they came from."""
    held = con.execute("""
        SELECT dataset, min(time_period) || ' to ' || max(time_period) AS years,
               string_agg(DISTINCT file, ', ' ORDER BY file) AS files
        FROM published_value GROUP BY dataset
        UNION ALL
        SELECT NULL, string_agg(DISTINCT model_year::VARCHAR, ', '),
               string_agg(DISTINCT file, ', ' ORDER BY file)
        FROM statistical_neighbour HAVING count(*) > 0
        ORDER BY 1 NULLS LAST""").df()
    titles = {f.name: f.title for f in FILES}
    return pd.DataFrame({
        "Published data set": [titles.get(d, "The DfE's statistical neighbour model")
                               for d in held["dataset"]],
        "Years": held["years"], "From the files": held["files"]})


@dataclass(frozen=True)
class Reconciled:
    """Our figures beside the DfE's: a sentence saying how close they are, the table, and each
    reconciled measure's definition with a note where it differs by more than
    ``reconciliation.CLOSE``."""

    reading: str
    table: pd.DataFrame
    definitions: list[tuple[str, str, str]]    # (title, definition, note: '' where none)


def reconciled(con: duckdb.DuckDBPyConnection, figures: Figures, council: Council) -> Reconciled:
    """Our figures beside the DfE's published figures for the council, year by year."""
    found = reconciliation.reconcile(con, figures, council)
    return Reconciled(_reading(found, council), reconciliation.table(found),
                      reconciliation.definitions(found, reconciliation.RECONCILED))


def _reading(found: pd.DataFrame, council: Council) -> str:
    compared = found.dropna(subset=["difference"])
    if compared.empty:
        return ("There is nothing to reconcile yet: the store holds no year that the DfE's "
                "published files also cover for the council.")
    apart = compared[compared["apart"]]
    reading = (f"{len(compared) - len(apart)} of {len(compared)} figures are within "
               f"{reconciliation.CLOSE:g}% of what the DfE published for {council.short_name} "
               f"({reconciliation.CLOSE:g} percentage point for a percentage)")
    counts = apart.dropna(subset=["difference_pct"])
    if len(counts):
        widest = counts.loc[counts["difference_pct"].abs().idxmax()]
        reading += (f"; the widest gap is {widest['title'].lower()} {widest['when']} "
                    f"{widest['year']} "
                    f"({widest['difference_pct']:+.1f}%)")
    return reading + "."


def load_message(report, dry_run: bool) -> str:
    """What a load (``fsdash.ingest``'s report) did, or with ``dry_run`` what it would do: rows
    loaded, sources kept as they were, rows set aside and rows queried."""
    rows, files = sum(report.rows.values()), len(report.rows)
    set_aside, kept = sum(report.quarantined.values()), ", ".join(dict.fromkeys(report.kept))
    loaded = f"{_counted(rows, 'row')} from {_counted(files, 'extract')}"
    message = (f"Checked only, so nothing was changed: a load would take {loaded}" if dry_run
               else f"Loaded {loaded}")
    if set_aside:
        message += (f"; {_counted(set_aside, 'row')} failed their checks and "
                    + ("would be set aside" if dry_run else "were set aside (listed below)"))
    if report.queries:
        message += (f"; {_counted(report.queries, 'row')} broke a validation rule and "
                    + ("would be queried" if dry_run else "were queried (listed below)"))
    return message + (f". Kept as they were: {kept}." if kept else ".")


def _counted(count: int, noun: str) -> str:
    """'1 row', '1,234 rows'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def waiting(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Which pages wait for sources the store lacks: a sentence for each."""
    from fsdash.views import care, front_door, outcomes, scenarios, team

    pages = {"Children in care": care.NEEDS, "Front door": front_door.NEEDS,
             "Outcomes": outcomes.NEEDS, "Scenarios": scenarios.NEEDS,
             "Team caseloads": team.NEEDS}
    return [sources.needs(f"The {page} page", unloaded) for page, needs in pages.items()
            if (unloaded := sources.lacking(con, needs))]


def latest_quarantine(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The rows the latest load set aside, with why."""
    return con.execute("""
        SELECT file AS "File", row_number AS "Row", field AS "Field", value AS "Value",
               reason AS "Why it was set aside"
        FROM quarantine WHERE load_id = (SELECT max(load_id) FROM load_audit)
        ORDER BY file, row_number, field""").df()


def latest_queries(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What the latest load loaded but queried: rows breaking a DfE validation rule, and where
    several years' returns disagreed (with how the load settled it)."""
    return con.execute("""
        SELECT file AS "File", row_number AS "Row", field AS "Field", value AS "Value",
               rule AS "Rule", message AS "Query"
        FROM load_query WHERE load_id = (SELECT max(load_id) FROM load_audit)
        ORDER BY file, row_number, field""").df()


def quality_block(con: duckdb.DuckDBPyConnection) -> ChartBlock:
    """Rows set aside at each load, as a share of the rows read."""
    loads = con.execute("""
        SELECT a.load_id, min(a.loaded_at) AS loaded_at, sum(a.rows_loaded) AS loaded,
               (SELECT count(DISTINCT (q.file, q.row_number)) FROM quarantine q
                WHERE q.load_id = a.load_id) AS set_aside
        FROM load_audit a GROUP BY a.load_id ORDER BY a.load_id""").df()
    loads["share"] = (100 * loads["set_aside"] / (loads["loaded"] + loads["set_aside"])).round(3)
    table = pd.DataFrame({"Load": loads["load_id"],
                          "When": [f"{t:%d %B %Y %H:%M}" for t in loads["loaded_at"]],
                          "Rows loaded": loads["loaded"].map("{:,}".format),
                          "Rows set aside": loads["set_aside"].map("{:,}".format),
                          "Set aside (%)": loads["share"]})
    title = "Data quality, load by load"
    if len(loads) < 2:
        return ChartBlock(title, "There has been one load so far, so there is no trend yet: "
                          f"{int(loads['set_aside'].sum()):,} rows were set aside.", None,
                          table, "data-quality")
    latest = loads.iloc[-1]
    reading = (f"The latest load set aside {int(latest['set_aside']):,} rows "
               f"({latest['share']:.2f}% of those read), against "
               f"{int(loads.iloc[-2]['set_aside']):,} at the load before.")
    frame = pd.DataFrame({"as_at": loads["loaded_at"], "share": loads["share"]})
    figure = charts.monthly_lines(frame, [("share", "Rows set aside (%)", "vermillion", "solid")],
                                  "Rows set aside at each load, as a share of rows read",
                                  "Share of rows read (%)")
    return ChartBlock(title, reading, figure, table, "data-quality")

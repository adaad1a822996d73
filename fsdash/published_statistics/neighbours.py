"""The council's statistical neighbours and how it compares: for a published measure and year,
the council's figure beside England's, its region's and its neighbours' (their median, lowest
and highest, and each one), with its rank among the neighbours and among all councils.

The neighbours are the ten councils the DfE's latest statistical neighbour model loaded finds
most like the council (``statistical_neighbour``), nearest first with how close each is, unless
the council file names its own (``neighbours`` in ``[council]``: DfE numbers).
"""

from __future__ import annotations

import statistics
import tomllib
from dataclasses import dataclass

import duckdb
import pandas as pd

from fsdash.config import Council
from fsdash.published_statistics.measures import MEASURES, PublishedMeasure

CHOSEN = "Chosen by the council"   # the closeness of a neighbour the council file names


def chosen_neighbours(council: Council) -> tuple[str, ...]:
    """The DfE numbers of the neighbours the council file names (``[council] neighbours``),
    if it names any."""
    raw = tomllib.loads(council.path.read_text(encoding="utf-8"))
    return tuple(str(code) for code in raw["council"].get("neighbours", ()))


def neighbours(con: duckdb.DuckDBPyConnection, council: Council) -> pd.DataFrame:
    """The council's neighbours, nearest first: rank, code (DfE number), name, closeness
    (``CHOSEN`` for the council file's) and the model's year (None for the council file's).
    Empty where no model is loaded and the council file names none."""
    chosen = chosen_neighbours(council)
    names = "(SELECT arg_max(la_name, new_la_code) FROM council_code c WHERE c.old_la_code = {})"
    if chosen:
        return con.execute(
            f"SELECT rank, code, {names.format('code')} AS name, ? AS closeness, "
            "NULL::INTEGER AS model "
            "FROM unnest(?) WITH ORDINALITY AS t(code, rank) ORDER BY rank",
            [CHOSEN, list(chosen)]).df()
    return con.execute(f"""
        SELECT rank, neighbour_code AS code, {names.format('neighbour_code')} AS name,
               closeness, model_year AS model
        FROM statistical_neighbour
        WHERE old_la_code = ? AND model_year = (SELECT max(model_year) FROM statistical_neighbour)
        ORDER BY rank""", [council.dfe_code]).df()


@dataclass(frozen=True)
class Comparison:
    """A published measure for one year: the council, England, its region and its neighbours.
    A figure not published is None, with the DfE's code for why beside it."""

    measure: PublishedMeasure
    year: int
    unit: str
    council: float | None
    council_not_published: str | None
    england: float | None
    region_name: str | None
    region: float | None
    neighbours: pd.DataFrame      # rank, code, name, closeness, model, value, not_published
    median: float | None          # of the neighbours with a published figure
    lowest: float | None
    highest: float | None
    higher_than: int              # neighbours whose figure is lower than the council's
    rank_among_neighbours: int | None   # 1: the highest of the council and its neighbours
    rank_among_councils: int | None     # 1: the highest of all councils
    councils: int                 # councils with a published figure


def compare(con: duckdb.DuckDBPyConnection, council: Council, measure: str,
            year: int) -> Comparison:
    """The published ``measure`` (a name in ``MEASURES``) for ``year`` (the year its
    collection ends), for the council beside England, its region and its neighbours."""
    spec = MEASURES[measure]
    figures = con.execute("""
        SELECT geographic_level, region_code, region_name, old_la_code, value, not_published, unit
        FROM published_value
        WHERE dataset = ? AND measure = ? AND breakdown = ? AND time_period = ?""",
                          [spec.dataset, spec.column, spec.breakdown, year]).df()
    councils = figures[figures["geographic_level"] == "Local authority"]
    own = councils[councils["old_la_code"] == council.dfe_code]
    national = figures.loc[figures["geographic_level"] == "National", "value"]
    region = figures[(figures["geographic_level"] == "Regional")
                     & figures["region_code"].isin(own["region_code"])]
    value = _first(own["value"])
    near = neighbours(con, council).merge(
        councils[["old_la_code", "value", "not_published"]].rename(columns={"old_la_code": "code"}),
        on="code", how="left")
    published = near["value"].dropna()
    ranked = councils["value"].dropna()
    return Comparison(
        measure=spec, year=year, unit=_first(figures["unit"]) or "",
        council=value, council_not_published=_first(own["not_published"]),
        england=_first(national), region_name=_first(region["region_name"]),
        region=_first(region["value"]), neighbours=near,
        median=statistics.median(published) if len(published) else None,
        lowest=published.min() if len(published) else None,
        highest=published.max() if len(published) else None,
        higher_than=int((published < value).sum()) if value is not None else 0,
        rank_among_neighbours=None if value is None else int((published > value).sum()) + 1,
        rank_among_councils=None if value is None else int((ranked > value).sum()) + 1,
        councils=len(ranked),
    )


def _first(values: pd.Series):
    """The first value of a column that is not missing; None if none."""
    present = values.dropna()
    return None if present.empty else present.iloc[0]

"""The Children in care page's view: trends, rates against benchmarks, under-12s against the
target with a projection, starts and ceases with an XmR chart, and breakdowns on a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from fsdash import charts, metrics, projection, spc
from fsdash.access import SUPPRESSED, suppressed_cells, visible
from fsdash.config import Council
from fsdash.formatting import long_date

AGE_BANDS = {"all": ("All ages", metrics.ALL_AGES), "under12": ("Under 12", (0, 11)),
             "under1": ("Under 1", (0, 0)), "1-4": ("1 to 4", (1, 4)), "5-9": ("5 to 9", (5, 9)),
             "10-15": ("10 to 15", (10, 15)), "16plus": ("16 and over", (16, 200))}
PERIODS = {"5y": ("Last 5 years", 60), "2y": ("Last 2 years", 24), "all": ("All months", None)}
BREAKDOWNS = ("cla_by_age_band", "cla_by_legal_status", "cla_by_placement", "cla_by_district")


@dataclass(frozen=True)
class ChartBlock:
    """A chart with the sentence that reads it and the table behind it."""

    title: str
    reading: str
    figure: go.Figure
    table: pd.DataFrame
    file_stem: str


@dataclass(frozen=True)
class CareView:
    trend: ChartBlock
    rate: ChartBlock
    target: ChartBlock | None
    target_notes: tuple[str, ...]
    flows: ChartBlock
    reasons: ChartBlock
    starts_spc: ChartBlock | None             # None where months are too small or too few
    starts_variation: tuple[str, str] | None  # the icon's wording and colour
    breakdowns: tuple[ChartBlock, ...]


def who(age_key: str, area: str) -> str:
    """'children aged 1 to 4 in care in East', for readings."""
    label = AGE_BANDS[age_key][0]
    group = "children" if age_key == "all" else f"children aged {label.lower()}"
    return f"{group} in care in {area}"


def care_view(con: duckdb.DuckDBPyConnection, council: Council, as_at: dt.date, area: str,
              districts=(), age_key: str = "all", period_key: str = "5y") -> CareView:
    """Everything the Children in care page shows for one choice of filters."""
    ages = AGE_BANDS[age_key][1]
    months = PERIODS[period_key][1]
    first = metrics.first_reliable_date(con)
    dates = [d for d in metrics.month_ends(as_at, months or 400) if d >= first]
    limit = council.max_suppressed
    counts = metrics.series(con, "cla_rate", dates, districts, ages)
    counts["children_shown"] = visible(counts.rename(columns={"children": "value",
                                                             "value": "rate"}), True, limit)
    counts["rate_shown"] = counts["value"].mask(counts["children_shown"].isna())
    return CareView(
        trend=_trend_block(counts, as_at, who(age_key, area)),
        rate=_rate_block(con, counts, as_at, area, age_key),
        **target_section(con, council, as_at, area, districts),
        **_flow_blocks(con, dates, districts, ages, as_at, who(age_key, area), limit),
        breakdowns=tuple(_breakdown_block(con, name, as_at, districts, ages, area, limit)
                         for name in BREAKDOWNS),
    )


def _change_sentence(subject: str, now: float | None, before: float | None,
                     as_at: dt.date) -> str:
    if now is None or pd.isna(now):
        return f"The number of {subject} is too small to show (1 to 5 is shown as “c”)."
    if before is None or pd.isna(before) or before == 0:
        return f"There were {now:,.0f} {subject} at the end of {as_at:%B %Y}."
    change = 100 * (now - before) / before
    verb = "rose" if change > 0 else "fell" if change < 0 else "did not change"
    amount = f" by {abs(change):.0f}%" if round(abs(change)) else ""
    return (f"The number of {subject} {verb}{amount} in the year to {as_at:%B %Y}, "
            f"to {now:,.0f}.")


def _year_before(frame: pd.DataFrame, column: str, as_at: dt.date):
    match = frame.loc[frame["as_at"].dt.date == metrics.year_before(as_at), column]
    return match.iloc[0] if len(match) else None


def _trend_block(counts: pd.DataFrame, as_at: dt.date, subject: str) -> ChartBlock:
    reading = _change_sentence(subject, counts["children_shown"].iloc[-1],
                               _year_before(counts, "children_shown", as_at), as_at)
    table = pd.DataFrame({"Month end": counts["as_at"].dt.date,
                          "Children looked after": _shown(counts["children_shown"])})
    figure = charts.monthly_lines(counts, [("children_shown", "Children looked after", "blue",
                                            "solid")], "Children looked after, month ends",
                                  "Children")
    return ChartBlock("Children looked after", reading, figure, table, "children-looked-after")


def _rate_block(con, counts: pd.DataFrame, as_at: dt.date, area: str, age_key: str) -> ChartBlock:
    benchmarks = metrics.benchmarks(con, "cla_rate")
    start = counts["as_at"].min()
    benchmarks = benchmarks[(benchmarks["as_at"] >= start) & (age_key == "all")]
    rate = counts["rate_shown"].iloc[-1]
    reading = (f"At the end of {as_at:%B %Y} there were {rate:.1f} children looked after per "
               f"10,000 children in {area}." if pd.notna(rate) else
               "The rate is not shown because the number of children is too small.")
    latest = benchmarks[benchmarks["as_at"] <= pd.Timestamp(as_at)].tail(1)
    if len(latest):
        row = latest.iloc[0]
        reading += f" {row['label']}'s published rate was {row['value']:g} at 31 March {row['as_at'].year}."
    elif age_key != "all":
        reading += " Published benchmarks are for all under-18s, so none is shown for one age group."
    table = pd.DataFrame({"Month end": counts["as_at"].dt.date,
                          "Per 10,000 children": counts["rate_shown"]})
    figure = charts.rate_chart(counts.assign(value=counts["rate_shown"]), benchmarks, area,
                               "Children looked after per 10,000 children")
    return ChartBlock("Rate per 10,000 children", reading, figure, table, "rate-per-10000")


def target_section(con, council: Council, as_at: dt.date, area: str, districts=()) -> dict:
    """Under-12s against the target path, with a projection while the target period runs:
    ``target`` (a ChartBlock, or None too early) and ``target_notes``."""
    spec = metrics.under12_target_spec(con)
    baseline, end = spec["baseline_date"], spec["end"]
    dates = [d for d in metrics.month_ends(as_at, 400) if d >= baseline]
    if len(dates) < projection.MIN_POINTS:
        return {"target": None, "target_notes": (
            f"The target runs from {long_date(baseline)}; the page shows progress once six "
            "months of it have passed.",)}
    path = metrics.under12_target(con, dates, districts)
    if path["actual"].between(1, council.max_suppressed).any():
        return {"target": None, "target_notes": (
            f"Under-12s in care in {area} are too few to show against the target "
            f"(counts from 1 to {council.max_suppressed} are not shown).",)}
    now = path.iloc[-1]
    gap = now["actual"] - now["target"]
    reading = (f"On {long_date(as_at)} there were {now['actual']:,.0f} children aged under 12 in "
               f"care in {area}, {abs(gap):,.0f} ({abs(100 * gap / now['target']):.0f}%) "
               f"{'above' if gap > 0 else 'below'} the target path of {now['target']:,.0f}.")
    notes = [f"The target starts from {path.attrs['baseline']:,.0f} children on "
             f"{long_date(baseline)} and falls by {100 * path.attrs['reduction']:.0f}% a year "
             f"for {path.attrs['years']} years, to {path.attrs['target_at_end']:,.0f} by "
             f"{long_date(end)}. "
             "It covers all under-12s, whatever age group is chosen above."]
    projected = None
    if as_at < end:
        result = projection.project(path.set_index(path["as_at"].dt.date)["actual"], end,
                                    path.attrs["target_at_end"])
        projected = result.path
        reading += " " + result.statement()
        notes.append(result.method())
    else:
        met = path.loc[path["as_at"].dt.date <= end].iloc[-1]
        reading += (f" At the end of the target period there were {met['actual']:,.0f} against "
                    f"a target of {met['target']:,.0f}.")
    table = pd.DataFrame({"Month end": path["as_at"].dt.date, "Actual": path["actual"],
                          "Target": path["target"].round(0)})
    if projected is not None:
        table = pd.concat([table, pd.DataFrame({
            "Month end": projected["as_at"].iloc[1:], "Projection": projected["central"].iloc[1:].round(0),
            "Low (8 in 10)": projected["low80"].iloc[1:].round(0),
            "High (8 in 10)": projected["high80"].iloc[1:].round(0)})], ignore_index=True)
    figure = charts.target_chart(path, "Children aged under 12 looked after against the target",
                                 projected)
    return {"target": ChartBlock("Under-12s against the target", reading, figure, table,
                                 "under12s-target"), "target_notes": tuple(notes)}


def _flow_blocks(con, dates, districts, ages, as_at: dt.date, subject: str, limit: int) -> dict:
    starts = metrics.series(con, "cla_starts_in_month", dates, districts, ages)
    ceases = metrics.series(con, "cla_ceases_in_month", dates, districts, ages)
    flows = pd.DataFrame({"as_at": starts["as_at"],
                          "starts": visible(starts, True, limit),
                          "ceases": visible(ceases, True, limit)})
    flows["net"] = flows["starts"] - flows["ceases"]
    year = flows.tail(12)
    started, ceased = year["starts"].sum(min_count=12), year["ceases"].sum(min_count=12)
    if pd.isna(started) or pd.isna(ceased):
        reading = "Some months' numbers are too small to show, so no yearly total is given."
    else:
        net = started - ceased
        reading = (f"In the 12 months to {as_at:%B %Y}, {started:,.0f} {subject.replace(' in care', '')} "
                   f"started to be looked after and {ceased:,.0f} ceased: "
                   f"{'a net rise' if net > 0 else 'a net fall' if net < 0 else 'no net change'}"
                   f"{f' of {abs(net):,.0f}' if net else ''}.")
    flow_table = pd.DataFrame({"Month end": flows["as_at"].dt.date,
                               "Started": _shown(flows["starts"]), "Ceased": _shown(flows["ceases"]),
                               "Net change": _shown(flows["net"])})
    blocks = {"flows": ChartBlock("Starting and leaving care", reading,
                                  charts.flows_chart(flows, "Started and ceased to be looked after, "
                                                     "each month"), flow_table, "starts-and-ceases")}
    blocks["reasons"] = _reasons_block(con, as_at, districts, ages, limit)
    blocks |= _spc_blocks(starts, limit)
    return blocks


def _reasons_block(con, as_at, districts, ages, limit) -> ChartBlock:
    table = _comparison(con, "ceases_by_reason", as_at, districts, ages, limit)
    return ChartBlock("Reasons for leaving care", _breakdown_reading(table, "reason for leaving "
                      "care in the 12 months to " + f"{as_at:%B %Y}"),
                      charts.comparison_bars(table, "Ceased to be looked after by reason, 12 months",
                                             "Year before", "Latest 12 months"),
                      _comparison_table(table), "reasons-for-leaving-care")


def _spc_blocks(starts: pd.DataFrame, limit: int) -> dict:
    values = starts["value"]
    if values.between(1, limit).any() or len(values) < 12:
        return {"starts_spc": None, "starts_variation": None}
    chart = spc.xmr(values.to_numpy(), better="down")
    wording, colour = spc.ICONS[chart.variation]
    reading = (f"{wording} in the latest month. Starts averaged {chart.mean:.1f} a month; "
               f"a month from {max(chart.lower, 0):.0f} to {chart.upper:.0f} is within the "
               "usual range.")
    dates = list(starts["as_at"].dt.date)
    table = pd.DataFrame({"Month end": dates, "Started": values,
                          "Special cause": [", ".join(sorted(s)) for s in chart.signals]})
    figure = charts.spc_chart(dates, chart, "Started to be looked after each month (XmR chart)",
                              "Children")
    return {"starts_spc": ChartBlock("Is the change in starts real?", reading, figure, table,
                                     "starts-xmr"), "starts_variation": (wording, colour)}


def _comparison(con, name: str, as_at: dt.date, districts, ages, limit: int) -> pd.DataFrame:
    year_ago = metrics.year_before(as_at)
    frame = metrics.breakdown(con, name, [year_ago, as_at], districts, ages)
    wide = frame.pivot_table(index="category", columns="as_at", values="value", fill_value=0,
                             sort=False)
    order = metrics.BREAKDOWNS[name].order or tuple(wide.index)
    wide = wide.reindex(order, fill_value=0)
    table = pd.DataFrame({"category": wide.index,
                          "year_ago": wide.get(pd.Timestamp(year_ago), 0),
                          "now": wide.get(pd.Timestamp(as_at), 0)}).reset_index(drop=True)
    table.attrs["total"] = float(table["now"].sum())
    for column in ("year_ago", "now"):
        table[column] = table[column].astype(float).mask(suppressed_cells(table[column], limit))
    return table


def _comparison_table(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Category": table["category"], "A year earlier": _shown(table["year_ago"]),
                         "Now": _shown(table["now"]),
                         "Change": _shown(table["now"] - table["year_ago"], signed=True)})


def _breakdown_reading(table: pd.DataFrame, what: str) -> str:
    shown = table.dropna(subset=["now"])
    if shown.empty or shown["now"].sum() == 0:
        return f"There are too few children to show the {what}."
    top = shown.loc[shown["now"].idxmax()]
    share = 100 * top["now"] / table.attrs["total"]
    reading = f"The largest group for {what} is “{top['category']}” ({top['now']:,.0f}, {share:.0f}%)."
    change = (table["now"] - table["year_ago"]).dropna()
    if len(change) and change.abs().max() > 0:
        biggest = table.loc[change.abs().idxmax()]
        difference = biggest["now"] - biggest["year_ago"]
        reading += (f" The biggest change on a year earlier is in “{biggest['category']}” "
                    f"({difference:+,.0f}).")
    return reading


def _breakdown_block(con, name: str, as_at: dt.date, districts, ages, area: str,
                     limit: int) -> ChartBlock:
    spec = metrics.BREAKDOWNS[name]
    table = _comparison(con, name, as_at, districts, ages, limit)
    what = spec.title.lower().replace("children looked after by ", "") + f" on {long_date(as_at)}"
    return ChartBlock(spec.title, _breakdown_reading(table, what),
                      charts.comparison_bars(table, f"{spec.title}, {area}", "A year earlier",
                                             long_date(as_at)),
                      _comparison_table(table), name.replace("_", "-"))


def _shown(values: pd.Series, signed: bool = False) -> pd.Series:
    """Numbers for a table, with hidden ones as the suppression symbol."""
    fmt = "{:+,.0f}" if signed else "{:,.0f}"
    return values.map(lambda v: SUPPRESSED if pd.isna(v) else fmt.format(v))


GLOSSARY = {
    "Looked after": "A child in the care of the council: under a care order, or accommodated by "
                    "the council, for example with their parents' agreement (section 20).",
    "Episode": "A stretch of care with the same legal status and placement, as recorded in the "
               "SSDA903 return. A new episode starts when either changes.",
    "Period of care": "The time from a child starting to be looked after to ceasing to be; it "
                      "can have several episodes.",
    "Short breaks": "Planned short stays, often for disabled children (legal status V3 or V4). "
                    "The DfE leaves them out of counts of children looked after, and so do we.",
    "Legal status": "The legal basis of care: for example an interim or full care order, a "
                    "placement order, or accommodation under section 20.",
    "Placement": "Where the child lives: with foster carers (relatives or friends, or others), "
                 "placed for adoption, with parents, in a children's home, and so on.",
    "Special guardianship order": "A court order making a relative or other carer a child's "
                                  "special guardian, so the child leaves care.",
    "Rate per 10,000": "Children looked after for every 10,000 children aged under 18 (or in "
                       "the chosen age group) living in the area, from ONS mid-year estimates.",
    "Process limits": "On an XmR chart, the range a month's figure falls in by chance alone: "
                      "the mean plus or minus 2.66 times the average change from one month "
                      "to the next.",
    "Special cause variation": "A pattern unlikely to be chance (NHS England 'Making Data "
                               "Count'): a point outside the limits, 7 points in a row above "
                               "or below the mean, 7 points rising or falling, or 2 of 3 "
                               "points near a limit.",
    "Projection": "Where the number of under-12s in care would be by the end of the target "
                  "period if the recent trend continued, with a range for its uncertainty.",
}

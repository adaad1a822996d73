"""The Children in care page's view: trends, rates against England, the region and the
statistical neighbours (``care_compare``), under-12s against the target in force, starts and
ceases with an XmR chart, and breakdowns on a date. Every count comes from ``fsdash.access``
(``Figures``), so it agrees with the Overview and hides what it hides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from fsdash import charts, metrics, projection
from fsdash.access import SUPPRESSED, Figures
from fsdash.config import Council
from fsdash.events import Event
from fsdash.formatting import YEAR_EARLIER, long_date, month, round_half_up
from fsdash.metrics import sources
from fsdash.views import blocks, care_compare, event_marks
from fsdash.views.blocks import ChartBlock, breakdown_block, comparison, dates_column, shown

district_block = blocks.district_block    # (other views import it from here)

AGE_BANDS = {key: (label, metrics.AGE_RANGES[key]) for key, label in (
    ("all", "All ages"), ("under12", "Under 12"), ("under1", "Under 1"), ("1-4", "1 to 4"),
    ("5-9", "5 to 9"), ("10-15", "10 to 15"), ("16plus", "16 and over"))}
DFE_BANDS = ("under1", "1-4", "5-9", "10-15", "16plus")
PERIODS = {"5y": ("Last 5 years", 60), "2y": ("Last 2 years", 24), "all": ("All months", None)}
SMALL = f"counts from 1 to {{limit}} are shown as “{SUPPRESSED}”, with others where needed, so " \
        "that no child can be identified"


@dataclass(frozen=True)
class CareView:
    trend: ChartBlock
    rate: ChartBlock
    neighbours: ChartBlock                    # the council against its statistical neighbours
    target: ChartBlock
    target_notes: tuple[str, ...]
    flows: ChartBlock
    reasons: ChartBlock
    starts_spc: ChartBlock | None             # None where monthly starts are not shown
    starts_variation: tuple[str, str] | None  # the badge's wording and colour
    breakdowns: tuple[ChartBlock, ...]
    breakdown_notes: tuple[str, ...]


def who(age_key: str, area: str) -> str:
    """'children aged 1 to 4 in care in East', for readings."""
    label = AGE_BANDS[age_key][0]
    group = "children" if age_key == "all" else f"children aged {label.lower()}"
    return f"{group} in care in {area}"


def care_view(con: duckdb.DuckDBPyConnection, figures: Figures, council: Council,
              as_at: dt.date, area: str, age_key: str = "all",
              period_key: str = "5y") -> CareView:
    """Everything the Children in care page shows for one choice of filters."""
    months = PERIODS[period_key][1]
    first = metrics.first_reliable_date(con)
    dates = [d for d in metrics.month_ends(as_at, months or 400) if d >= first]
    label = council.area_label(area)
    counts = figures.series("cla", dates, area, age_key)
    events = event_marks.area_events(con, council, area)
    return event_marks.mark_view(CareView(
        trend=_trend_block(counts, as_at, who(age_key, label)),
        rate=_rate_block(con, counts, dates, council, area, age_key),
        neighbours=care_compare.neighbours_block(con, council, as_at),
        **target_section(con, figures, council, as_at, area),
        **_flow_blocks(figures, dates, area, age_key, as_at, who(age_key, label), events),
        reasons=_category_block(figures, "ceases_by_reason", as_at, area, label,
                                "reason for leaving care in the 12 months to " + month(as_at)),
        breakdowns=_breakdowns(figures, council, as_at, area, age_key),
        breakdown_notes=(() if age_key == "all" else (
            "Breakdowns by legal status and placement are for children of all ages: split by "
            "age as well, most of their numbers would be too small to show.",)),
    ), events, MARKS)


# Each time chart's measures, for the events drawn on it.
MARKS = {"trend": ("cla",), "rate": ("cla_rate",), "flows": ("cla_starts", "cla_ceases"),
         "starts_spc": ("cla_starts",)}


def change_sentence(subject: str, now: float | None, before: float | None, as_at: dt.date,
                    better: str = "down") -> str:
    """What happened to a count in the year to a date, and whether that is the way wanted."""
    if now is None or pd.isna(now):
        return f"The number of {subject} is too small to show."
    if before is None or pd.isna(before):
        return f"There were {round_half_up(now):,} {subject} at the end of {month(as_at)}."
    now, before = round_half_up(now), round_half_up(before)
    if now == before:
        return (f"There were {now:,} {subject} at the end of {month(as_at)}, the same as "
                f"{YEAR_EARLIER}.")
    verb = "rose" if now > before else "fell"
    percent = f" ({abs(100 * (now - before) / before):.0f}%)" if before else ""
    wanted = {"down": now < before, "up": now > before}.get(better)
    judgement = "" if wanted is None else (" That is the direction the council aims for." if wanted
                                           else " The council aims for the opposite direction.")
    return (f"The number of {subject} {verb} by {abs(now - before):,}{percent} in the year to "
            f"{month(as_at)}, from {before:,} to {now:,}.{judgement}")


def _at(series: pd.Series, day: dt.date):
    """A series' value on a date (NaN where it is hidden or absent)."""
    return series.get(pd.Timestamp(day), float("nan"))


def _too_few_shown(values: pd.Series) -> bool:
    """Whether too few months are shown (the rest hidden) to be worth a chart."""
    return values.notna().sum() < 2


def _trend_block(counts: pd.Series, as_at: dt.date, subject: str) -> ChartBlock:
    reading = change_sentence(subject, _at(counts, as_at),
                              _at(counts, metrics.year_before(as_at)), as_at)
    frame = pd.DataFrame({"as_at": counts.index, "children": counts.to_numpy()})
    table = pd.DataFrame({"Month end": dates_column(counts.index),
                          "Children looked after": shown(counts)})
    figure = None if _too_few_shown(counts) else charts.monthly_lines(
        frame, [("children", "Children looked after", "blue", "solid")],
        "Children looked after at each month end", "Children")
    return ChartBlock("How many children are looked after", reading, figure, table,
                      "children-looked-after")


def _rate_block(con, counts: pd.Series, dates, council: Council, area: str,
                age_key: str) -> ChartBlock:
    ages = AGE_BANDS[age_key][1]
    rates = metrics.series(con, "cla_rate", dates, council.areas()[area] if area != "all" else (),
                           ages).set_index("as_at")["value"]
    rates = rates.where(counts.reindex(rates.index).notna())
    return care_compare.rate_block(con, rates, council, area, age_key == "all")


def target_section(con, figures: Figures, council: Council, as_at: dt.date,
                   area: str) -> dict:
    """Under-12s against the target in force on ``as_at`` (with a projection to its end), or
    whether the latest ended target was met: ``target`` (a ChartBlock) and ``target_notes``."""
    label = council.area_label(area)
    target = metrics.target_at(con, "cla_under12", as_at)
    unloaded = sources.lacking(con, NEEDS)
    if unloaded:
        return _no_target(sources.needs("Under-12s in care against the target", unloaded,
                                        plural=True))
    if target is None:
        return _no_target("The council has set no target for the number of under-12s in care.")
    if as_at < target.baseline_date:
        return _no_target(f"The target “{target.label}” starts on {long_date(target.baseline_date)}.")
    dates = [d for d in metrics.month_ends(as_at, 400) if d >= target.baseline_date]
    if len(dates) < projection.MIN_POINTS:
        return _no_target(f"The target “{target.label}” started on "
                          f"{long_date(target.baseline_date)}; progress is shown once six months "
                          "of it have passed.")
    actual = figures.series("cla", dates, area, "under12")
    baseline = figures.count("cla", target.baseline_date, area, "under12")
    if actual.isna().any() or baseline is None:
        return _no_target(f"Under-12s in care in {label} are too few to show against the target "
                          f"({SMALL.format(limit=council.max_suppressed)}).")
    path = metrics.target_path(con, target, dates, council.areas()[area] if area != "all" else ())
    notes = [f"{target.label}: from {round_half_up(path.attrs['baseline']):,} children on "
             f"{long_date(target.baseline_date)}, the target is {path.attrs['at_end']:,} by "
             f"{long_date(target.end)}. It covers all under-12s, whatever age group is chosen. "
             f"Source: {target.source}."]
    projected = None
    if as_at < target.end:
        now = path.iloc[-1]
        gap = round_half_up(now["actual"]) - now["target"]
        reading = (f"On {long_date(as_at)} there were {round_half_up(now['actual']):,} children "
                   f"aged under 12 in care in {label}, {abs(gap):,} "
                   f"{'above' if gap > 0 else 'below'} the target path of {now['target']:,}.")
        result = projection.project(path.set_index(path["as_at"].dt.date)["actual"], target.end,
                                    path.attrs["at_end"])
        projected = result.path
        reading += " " + result.statement()
        notes.append(result.method())
    else:
        reading = _ended_target_sentence(path, target, label)
    table = pd.DataFrame({"Month end": dates_column(path["as_at"]),
                          "Under-12s looked after": path["actual"].map(round_half_up),
                          "Target": path["target"].astype("Int64")})
    if projected is not None:
        later = projected.iloc[1:]
        table = pd.concat([table, pd.DataFrame({
            "Month end": dates_column(later["as_at"]),
            "Projection": later["central"].map(round_half_up),
            "Low (8 in 10)": later["low80"].map(round_half_up),
            "High (8 in 10)": later["high80"].map(round_half_up)})], ignore_index=True)
        table = table.astype({c: "Int64" for c in table.columns if c != "Month end"})
    figure = charts.target_chart(path, "Children aged under 12 looked after and the target path",
                                 projected, target.end, path.attrs["at_end"])
    block = ChartBlock("Under-12s in care against the target path", reading, figure, table,
                       "under12s-target")       # marked here: the Overview and the pack show it
    return {"target": event_marks.marked(block, event_marks.area_events(con, council, area),
                                         ("cla_under12",)), "target_notes": tuple(notes)}


def _ended_target_sentence(path: pd.DataFrame, target, label: str) -> str:
    at_end = path[path["as_at"].dt.date <= target.end].iloc[-1]
    actual, wanted = round_half_up(at_end["actual"]), path.attrs["at_end"]
    verdict = (f"met, with {wanted - actual:,} fewer than the target" if actual <= wanted
               else f"missed by {actual - wanted:,} children")
    return (f"The target “{target.label}” ended on {long_date(target.end)}. At the end of "
            f"{month(at_end['as_at'].date())} there were {actual:,} children aged under 12 in care "
            f"in {label} against a target of {wanted:,}: the target was {verdict}.")


def _no_target(note: str) -> dict:
    empty = pd.DataFrame({"Month end": [], "Under-12s looked after": []})
    return {"target": ChartBlock("Under-12s in care against the target path", note, None, empty,
                                 "under12s-target"), "target_notes": ()}


def _flow_blocks(figures: Figures, dates, area: str, age_key: str, as_at: dt.date,
                 subject: str, events: list[Event]) -> dict:
    started = figures.count("starts", as_at, area, age_key)
    ceased = figures.count("ceases", as_at, area, age_key)
    people = subject.replace(" in care", "")
    if started is None or ceased is None:
        reading = (f"The numbers of {people} starting or leaving care in the 12 months to "
                   f"{month(as_at)} are too small to show.")
    else:
        net = round_half_up(started - ceased)
        reading = (f"In the 12 months to {month(as_at)}, {round_half_up(started):,} {people} "
                   f"started to be looked after and {round_half_up(ceased):,} stopped: "
                   f"{'a net rise' if net > 0 else 'a net fall' if net < 0 else 'no net change'}"
                   f"{f' of {abs(net):,}' if net else ''}.")
    starts = figures.monthly("starts", dates, area, age_key)
    ceases = figures.monthly("ceases", dates, area, age_key)
    if starts is None or ceases is None:
        return {"flows": _yearly_flows_block(figures, dates, area, age_key, reading),
                "starts_spc": None, "starts_variation": None}
    flows = pd.DataFrame({"as_at": starts.index, "starts": starts.to_numpy(),
                          "ceases": ceases.to_numpy()})
    flows["net"] = flows["starts"] - flows["ceases"]
    table = pd.DataFrame({"Month end": dates_column(flows["as_at"]),
                          "Started": shown(flows["starts"]), "Stopped": shown(flows["ceases"]),
                          "Net change": shown(flows["net"], signed=True)})
    block = ChartBlock("Children starting and leaving care each month", reading,
                       charts.flows_chart(flows, "Children starting and leaving care, by month"),
                       table, "starts-and-ceases")
    return {"flows": block, **_spc_blocks(starts, event_marks.about(events, "cla_starts"))}


def _yearly_flows_block(figures: Figures, dates, area: str, age_key: str,
                        reading: str) -> ChartBlock:
    """Where monthly numbers are too small to show: the 12-month totals at each month end."""
    yearly = pd.DataFrame({"as_at": [pd.Timestamp(d) for d in dates],
                           "starts": figures.series("starts", dates, area, age_key).to_numpy(),
                           "ceases": figures.series("ceases", dates, area, age_key).to_numpy()})
    reading += (" Monthly numbers here are too small to show without risk of identifying "
                "children, so the chart shows the totals for the 12 months to each month end.")
    table = pd.DataFrame({"12 months to": dates_column(yearly["as_at"]),
                          "Started": shown(yearly["starts"]), "Stopped": shown(yearly["ceases"])})
    figure = None
    if yearly[["starts", "ceases"]].notna().any().any():
        figure = charts.monthly_lines(yearly, [("starts", "Started", "blue", "solid"),
                                               ("ceases", "Stopped", "orange", "dash")],
                                      "Children starting and leaving care in the 12 months to "
                                      "each month end", "Children in 12 months")
    return ChartBlock("Children starting and leaving care", reading, figure, table,
                      "starts-and-ceases")


def _spc_blocks(starts: pd.Series, events: list[Event]) -> dict:
    if len(starts) < 12:
        return {"starts_spc": None, "starts_variation": None}
    block, badge = blocks.spc_block(
        starts, events, "down", "Starts",
        ("Monthly starts against their usual range",
         "Children starting care each month, with the usual range", "Children", "Started"),
        "starts-xmr",
        ", so a month in that range is no sign of real change")
    return {"starts_spc": block, "starts_variation": badge}


def _breakdowns(figures: Figures, council: Council, as_at: dt.date, area: str,
                age_key: str) -> tuple[ChartBlock, ...]:
    label = council.area_label(area)
    year_ago = metrics.year_before(as_at)
    blocks = []
    if age_key == "all":
        counts = [figures.counts("cla", [d]).xs((pd.Timestamp(d), area),
                                                   level=("as_at", "area"))["shown"]
                  for d in (as_at, year_ago)]
        names = [AGE_BANDS[b][0] for b in DFE_BANDS]
        table = comparison(pd.Series(counts[0][list(DFE_BANDS)].to_numpy(), index=names),
                            pd.Series(counts[1][list(DFE_BANDS)].to_numpy(), index=names),
                            counts[0]["all"])
        blocks.append(breakdown_block(table, "By age", "age group", as_at, label, "cla-by-age"))
    total = figures.count("cla", as_at, area)
    for name in ("cla_by_legal_status", "cla_by_placement"):
        table = comparison(figures.breakdown(name, as_at, area)["shown"],
                            figures.breakdown(name, year_ago, area)["shown"], total)
        title = "By " + metrics.BREAKDOWNS[name].title.lower().split(" by ")[1]
        blocks.append(breakdown_block(table, title, title[3:], as_at, label,
                                       name.replace("_", "-")))
    if len(council.areas()[area]) > 1:
        blocks.append(district_block(figures, council, "cla", as_at, area, "cla-by-district"))
    return tuple(blocks)


def _category_block(figures: Figures, name: str, as_at: dt.date, area: str, label: str,
                    what: str) -> ChartBlock:
    table = comparison(figures.breakdown(name, as_at, area)["shown"],
                        figures.breakdown(name, metrics.year_before(as_at), area)["shown"],
                        figures.count("ceases", as_at, area))
    return breakdown_block(table, "Why children left care", what, as_at, label,
                            name.replace("_", "-"), period="12 months to ",
                            subject="Children who left care", title_words="by reason")


NEEDS = ("cla_child", "cla_episode")     # the store tables the page's figures come from

GLOSSARY = {
    "Looked after": "A child in the care of the council: under a care order, or accommodated by "
                    "the council, for example with their parents' agreement (section 20).",
    "Episode": "A stretch of care with the same legal status and placement, as recorded in the "
               "DfE's SSDA903 return. A new episode starts when either changes.",
    "Period of care": "The time from a child starting to be looked after to ceasing to be; it "
                      "can have several episodes.",
    "Short breaks": "Planned short stays, often for disabled children (legal status V3 or V4). "
                    "The DfE leaves them out of counts of children looked after, and so do we.",
    "Legal status": "The legal basis of care: for example an interim or full care order, a "
                    "placement order, or accommodation under section 20.",
    "Placement order": "A court order allowing the council to place a child for adoption "
                       "(legal status E1).",
    "Placement": "Where the child lives: with foster carers (relatives or friends, or others), "
                 "placed for adoption, with parents, in a children's home, and so on.",
    "Special guardianship order": "A court order making a relative or other carer a child's "
                                  "special guardian, so the child leaves care.",
    "Rate per 10,000": "Children looked after for every 10,000 children aged under 18 (or in "
                       "the chosen age group) living in the area, from ONS mid-year estimates.",
    "Usual range": "On the chart of monthly starts (an XmR chart, NHS England's 'Making Data "
                   "Count' method), the range a month's figure falls in by chance alone: the "
                   "mean plus or minus 2.66 times the average change from one month to the next. "
                   "From a change the council intended (such as Family Safeguarding beginning), "
                   "with at least 12 months either side, it is worked out again from the "
                   "change on, so the chart's range steps there.",
    "Unusual": "A pattern unlikely to be chance ('special cause variation'): a point outside "
               "the usual range, 7 points in a row above or below the mean, 7 points rising or "
               "falling, or 2 of 3 points near the edge of the range.",
    "Projection": "Where the number of under-12s in care would be by the end of the target "
                  "period if the recent trend continued, with a range for its uncertainty.",
    "c": "A number too small to show (1 to 5), or one hidden so that a small number cannot be "
         "worked out from the numbers around it.",
}

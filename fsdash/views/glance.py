"""The At a glance page's view: what changed this month (every monitored measure for every area
and team, tested with an XmR chart and ranked), and a heat map of the headline indicators by
area against their red, amber and green thresholds and the published figures for England, the
region and the statistical neighbours' median."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from fsdash import changes, charts, metrics
from fsdash.access import SUPPRESSED, Figures
from fsdash.access.series import protected_series
from fsdash.changes import MONITORED, SCAN_MONTHS, Signal
from fsdash.config import WHOLE_COUNCIL, Council
from fsdash.events import live_events
from fsdash.formatting import long_date, month
from fsdash.metrics import sources
from fsdash.published_statistics import comparators
from fsdash.published_statistics.measures import MEASURES as PUBLISHED
from fsdash.views import event_marks
from fsdash.views.care import ChartBlock

HEAT_MEASURES = ("cla", "cla_rate", "cla_under12", "cla_starts", "cla_ceases", "referrals",
                 "referral_rate", "rereferral_pct", "cp_plans", "caseload")
# The heat map's column headings: short, on two lines.
HEAT_LABELS = {"cla": "In care", "cla_rate": "In care per<br>10,000", "cla_under12": "Under-12s<br>in care",
               "cla_starts": "Started<br>care (year)", "cla_ceases": "Left care<br>(year)",
               "referrals": "Referrals<br>(year)", "referral_rate": "Referrals<br>per 10,000",
               "rereferral_pct": "Re-referred<br>(%)", "cp_plans": "On child<br>protection<br>plans",
               "caseload": "Caseload<br>per social<br>worker"}
# Each monitored series' measure (whose sources it waits for).
MEASURE_OF = {"cla": "cla", "cla_under12": "cla_under12", "starts": "cla_starts",
              "ceases": "cla_ceases", "referrals": "referrals", "cp_plans": "cp_plans",
              "caseload": "caseload"}
# The heat map's measures compared with published figures: rates and percentages (a count in an
# area compares with nothing published), each with a published equivalent.
COMPARED = tuple(m for m in HEAT_MEASURES if m in PUBLISHED and not metrics.MEASURES[m].is_count)
RATING_MARKS = {"Red": "▲ Red", "Amber": "◆ Amber", "Green": "● Green", "": "Not rated"}
# The pages that show the heat map's measures for an area: each page's file and what it shows.
AREA_PAGES = (("pages/children_in_care.py", "children in care"),
              ("pages/front_door.py", "front door"))


@dataclass(frozen=True)
class PageLink:
    """A link to a page for an area and month, named for where it goes ("Preston: front
    door"), so no two links share a name (WCAG 2.4.4, link purpose)."""

    page: str                  # the page's file, as ``st.page_link`` takes it
    label: str
    query: dict[str, str]


def scan(con: duckdb.DuckDBPyConnection, figures: Figures, council: Council,
         as_at: dt.date) -> list[Signal]:
    """Every monitored series' signal in the month to ``as_at``, most unusual first."""
    first = metrics.first_reliable_date(con)
    dates = [d for d in metrics.month_ends(as_at, SCAN_MONTHS) if d >= first]
    waits = sources.waiting(con, MEASURE_OF.values())
    live = live_events(con, council)      # read once: each area's and team's are chosen from it
    found = []
    for area, districts in areas(con, council).items():
        label = council.area_label(area)
        series = {
            "cla": figures.series("cla", dates, area),
            "cla_under12": figures.series("cla", dates, area, "under12"),
            "starts": figures.monthly("starts", dates, area),
            "ceases": figures.monthly("ceases", dates, area),
            "referrals": figures.monthly("referrals", dates, area),
            "cp_plans": figures.series("cp_plans", dates, area),
            "caseload": metrics.series(con, "caseload", dates, () if area == WHOLE_COUNCIL
                                       else districts).set_index("as_at")["value"],
        }
        events = event_marks.for_area(live, council, area)
        found += [changes.signal(values, key, area, label,
                                 event_marks.about(events, MEASURE_OF[key]))
                  for key, values in series.items()
                  if values is not None and MEASURE_OF[key] not in waits]
    if "caseload" in waits:
        return changes.ranked(found)
    by_team = pd.concat({pd.Timestamp(d): metrics.caseload_by_team(con, d).set_index("team")
                         ["value"] for d in dates}, axis=1)
    teams = {t.code: t for t in council.teams}
    found += [changes.signal(by_team.loc[code], "caseload", code, f"the {teams[code].name} team",
                             event_marks.about(event_marks.team_events(
                                 live, council, teams[code].districts), "caseload"))
              for code in by_team.index if code in teams]
    return changes.ranked(found)


def areas(con: duckdb.DuckDBPyConnection, council: Council) -> dict[str, tuple[str, ...]]:
    """The areas to show: every one, or the whole council alone where the store knows no
    child's district."""
    found = council.areas()
    return found if sources.districts_known(con) else {WHOLE_COUNCIL: found[WHOLE_COUNCIL]}


def untested(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What the scan cannot test yet, a sentence for each missing source."""
    waits = sources.waiting(con, MEASURE_OF.values())
    key_of = {measure: key for key, measure in MEASURE_OF.items()}
    return sources.waiting_sentences({key_of[m]: files for m, files in waits.items()},
                                     {key: m.title for key, m in MONITORED.items()})


def chosen_signals(signals: list[Signal], council: Council, area: str, show: str,
                   measure: str) -> list[Signal]:
    """The signals for an area (its own, its districts' and the teams serving it), of a kind
    (``show``: all, concern or improvement) and a measure (or all)."""
    districts = set(council.areas()[area])
    teams = {t.code for t in council.teams if districts & set(t.districts)}
    return [s for s in signals
            if (area == "all" or s.area == area or s.area in districts or s.area in teams)
            and show in ("all", s.variation) and measure in ("all", s.measure)]


def changed_block(signals: list[Signal], as_at: dt.date) -> ChartBlock:
    """The signals as sentences (the reading) and a table; no chart (the list is the point)."""
    if not signals:
        reading = (f"Nothing changed beyond its usual range in {month(as_at)}: every measure "
                   "tested for every area and team was within the variation expected by chance.")
    else:
        concerns = sum(s.variation == "concern" for s in signals)
        better = sum(s.variation == "improvement" for s in signals)
        neither = len(signals) - concerns - better
        kinds = [f"{count} {words}" for count, words in (
            (concerns, "a concern"), (better, "better"),
            (neither, "with no better direction")) if count]
        reading = (f"{len(signals)} measure{'s' if len(signals) != 1 else ''} changed beyond "
                   f"chance in {month(as_at)}: {_listed(kinds)}. The most unusual first.")
    table = pd.DataFrame({
        "What changed": [s.sentence() for s in signals],
        "Measure": [MONITORED[s.measure].title for s in signals],
        "Area or team": [s.area_label for s in signals],
        "Rule": [RULE_WORDS[s.rule] for s in signals],
        "Good or bad": [VARIATION_WORDS[s.variation] for s in signals],
        "Latest": [round(s.latest, MONITORED[s.measure].decimals) for s in signals],
        "Average": [round(s.mean, 1) for s in signals],
        "Standard deviations from the average": [round(s.score, 1) for s in signals],
    })
    return ChartBlock("What changed this month", reading, None, table, "what-changed")


def _listed(parts: list[str]) -> str:
    """'a, b and c'."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


RULE_WORDS = {"outside": "Outside the usual range", "shift": "A run above or below average",
              "trend": "A run rising or falling", "two_of_three": "Near a limit twice in three"}
VARIATION_WORDS = {"improvement": "Better", "concern": "A concern", "neither": "Neither"}


def heat_block(con: duckdb.DuckDBPyConnection, figures: Figures, council: Council,
               as_at: dt.date) -> tuple[ChartBlock, tuple[tuple[PageLink, ...], ...]]:
    """Indicators by area on a date: value, change on a year earlier and rating (hidden values
    as the suppression symbol), with England's, the region's and the statistical neighbours'
    median published figures beside them; and for each area,
    the links to its pages."""
    year_ago = metrics.year_before(as_at)
    dates = [year_ago, as_at] if year_ago >= metrics.first_reliable_date(con) else [as_at]
    waits = sources.waiting(con, HEAT_MEASURES)
    shown = [name for name in HEAT_MEASURES if name not in waits]
    rows = []
    for area, districts in areas(con, council).items():
        for name in shown:
            values, hidden = protected_series(figures, con, name, dates, area,
                                              districts if area != "all" else (), council)
            values = values.where(~hidden)
            now = values.get(pd.Timestamp(as_at))
            before = values.get(pd.Timestamp(year_ago)) if len(dates) == 2 else None
            rating = council.ratings.get(name)
            rows.append({"measure": name, "area": area, "value": now, "before": before,
                         "rating": rating.rate(now) if rating and pd.notna(now) else ""})
    cells = pd.DataFrame(rows, columns=["measure", "area", "value", "before", "rating"])
    cells["change"] = cells["value"] - cells["before"]
    missing = sources.waiting_sentences(waits, {m: metrics.MEASURES[m].title for m in waits})
    if not shown:
        return (ChartBlock("Every indicator by area", " ".join(missing), None, pd.DataFrame(),
                           "indicators-by-area"), area_links(cells["area"], council, as_at))
    block = _heat_chart(con, cells, council, as_at, shown)
    if missing:
        block = ChartBlock(block.title, " ".join([block.reading, *missing]), block.figure,
                           block.table, block.file_stem)
    return block, area_links(cells["area"], council, as_at)


def _shown(value, decimals: int, signed: bool = False) -> str:
    if value is None or pd.isna(value):
        return SUPPRESSED if not signed else ""
    return f"{value:+,.{decimals}f}" if signed else f"{value:,.{decimals}f}"


def _decimals(name: str) -> int:
    return 0 if metrics.MEASURES[name].is_count else 1


def _heat_chart(con, cells: pd.DataFrame, council: Council, as_at: dt.date,
                measures: list[str]) -> ChartBlock:
    areas = list(dict.fromkeys(cells["area"]))
    grid = cells.set_index(["area", "measure"])
    score = {"Green": 1, "Amber": 2, "Red": 3, "": 0}
    z = [[score[grid.loc[(a, m), "rating"]] for m in measures] for a in areas]
    text = [[f"{_shown(grid.loc[(a, m), 'value'], _decimals(m))}<br>"
             f"{_shown(grid.loc[(a, m), 'change'], _decimals(m), signed=True)}<br>"
             f"{RATING_MARKS[grid.loc[(a, m), 'rating']] if grid.loc[(a, m), 'rating'] else ''}"
             for m in measures] for a in areas]
    figure = charts.rating_grid(z, text, [HEAT_LABELS[m] for m in measures],
                                [council.area_label(a) for a in areas],
                                f"Indicators by area on {long_date(as_at)}")
    rated = cells[cells["rating"] != ""]
    reds = rated[rated["rating"] == "Red"]
    reading = ((f"{len(reds)} of {len(rated)} rated figures are red on {long_date(as_at)}"
                if len(rated) else "No figure shown here has a rating against the council's "
                f"thresholds on {long_date(as_at)}")
               + (": " + "; ".join(f"{metrics.MEASURES[r.measure].title.lower()} in "
                                   f"{council.area_label(r.area)}"
                                   for r in reds.head(5).itertuples()) if len(reds) else "")
               + ". Each cell shows the figure, its change on a year earlier and its rating "
               "against the council's thresholds; only measures with thresholds are rated. The "
               "table compares each rate and percentage with England's, the region's and the "
               "statistical neighbours' median published figures for the latest year on or "
               "before the date, where there are any.")
    table = pd.DataFrame({
        "Measure": [metrics.MEASURES[m].title for m in cells["measure"]],
        "Area": [council.area_label(a) for a in cells["area"]],
        "Value": [_shown(v, _decimals(m)) for v, m in zip(cells["value"], cells["measure"])],
        "Change on a year earlier": [_shown(v, _decimals(m), signed=True)
                                     for v, m in zip(cells["change"], cells["measure"])],
        "Rating": [RATING_MARKS[r] for r in cells["rating"]],
    })
    marks = {m: latest_comparators(con, council, m, as_at) for m in measures if m in COMPARED}
    for label in dict.fromkeys(label for found in marks.values() for label in found["label"]):
        heading = label.lower() if label == comparators.NEIGHBOURS_MEDIAN else label
        table[f"Against {heading}"] = [
            _against(value, marks[m][marks[m]["label"] == label], m) if m in marks else ""
            for value, m in zip(cells["value"], cells["measure"])]
    return ChartBlock("Every indicator by area", reading, figure, table, "indicators-by-area")


def _against(value, mark: pd.DataFrame, name: str) -> str:
    """'Higher than 67.0 at 31 March 2025: worse', or blank where there is no published figure
    or no value."""
    if mark.empty or value is None or pd.isna(value):
        return ""
    published, period = mark["value"].iloc[0], mark["period"].iloc[0]
    places = _decimals(name) or 1
    if round(value, places) == round(published, places):
        return f"The same ({published:,.{places}f} {period})"
    higher = value > published
    better = metrics.MEASURES[name].better
    verdict = "" if better == "neither" else (": better" if higher == (better == "up")
                                              else ": worse")
    return f"{'Higher' if higher else 'Lower'} than {published:,.{places}f} {period}{verdict}"


def area_links(areas, council: Council, as_at: dt.date) -> tuple[tuple[PageLink, ...], ...]:
    """For each area (once, in order), a link to each of its pages for the same month."""
    return tuple(tuple(PageLink(page, f"{council.area_label(area)}: {shows}",
                                {"as_at": f"{as_at:%Y-%m}", "area": area})
                       for page, shows in AREA_PAGES)
                 for area in dict.fromkeys(areas))


def latest_comparators(con, council: Council, name: str, as_at: dt.date) -> pd.DataFrame:
    """England's, the region's and the statistical neighbours' median published figures for a
    measure in the latest year whose date is on or before ``as_at`` (empty where none)."""
    marks = comparators.comparators(con, council, name)
    marks = marks[marks["as_at"] <= pd.Timestamp(as_at)]
    return marks[marks["year"] == marks["year"].max()]

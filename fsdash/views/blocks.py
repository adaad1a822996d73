"""What every view's charts share: a chart block (a chart, the sentence reading it and its
table), and breakdowns against a year earlier, with hidden numbers shown as the suppression
symbol."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from fsdash import charts, metrics, spc
from fsdash.access import SUPPRESSED, Figures
from fsdash.config import NOT_KNOWN, WHOLE_COUNCIL, Council
from fsdash.events import Event
from fsdash.formatting import YEAR_EARLIER, long_date, month, round_half_up


@dataclass(frozen=True)
class ChartBlock:
    """A chart with the sentence that reads it and the table behind it. ``figure`` is None
    where there is nothing worth drawing; the reading then says why."""

    title: str
    reading: str
    figure: go.Figure | None
    table: pd.DataFrame
    file_stem: str


def dates_column(index) -> list[str]:
    return [long_date(pd.Timestamp(d).date()) for d in index]


def spc_block(values: pd.Series, events: list[Event], better: str, subject: str,
              titles: tuple[str, str, str, str], stem: str,
              tail: str = "") -> tuple[ChartBlock, tuple[str, str]]:
    """A monthly count (indexed by month end) against its usual range, the limits recalculated
    from a change the council intended among ``events`` (``spc.rebasing``), and the variation
    badge's wording and colour. ``titles``: the block's, the chart's, the y axis's and the
    table's column of values;
    ``subject``: "Starts" in "Starts averaged 20 a month"."""
    rebase = spc.rebasing(values.index, events)
    chart = spc.xmr(values.to_numpy(), better=better, breaks=rebase.breaks)
    wording, colour = spc.ICONS[chart.variation]
    dates = [pd.Timestamp(d).date() for d in values.index]
    since = f"Since {month(dates[chart.breaks[-1]])}, {subject.lower()}" if chart.breaks else subject
    reading = " ".join(filter(None, [
        f"{wording} in the latest month. {since} averaged {chart.mean:.0f} a month; a month from "
        f"{max(chart.lower, 0):.0f} to {chart.upper:.0f} is within the usual range{tail}.",
        rebase.sentence]))
    table = pd.DataFrame({"Month end": dates_column(values.index),
                          titles[3]: values.map(round_half_up).to_numpy(),
                          "Usual range": [f"{max(lo, 0):.0f} to {hi:.0f}"
                                          for lo, hi in zip(chart.lowers, chart.uppers)],
                          "Unusual": [", ".join(sorted(s)) for s in chart.signals]})
    figure = charts.spc_chart(dates, chart, titles[1], titles[2])
    return ChartBlock(titles[0], reading, figure, table, stem), (wording, colour)


def comparison(now: pd.Series, year_ago: pd.Series, total: float | None) -> pd.DataFrame:
    """A breakdown's categories on the date and a year earlier (NaN where hidden), with the
    total they add up to (None where it is hidden)."""
    table = pd.DataFrame({"category": now.index, "year_ago": year_ago.reindex(now.index).to_numpy(),
                          "now": now.to_numpy()})
    table.attrs["total"] = total
    return table


def district_block(figures: Figures, council: Council, family: str, as_at: dt.date, area: str,
                   stem: str, period: str = "", subject: str = "Children looked after",
                   counted: str = "children") -> ChartBlock:
    """A count family's figures for each district of an area against a year earlier, all ages,
    with the area's total (each as the published figures show it)."""
    frames = [figures.counts(family, [day]).xs((pd.Timestamp(day), "all"), level=("as_at", "age"))
              for day in (as_at, metrics.year_before(as_at))]
    districts = list(council.areas()[area])
    if area == WHOLE_COUNCIL and any(f.loc[NOT_KNOWN, "value"] for f in frames):
        districts.append(NOT_KNOWN)    # children known only from the returns
    names = [council.area_label(d) for d in districts]
    counts = [f["shown"] for f in frames]
    table = comparison(pd.Series(counts[0][list(districts)].to_numpy(), index=names),
                       pd.Series(counts[1][list(districts)].to_numpy(), index=names),
                       figures.count(family, as_at, area))
    return breakdown_block(table, "By district", "district", as_at, council.area_label(area),
                           stem, period, subject, counted)


def breakdown_block(table: pd.DataFrame, title: str, what: str, as_at: dt.date, label: str,
                    stem: str, period: str = "", subject: str = "Children looked after",
                    counted: str = "children", title_words: str | None = None,
                    still_open: tuple[str, ...] = ()) -> ChartBlock:
    """A breakdown against a year earlier: bars (or, with fewer than two categories to show, a
    sentence saying why), its reading and its table. The chart's title is ``subject``, then
    ``title_words`` (by default the block's title: "By age" gives "... by age"), then the area.
    ``still_open``: categories holding work not yet finished, so not named as a change (their
    year-earlier figure had a year longer to finish)."""
    figure = None if _bars_shown(table) < 2 else charts.comparison_bars(
        table, f"{subject} {title_words or title.lower()}, {label}", YEAR_EARLIER.capitalize(),
        period + long_date(as_at))
    return ChartBlock(title, _breakdown_reading(table, what, label, counted, still_open), figure,
                      _comparison_table(table), stem)


def _comparison_table(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Category": table["category"],
                         YEAR_EARLIER.capitalize(): shown(table["year_ago"]),
                         "Now": shown(table["now"]),
                         "Change": shown(table["now"] - table["year_ago"], signed=True)})


def _bars_shown(table: pd.DataFrame) -> int:
    """How many categories have a number above zero to draw."""
    return int((table["now"].fillna(0) > 0).sum())


def _breakdown_reading(table: pd.DataFrame, what: str, label: str, counted: str = "children",
                       still_open: tuple[str, ...] = ()) -> str:
    if _bars_shown(table) < 2:
        return (f"There is no chart by {what} for {label}: most of the numbers are too small to "
                "show without risk of identifying children.")
    top = table.loc[table["now"].idxmax()]
    total = table.attrs["total"]
    share = f" ({100 * top['now'] / total:.0f}%)" if total else ""
    reading = (f"The largest group by {what} is “{top['category']}”: "
               f"{round_half_up(top['now']):,} {counted}{share}.")
    change = (table["now"] - table["year_ago"])[~table["category"].isin(still_open)].dropna()
    if len(change) and change.abs().max() > 0:
        biggest = table.loc[change.abs().idxmax()]
        difference = round_half_up(biggest["now"] - biggest["year_ago"])
        reading += (f" The biggest change since {YEAR_EARLIER} is in “{biggest['category']}”: "
                    f"{abs(difference):,} {'more' if difference > 0 else 'fewer'}.")
    if still_open:
        one = len(still_open) == 1
        reading += (f" {_quoted(still_open)} {'holds' if one else 'hold'} recent {counted} not "
                    f"yet finished, so {'it is' if one else 'they are'} not compared with "
                    f"{YEAR_EARLIER}.")
    return reading


def _quoted(names: tuple[str, ...]) -> str:
    quoted = [f"“{n}”" for n in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def shown(values: pd.Series, signed: bool = False) -> pd.Series:
    """Whole numbers for a table, with hidden ones as the suppression symbol."""
    def one(v):
        if pd.isna(v):
            return SUPPRESSED
        return f"{round_half_up(v):+,}" if signed else f"{round_half_up(v):,}"
    return pd.Series([one(v) for v in values], index=getattr(values, "index", None))

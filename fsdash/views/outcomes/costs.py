"""The cost avoided, as a range from the estimates' intervals and the unit costs' ranges."""

from __future__ import annotations

import pandas as pd

from fsdash import charts
from fsdash.config import Council
from fsdash.formatting import round_half_up
from fsdash.metrics.outcomes import MODEL
from fsdash.views.care import ChartBlock
from fsdash.views.outcomes.common import (
    ADULT_MEASURES,
    Window,
)


def cost_block(council: Council, results: dict, followed: pd.DataFrame,
                child_results: pd.DataFrame, window: Window, label: str) -> ChartBlock:
    rows = []
    for kind, result in results.items():
        cost = council.unit_costs.get(kind)
        if result is None or result.effect is None or cost is None:
            continue
        scale = result.events_after
        fewest = max(scale * (1 / result.effect.high - 1), 0.0)
        most = max(scale * (1 / result.effect.low - 1), 0.0)
        rows.append((cost, fewest, most, ADULT_MEASURES[kind][1]))
    care = child_results.loc["care_12"]
    cost = council.unit_costs.get("year_in_care")
    if cost is not None and care["difference"] is not None:
        children = care[f"{MODEL}_n"]
        fewest = max(-care["difference"].high / 100 * children, 0.0)
        most = max(-care["difference"].low / 100 * children, 0.0)
        rows.append((cost, fewest, most, "children kept out of care for a year"))
    stem = "cost-avoided"
    if not rows:
        return ChartBlock("Cost avoided", f"There is no estimate of the model's effect in "
                          f"{label} to cost.", None, pd.DataFrame(), stem)
    frame = pd.DataFrame({
        "label": [what.capitalize() for *_, what in rows],
        "low": [fewest * c.low for c, fewest, _, _ in rows],
        "high": [most * c.high for c, _, most, _ in rows]})
    frame["text"] = [f"{money(lo)} to {money(hi)}" for lo, hi in zip(frame["low"], frame["high"])]
    table = pd.DataFrame({
        "Avoided": frame["label"],
        "How many (range)": [f"{round_half_up(lo):,} to {round_half_up(hi):,}"
                             for _, lo, hi, _ in rows],
        "Unit cost (range)": [f"£{c.low:,.0f} to £{c.high:,.0f} for {c.label}" for c, *_ in rows],
        "Cost avoided (range)": frame["text"],
        "Source of the unit cost": [c.source for c, *_ in rows]})
    reading = (f"If the comparison is right, the model avoided between {money(frame['low'].sum())} "
               f"and {money(frame['high'].sum())} of these costs in the year after the work began, "
               f"for families in {label} whose work began {window.during}. Each range "
               "combines the uncertainty of the estimate with the range of unit costs; a range "
               "starting at £0 means the model may have avoided none. The care range rests on "
               "a comparison of different years (see below), so treat it with most caution. "
               "These are not savings in any budget.")
    return ChartBlock("Cost avoided", reading,
                      charts.range_bars(frame, "Cost avoided in the year after the work began "
                                        "(range)", "Pounds"), table, stem)


def money(pounds: float) -> str:
    """Pounds to two significant figures, so a range never looks more precise than it is:
    '£2.0 million', '£440,000', '£0'."""
    if pounds < 1:
        return "£0"
    rounded = float(f"{pounds:.2g}")
    if rounded >= 1e7:
        return f"£{rounded / 1e6:.0f} million"
    return f"£{rounded / 1e6:.1f} million" if rounded >= 1e6 else f"£{rounded:,.0f}"

"""The measure registry: each measure's name, title, definition and SQL."""

from __future__ import annotations

from dataclasses import dataclass, replace

from fsdash.metrics.cells import Cells


@dataclass(frozen=True)
class Measure:
    """One named measure: what it is called, how it is defined, and the SQL that counts it
    (for a measure that adds up from a grid's ``cells``, made from them)."""

    name: str
    title: str
    definition: str
    unit: str                 # "children", "per 10,000", "%", "per FTE", "referrals", ...
    better: str               # "down", "up" or "neither": which direction of change is good
    sql: str = ""
    params: tuple = ()        # extra fixed parameters, as (name, value) pairs
    is_count: bool = True     # a count of people (subject to small-number suppression)
    reference: tuple[str, float] | None = None   # a published result to set it beside: (who, value)
    cells: Cells | None = None


MEASURES: dict[str, Measure] = {}


def register(**kwargs) -> Measure:
    """Define a measure and add it to ``MEASURES``."""
    measure = Measure(**kwargs)
    if measure.cells:
        measure = replace(measure, sql=measure.cells.from_records())
    if measure.name in MEASURES:
        raise ValueError(f"measure {measure.name} is defined twice")
    MEASURES[measure.name] = measure
    return measure


@dataclass(frozen=True)
class Breakdown:
    """A count split into categories: one row per date and category (``category``, ``value``)."""

    name: str
    title: str
    definition: str
    sql: str
    order: tuple[str, ...] = ()   # categories in the order to show them; empty: by value


BREAKDOWNS: dict[str, Breakdown] = {}


def register_breakdown(**kwargs) -> Breakdown:
    """Define a breakdown and add it to ``BREAKDOWNS``."""
    breakdown = Breakdown(**kwargs)
    BREAKDOWNS[breakdown.name] = breakdown
    return breakdown

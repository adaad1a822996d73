"""What every page shares: the store connection, the sidebar filters kept in the URL, and
cached calls into ``fsdash.metrics``. Cached results are keyed by the store file's identity
and the filters, so a new load is picked up and one view never serves another's figures."""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass

import streamlit as st

from fsdash import charts, metrics, store, views
from fsdash.config import Council, load_council
from fsdash.formatting import long_date

WHOLE_COUNCIL = "all"


@dataclass(frozen=True)
class Filters:
    """The view a page shows: a count date and an area (the whole council, a locality or a district)."""

    as_at: dt.date
    area: str
    area_label: str
    districts: tuple[str, ...]


def store_key() -> tuple[str, int, int]:
    """Identifies the store file's current version (a new load swaps in a new file)."""
    path = store.db_path()
    status = os.stat(path)
    return str(path), status.st_ino, status.st_mtime_ns


class _Connection:
    """The process's one read-only connection, reopened when a load swaps in a new store file."""

    def __init__(self):
        self.key = None
        self.con = None
        self.lock = threading.Lock()

    def cursor(self, key):
        with self.lock:
            if key != self.key:
                if self.con is not None:
                    self.con.close()
                self.con, self.key = store.connect_readonly(key[0]), key
            return self.con.cursor()


@st.cache_resource
def _shared_connection() -> _Connection:
    return _Connection()


def cursor():
    """A cursor on the shared read-only connection to the current store."""
    return _shared_connection().cursor(store_key())


@st.cache_data(max_entries=4)
def available_month_ends(key) -> list[dt.date]:
    last, first = metrics.latest_month_end(cursor()), first_reliable_date(key)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    return metrics.month_ends(last, months)


def area_options(council: Council) -> dict[str, str]:
    """Area codes and their labels: the whole council, then localities, then districts."""
    options = {WHOLE_COUNCIL: f"All of {council.short_name}"}
    options |= {code: f"{name} (locality)" for code, name in council.localities.items()}
    options |= {d.code: d.name for d in sorted(council.districts, key=lambda d: d.name)}
    return options


def districts_in(council: Council, area: str) -> tuple[str, ...]:
    """The districts an area covers; empty for the whole council."""
    if area in council.localities:
        return tuple(sorted(d.code for d in council.districts if d.locality == area))
    if area == WHOLE_COUNCIL:
        return ()
    return (area,)


def sidebar_filters() -> Filters:
    """Draw the period and area filters, starting from (and writing back to) the URL."""
    council = load_council()
    months = available_month_ends(store_key())
    month_labels = {m.strftime("%Y-%m"): m for m in reversed(months)}
    areas = area_options(council)
    wanted_month = st.query_params.get("as_at")
    wanted_area = st.query_params.get("area", WHOLE_COUNCIL)
    with st.sidebar:
        st.header("Filters")
        month = st.selectbox(
            "Figures at the end of", list(month_labels),
            index=list(month_labels).index(wanted_month) if wanted_month in month_labels else 0,
            format_func=lambda key: f"{month_labels[key]:%B %Y}", key="as_at")
        area = st.selectbox(
            "Area", list(areas), index=list(areas).index(wanted_area) if wanted_area in areas else 0,
            format_func=areas.get, key="area")
        st.caption("The address of this page keeps these choices, so a copied link shows the same view.")
    st.query_params.update({"as_at": month, "area": area})
    return Filters(as_at=month_labels[month], area=area, area_label=areas[area].removesuffix(" (locality)"),
                   districts=districts_in(council, area))


@st.cache_data(max_entries=4)
def first_reliable_date(key) -> dt.date:
    return metrics.first_reliable_date(cursor())


@st.cache_data(max_entries=64)
def headline_cards(key, as_at: dt.date, districts: tuple[str, ...]) -> list[views.Card]:
    """The Overview's cards (cached per store version, date and area)."""
    return views.headline_cards(cursor(), load_council(), as_at, districts)


@st.cache_data(max_entries=64)
def under12_target(key, filters: Filters) -> views.TargetView | None:
    """Under-12s against the target (cached per store version and view)."""
    return views.under12_target(cursor(), load_council(), filters.as_at, filters.area_label,
                                filters.districts)


@st.cache_resource(max_entries=64)
def under12_target_chart(key, filters: Filters):
    """The target chart, built once per view and shared (figures are not changed after)."""
    target = under12_target(key, filters)
    return charts.target_chart(target.path, "Children aged under 12 looked after, month ends")


def as_at_caption(council: Council, filters: Filters) -> str:
    return (f"{council.name} · {filters.area_label} · figures at the end of "
            f"{long_date(filters.as_at)}")

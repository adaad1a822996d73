"""What every page shares: the store connection, the sidebar filters kept in the URL, and
cached calls into ``fsdash.metrics``. Cached results are keyed by the store file's identity
and the filters, so a new load is picked up and one view never serves another's figures."""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass

import streamlit as st

from fsdash import metrics, store
from fsdash.config import Council, load_council
from fsdash.formatting import long_date
from fsdash.views import care, overview

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


def url_selectbox(label: str, options: dict[str, str], param: str) -> str:
    """A sidebar select box whose choice starts from, and is written back to, the URL."""
    keys = list(options)
    wanted = st.query_params.get(param)
    choice = st.sidebar.selectbox(label, keys, index=keys.index(wanted) if wanted in options else 0,
                                  format_func=options.get, key=param)
    st.query_params[param] = choice
    return choice


def sidebar_filters() -> Filters:
    """Draw the period and area filters, starting from (and writing back to) the URL."""
    council = load_council()
    months = {m.strftime("%Y-%m"): m for m in reversed(available_month_ends(store_key()))}
    areas = area_options(council)
    st.sidebar.header("Filters")
    month = url_selectbox("Figures at the end of",
                          {k: f"{m:%B %Y}" for k, m in months.items()}, "as_at")
    area = url_selectbox("Area", areas, "area")
    st.sidebar.caption("The address of this page keeps these choices, so a copied link shows "
                       "the same view.")
    label = council.short_name if area == WHOLE_COUNCIL else areas[area].removesuffix(" (locality)")
    return Filters(as_at=months[month], area=area, area_label=label,
                   districts=districts_in(council, area))


def chart_block(block) -> None:
    """Draw a chart with its reading, its table and a CSV download."""
    st.subheader(block.title)
    st.write(block.reading)
    st.plotly_chart(block.figure, config={"displaylogo": False}, key=f"chart-{block.file_stem}")
    with st.expander(f"Table: {block.title.lower()}"):
        st.dataframe(block.table, hide_index=True)
    st.download_button("Download this data (CSV)", lambda: block.table.to_csv(index=False),
                       file_name=f"{block.file_stem}.csv", mime="text/csv",
                       key=f"download-{block.file_stem}")


@st.cache_data(max_entries=4)
def first_reliable_date(key) -> dt.date:
    return metrics.first_reliable_date(cursor())


@st.cache_data(max_entries=64)
def headline_cards(key, as_at: dt.date, districts: tuple[str, ...]) -> list[overview.Card]:
    """The Overview's cards (cached per store version, date and area)."""
    return overview.headline_cards(cursor(), load_council(), as_at, districts)


@st.cache_resource(max_entries=64)
def target_section(key, filters: Filters) -> dict:
    """Under-12s against the target (built once per store version and view, then shared)."""
    return care.target_section(cursor(), load_council(), filters.as_at, filters.area_label,
                               filters.districts)


@st.cache_resource(max_entries=64)
def care_view(key, filters: Filters, age_key: str, period_key: str) -> care.CareView:
    """The Children in care page (built once per store version and view, then shared)."""
    return care.care_view(cursor(), load_council(), filters.as_at, filters.area_label,
                          filters.districts, age_key, period_key)


def as_at_caption(council: Council, filters: Filters) -> str:
    """The line under a page's title: council, area and the count date."""
    return (f"{council.name} · {filters.area_label} · figures at "
            f"{long_date(filters.as_at)}")

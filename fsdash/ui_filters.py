"""The filters at the top of a page: kept in the page address (so a copied link reproduces the
view) and carried from page to page; a value in the address that is not a choice gets a note."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from fsdash.config import WHOLE_COUNCIL, Council, load_council
from fsdash.escaping import plain
from fsdash.metrics import sources
from fsdash.ui_store import available_month_ends, districts_known, store_key


@dataclass(frozen=True)
class Filters:
    """The view a page shows: a count date and an area (the whole council, a locality or a district)."""

    as_at: dt.date
    area: str
    area_label: str


def area_options(council: Council) -> dict[str, str]:
    """Area codes and their labels: the whole council, then localities, then districts."""
    options = {WHOLE_COUNCIL: f"All of {council.short_name}"}
    options |= {code: f"{name} (locality)" for code, name in council.localities.items()}
    options |= {d.code: d.name for d in sorted(council.districts, key=lambda d: d.name)}
    return options


ASKED_LONGEST = 60   # characters of a value from the page address a warning repeats


def _asked(wanted: str) -> str:
    """A value from the page address as a warning repeats it: as plain text (never a link, an
    image or HTML), cut short."""
    return plain(wanted, ASKED_LONGEST)


def url_select(column, label: str, options: dict[str, str], param: str) -> str:
    """A select box that starts from the URL, or else from the choice made on another page, and
    writes its choice back to both. A value in the URL that is not a choice gets a visible note."""
    keys = list(options)
    remembered = f"filter:{param}"
    wanted = st.query_params.get(param)
    if wanted is not None and wanted not in options:
        fallback = st.session_state.get(remembered, keys[0])
        st.warning(f"The page address asked for {label.lower()} “{_asked(wanted)}”, which is "
                   f"not one of the choices, so the page shows "
                   f"{options.get(fallback, options[keys[0]])} instead.")
        wanted = None
    start = wanted or st.session_state.get(remembered)
    choice = column.selectbox(label, keys, index=keys.index(start) if start in options else 0,
                              format_func=options.get, key=param)
    st.query_params[param] = st.session_state[remembered] = choice
    return choice


def url_slider(column, label: str, low: int, high: int, step: int, param: str,
               default: int = 0, help: str | None = None) -> int:
    """A whole-number slider that starts from the page address and writes its value back, so a
    copied link reproduces it; a value in the address out of range or not a number gets a
    visible note and the default."""
    wanted = st.query_params.get(param)
    value = default
    if wanted is not None:
        try:
            value = int(wanted)
            if not low <= value <= high:
                raise ValueError
        except ValueError:
            st.warning(f"The page address asked for {label.lower()} “{_asked(wanted)}”, which is "
                       f"not a whole number from {low} to {high}, so the page uses {default}.")
            value = default
    choice = column.slider(label, low, high, value, step, key=f"slider-{param}", help=help)
    if choice == default:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = str(choice)
    return choice


def filter_columns(count: int):
    """A row of labelled filters at the top of the page (on a phone they stack), not hidden
    in the sidebar behind an unlabelled button."""
    return st.columns(count, vertical_alignment="bottom")


def page_filters(columns, areas: dict[str, str] | None = None) -> Filters:
    """The month and area filters, in the first two of ``columns`` (``areas``: the choice of
    areas where a page offers fewer than all)."""
    council = load_council()
    months = {m.strftime("%Y-%m"): m for m in reversed(available_month_ends(store_key()))}
    month = url_select(columns[0], "Figures at the end of",
                       {k: f"{m:%B %Y}" for k, m in months.items()}, "as_at")
    areas = areas or area_options(council)
    if not districts_known(store_key()):
        areas = {WHOLE_COUNCIL: areas[WHOLE_COUNCIL]}
        st.caption(sources.needs("Figures for each locality and district",
                                 sources.DISTRICT_SOURCES, plural=True))
    area = url_select(columns[1], "Area", areas, "area")
    return Filters(as_at=months[month], area=area, area_label=council.area_label(area))

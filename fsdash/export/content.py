"""What a board pack says, before it is a PDF or slides: its pages, each a title with
paragraphs, tables and charts, built from the same views the pages draw (so every number is the
one the dashboard shows, hidden where the reader's role hides it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from fsdash import metrics
from fsdash.access import SUPPRESSED, Figures, Published, Scope
from fsdash.access.roles import ROLE_NAMES
from fsdash.config import Council
from fsdash.export import comparison
from fsdash.formatting import figure, long_date, with_article
from fsdash.metrics import sources
from fsdash.views import care, front_door, glance, outcomes, overview, team
from fsdash.views.care import ChartBlock

SECTIONS = {"compare": comparison.TITLE, "overview": "Overview", "care": "Children in care",
            "caseloads": "Caseloads", "outcomes": "Outcomes for families", "front_door": "Front door",
            "glance": "Every indicator by area"}
TOP_SIGNALS = 6
TOP_REDS = 6


@dataclass
class Page:
    """One page of the pack (one slide): a title, then paragraphs, tables and charts in order."""

    title: str
    parts: list = field(default_factory=list)   # str, pd.DataFrame, ChartBlock or RatingGrid


@dataclass
class RatingGrid:
    """The heat map as a table: a row of text for each area, each cell its figure, change and
    rating mark, filled by its rating (``ratings``: "Red", "Amber", "Green" or "")."""

    columns: list[str]
    rows: list[list[str]]          # the area's name, then a cell for each column
    ratings: list[list[str]]       # a rating for each cell after the area's name


@dataclass
class Pack:
    title: str
    subtitle: str
    as_at: dt.date
    pages: list[Page]
    footer: str


def cursors(con: duckdb.DuckDBPyConnection):
    """A function giving new cursors that read the database ``con`` reads: a cursor on the
    app's connection reads the store it attached, but a new cursor of that connection starts
    in its empty in-memory database."""
    database = con.execute("SELECT current_database()").fetchone()[0]

    def cursor() -> duckdb.DuckDBPyConnection:
        new = con.cursor()
        new.execute(f'USE "{database}"')
        return new
    return cursor


def build_pack(con: duckdb.DuckDBPyConnection, council: Council, scope: Scope, as_at: dt.date,
               area: str, sections=tuple(SECTIONS), progress=lambda step, total, what: None,
               published: Published | None = None) -> Pack:
    """The pack for a date, an area and a reader's scope, with the chosen sections (from
    ``published``, the store's published figures, where the caller holds them: deciding them
    anew takes a while)."""
    figures = Figures(published or Published(cursors(con), council), scope.suppress)
    label = council.area_label(area)
    found = {}

    def headlines_and_changes() -> list[Page]:
        found["figures"] = overview.headline_figures(con, figures, council, as_at, area)
        found["heat"] = glance.heat_block(con, figures, council, as_at)[0]
        signals = glance.chosen_signals(glance.scan(con, figures, council, as_at), council,
                                        area, "all", "all")
        return [_attention(found["figures"], signals, red_list(found["heat"], council, area),
                           as_at, label),
                _headlines(found["figures"])]

    steps = [("what changed and the headline figures", headlines_and_changes)]
    builders = {"compare": lambda: [Page(comparison.TITLE,
                                         comparison.page_parts(con, council, label, as_at))],
                "overview": lambda: _overview(con, figures, council, as_at, area),
                "care": lambda: _care(con, figures, council, as_at, area),
                "caseloads": lambda: _caseloads(con, council, scope, as_at),
                "outcomes": lambda: _outcomes(con, council, scope, area),
                "front_door": lambda: _front_door(con, figures, council, as_at, area),
                "glance": lambda: [_heat_page(found["heat"])]}
    steps += [(SECTIONS[s], _unless_waiting(con, s, builders[s])) for s in sections]
    steps.append(("definitions and sources", lambda: _definitions(con)))
    pages = []
    for done, (what, build) in enumerate(steps):
        progress(done, len(steps), what)
        pages += build()
    progress(len(steps), len(steps), "done")
    hidden = (f"Numbers from 1 to {council.max_suppressed} are shown as “{SUPPRESSED}”, with "
              "others where needed, so that no family can be identified." if scope.suppress
              else "Small numbers are shown in full: do not share beyond "
              f"{ROLE_NAMES[scope.role].lower()}s.")
    return Pack(title=f"Family Safeguarding board pack: {label}",
                subtitle=f"{council.name} · figures at {long_date(as_at)} · prepared for "
                         f"{with_article(ROLE_NAMES[scope.role].lower())}",
                as_at=as_at, pages=pages,
                footer=" · ".join([*dict.fromkeys([council.short_name, label]),
                                   long_date(as_at), hidden]))


SECTION_NEEDS = {"overview": care.NEEDS, "care": care.NEEDS, "caseloads": team.NEEDS,
                 "outcomes": outcomes.NEEDS, "front_door": front_door.NEEDS}


def waiting_notes(con, found: dict[str, dict], sections) -> list[str]:
    """What the pack's headline figures and chosen sections wait for, where the store lacks
    their sources: a sentence for each."""
    waits = {name: tuple(f["waits_for"]) for name, f in found.items() if f["waits_for"]}
    notes = sources.waiting_sentences(waits, {name: f["title"] for name, f in found.items()})
    for section in sections:
        unloaded = sources.lacking(con, SECTION_NEEDS.get(section, ()))
        if unloaded:
            notes.append(sources.needs(f"The section “{SECTIONS[section]}”", unloaded))
    return notes


def _unless_waiting(con, section: str, build):
    """A section's builder, or where the store lacks a source the section rests on, a page
    saying what it waits for."""
    unloaded = sources.lacking(con, SECTION_NEEDS.get(section, ()))
    if not unloaded:
        return build
    return lambda: [Page(SECTIONS[section], [sources.needs("This section", unloaded)])]


def red_list(heat: ChartBlock, council: Council, area: str) -> pd.DataFrame:
    """The heat map's rows rated red (as At a glance shows them) for the area and every
    locality and district within it."""
    districts = set(council.areas()[area])
    within = {council.area_label(a) for a, parts in council.areas().items()
              if set(parts) <= districts}
    table = heat.table
    if not len(table):
        return table
    return table[table["Rating"].str.endswith("Red") & table["Area"].isin(within)]


def _attention(found: dict[str, dict], signals: list, reds: pd.DataFrame, as_at: dt.date,
               label: str) -> Page:
    """What changed and what needs attention: the month's most unusual changes and red ratings."""
    cards = [overview.Card(name, f["title"], SUPPRESSED if f["suppressed"] else
                           overview.NO_FIGURE if f["value"] is None else
                           figure(f["value"], f["unit"]), None, "off", f["definition"], (),
                           None, f["value"], f["year_ago"], tuple(f["waits_for"] or ()))
             for name, f in found.items()]
    page = Page("What changed, and what needs attention",
                [overview.summary_line(cards, as_at, label)])
    changed = (f"{len(signals)} measure{'s' if len(signals) != 1 else ''} changed"
               if signals else "No measure changed")
    page.parts.append(f"{changed} beyond the usual ups and downs this month"
                      + (":" if signals else "."))
    page.parts += [f"• {s.sentence()}" for s in signals[:TOP_SIGNALS]]
    if len(reds):
        more = len(reds) - TOP_REDS
        page.parts.append("Rated red against the council's thresholds: " + "; ".join(
            f"{row.Measure.lower()} in {row.Area} ({row.Value})"
            for row in reds.head(TOP_REDS).itertuples())
            + (f"; and {more} more (see “{SECTIONS['glance']}”)." if more > 0 else "."))
    else:
        page.parts.append(f"Nothing in {label} is rated red against the council's thresholds.")
    return page


def headline_table(found: dict[str, dict]) -> pd.DataFrame:
    """The headline figures as shown: now, a month earlier and a year earlier."""
    def shown(fig: dict, key: str) -> str:
        if key == "value" and fig["suppressed"]:
            return SUPPRESSED
        if key == "value" and fig["waits_for"]:
            return overview.NOT_LOADED
        return "" if fig[key] is None else figure(fig[key], fig["unit"])

    return pd.DataFrame({
        "Measure": [f["title"] for f in found.values()],
        "Now": [shown(f, "value") for f in found.values()],
        "A month earlier": [shown(f, "month_ago") for f in found.values()],
        "A year earlier": [shown(f, "year_ago") for f in found.values()]})


def _headlines(found: dict[str, dict]) -> Page:
    waits = {name: tuple(f["waits_for"]) for name, f in found.items() if f["waits_for"]}
    return Page("The headline figures", [
        "Each figure as the dashboard shows it, beside the same figure a month and a year "
        "earlier. Adults' figures are a before-and-after change with no comparison group "
        "(see Outcomes for families).", headline_table(found),
        *sources.waiting_sentences(waits, {name: f["title"] for name, f in found.items()})])


def _overview(con, figures: Figures, council: Council, as_at: dt.date, area: str) -> list[Page]:
    target = care.target_section(con, figures, council, as_at, area)
    return [_block_page(target["target"], list(target["target_notes"]))]


def _care(con, figures: Figures, council: Council, as_at: dt.date, area: str) -> list[Page]:
    view = care.care_view(con, figures, council, as_at, area)
    return [_block_page(b) for b in (view.trend, view.rate, view.flows)]


def _caseloads(con, council: Council, scope: Scope, as_at: dt.date) -> list[Page]:
    if scope.all_teams:
        return [_block_page(team.all_teams_view(con, council, scope, as_at).ranked)]
    pages = []
    for code in scope.teams:
        view = team.team_view(con, council, scope, code, as_at)
        pages.append(Page(view.title, [view.reading, view.workers]))
    return pages      # none for a role that sees no team's caseloads


def _outcomes(con, council: Council, scope: Scope, area: str) -> list[Page]:
    view = outcomes.outcomes_view(con, council, scope.suppress, "all", area)
    pages = [_block_page(b) for b in (*view.adults, view.children)]
    first = pages[0]     # the summary leads the first chart's page, not a page of its own
    pages[0] = Page(f"Outcomes for families: {first.title[:1].lower()}{first.title[1:]}",
                    [view.summary, *first.parts])
    return pages + [Page("What the outcomes can and cannot show", list(view.caveats))]


def _front_door(con, figures: Figures, council: Council, as_at: dt.date,
                area: str) -> list[Page]:
    view = front_door.front_door_view(con, figures, council, as_at, area)
    return [_block_page(b) for b in (view.referrals, view.journey, view.rereferrals)]


def _heat_page(heat: ChartBlock) -> Page:
    """The heat map as a rating grid (text in rows, so each area's figures sit in its own row
    however many areas the council has), or the reading alone where nothing is shown."""
    if not len(heat.table):
        return Page(heat.title, [heat.reading])
    return Page(heat.title, [heat.reading, "In each cell: the figure, its change on a year "
                             "earlier in brackets, and a mark for its rating: ▲ red, ◆ amber, "
                             "● green; no mark where the measure has no thresholds.",
                             rating_grid(heat.table)])


MARKS = {"Red": "▲", "Amber": "◆", "Green": "●"}


def rating_grid(table: pd.DataFrame) -> RatingGrid:
    """At a glance's heat map table (a row for each area and measure) as a grid: areas down,
    measures across, in the order the table gives them."""
    titles = {metrics.MEASURES[name].title: label
              for name, label in glance.HEAT_LABELS.items()}
    measures = list(dict.fromkeys(table["Measure"]))
    areas = list(dict.fromkeys(table["Area"]))
    cells = table.set_index(["Area", "Measure"])
    rows, ratings = [], []
    for area in areas:
        found = [cells.loc[(area, m)] for m in measures]
        rating = [next((w for w in MARKS if c["Rating"].endswith(w)), "") for c in found]
        rows.append([area, *(heat_cell(c["Value"], c["Change on a year earlier"], r)
                             for c, r in zip(found, rating))])
        ratings.append(rating)
    return RatingGrid(["Area", *(titles.get(m, m).replace("<br>", " ") for m in measures)],
                      rows, ratings)


def heat_cell(value: str, change: str, rating: str) -> str:
    """'▲ 97.8 (+3.0)': the rating's mark, the figure and its change on a year earlier."""
    return " ".join(part for part in (MARKS.get(rating, ""), value,
                                      f"({change})" if change else "") if part)


def _block_page(block: ChartBlock, notes: list[str] = ()) -> Page:
    """A chart with its reading (or, where there is no chart, the reading and its table)."""
    parts = [block.reading, *notes]
    if block.figure is not None or len(block.table):
        parts.append(block if block.figure is not None else block.table)
    return Page(block.title, parts)


def _definitions(con) -> list[Page]:
    loaded = con.execute("SELECT max(loaded_at) FROM load_audit").fetchone()[0]
    loaded = long_date(loaded.date()) if loaded else "an unknown date"
    definitions = [f"{metrics.MEASURES[n].title}: {metrics.MEASURES[n].definition}"
                   for n in metrics.HEADLINE]
    sources = [
        f"Data: the council's records as loaded on {loaded} "
        "(children in need census, SSDA903 children looked after return, local case records, "
        "police and hospital data shares).",
        "England's, the region's and the statistical neighbours' figures: the DfE's published "
        "statistics (Explore Education Statistics, Open Government Licence v3.0), as loaded.",
        "Hertfordshire's results: Forrester et al. (2017), the DfE Innovation Programme "
        "evaluation of Family Safeguarding.",
        "Every other figure is the dashboard's own, computed from the records by fsdash; none is "
        "typed in. Changes flagged as unusual use statistical process control (XmR charts).",
    ]
    # One page, run on: the definitions' last lines once sat alone on a page before "Sources".
    return [Page("Definitions and sources", [*definitions, *sources])]

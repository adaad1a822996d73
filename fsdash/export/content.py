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
from fsdash.formatting import figure, long_date
from fsdash.metrics import sources
from fsdash.views import care, front_door, glance, outcomes, overview, team
from fsdash.views.care import ChartBlock

SECTIONS = {"overview": "Overview", "care": "Children in care", "caseloads": "Caseloads",
            "outcomes": "Outcomes for families", "front_door": "Front door",
            "glance": "Every indicator by area"}
TOP_SIGNALS = 6
TOP_REDS = 6


@dataclass
class Page:
    """One page of the pack (one slide): a title, then paragraphs, tables and charts in order."""

    title: str
    parts: list = field(default_factory=list)   # str, pd.DataFrame or ChartBlock


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
        in_area = {label, *(council.area_label(d) for d in council.areas()[area])}
        return [_attention(found["figures"], signals, found["heat"], as_at, label, in_area),
                _headlines(found["figures"])]

    steps = [("what changed and the headline figures", headlines_and_changes)]
    builders = {"overview": lambda: _overview(con, figures, council, as_at, area),
                "care": lambda: _care(con, figures, council, as_at, area),
                "caseloads": lambda: _caseloads(con, council, scope, as_at),
                "outcomes": lambda: _outcomes(con, council, scope, area),
                "front_door": lambda: _front_door(con, figures, council, as_at, area),
                "glance": lambda: [_block_page(found["heat"])]}
    steps += [(SECTIONS[s], _unless_waiting(con, s, builders[s])) for s in sections]
    steps.append(("definitions and sources", lambda: _definitions(con, council, scope)))
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
                         f"{_with_article(ROLE_NAMES[scope.role].lower())}",
                as_at=as_at, pages=pages,
                footer=f"{council.short_name} · {label} · {long_date(as_at)} · {hidden}")


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


def _attention(found: dict[str, dict], signals: list, heat: ChartBlock, as_at: dt.date,
               label: str, in_area: set[str]) -> Page:
    """What changed and what needs attention: the month's most unusual changes and red ratings."""
    cards = [overview.Card(name, f["title"], SUPPRESSED if f["suppressed"] else
                           overview.NO_FIGURE if f["value"] is None else
                           figure(f["value"], f["unit"]), None, "off", f["definition"], (),
                           None, f["value"], f["year_ago"], tuple(f["waits_for"] or ()))
             for name, f in found.items()]
    page = Page("What changed, and what needs attention",
                [overview.summary_line(cards, as_at, label)])
    page.parts.append(f"{len(signals)} measure{'s' if len(signals) != 1 else ''} changed beyond "
                      "the usual ups and downs this month" + (":" if signals else "."))
    page.parts += [f"• {s.sentence()}" for s in signals[:TOP_SIGNALS]]
    reds = heat.table[heat.table["Rating"].str.endswith("Red") & heat.table["Area"].isin(in_area)]
    if len(reds):
        page.parts.append("Rated red against the council's thresholds: " + "; ".join(
            f"{row.Measure.lower()} in {row.Area} ({row.Value})"
            for row in reds.head(TOP_REDS).itertuples()) + ".")
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
    return pages or [Page("Caseloads", ["Your role sees no team's caseloads."])]


def _outcomes(con, council: Council, scope: Scope, area: str) -> list[Page]:
    view = outcomes.outcomes_view(con, council, scope.suppress, "all", area)
    return ([Page("Outcomes for families", [view.summary])]
            + [_block_page(b) for b in (*view.adults, view.children)]
            + [Page("What the outcomes can and cannot show", list(view.caveats))])


def _front_door(con, figures: Figures, council: Council, as_at: dt.date,
                area: str) -> list[Page]:
    view = front_door.front_door_view(con, figures, council, as_at, area)
    return [_block_page(b) for b in (view.referrals, view.journey, view.rereferrals)]


def _block_page(block: ChartBlock, notes: list[str] = ()) -> Page:
    """A chart with its reading (or, where there is no chart, the reading and its table)."""
    parts = [block.reading, *notes]
    if block.figure is not None or len(block.table):
        parts.append(block if block.figure is not None else block.table)
    return Page(block.title, parts)


def _definitions(con, council: Council, scope: Scope) -> list[Page]:
    loaded = con.execute("SELECT max(loaded_at) FROM load_audit").fetchone()[0]
    loaded = long_date(loaded.date()) if loaded else "an unknown date"
    definitions = [f"{metrics.MEASURES[n].title}: {metrics.MEASURES[n].definition}"
                   for n in metrics.HEADLINE]
    sources = [
        f"Data: the council's records as loaded on {loaded} "
        "(children in need census, SSDA903 children looked after return, local case records, "
        "police and hospital data shares).",
        "England and North West figures: DfE statistical releases, as listed in the council "
        f"configuration ({council.path.name}).",
        "Hertfordshire's results: Forrester et al. (2017), the DfE Innovation Programme "
        "evaluation of Family Safeguarding.",
        "Every figure is the dashboard's own, computed from the records by fsdash; none is typed "
        "in. Changes flagged as unusual use statistical process control (XmR charts).",
    ]
    return [Page("Definitions", definitions), Page("Sources", sources)]


def _with_article(noun: str) -> str:
    """'an analyst', 'a director'."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"

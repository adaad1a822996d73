"""The words the pages say (issue 25): every title, reading, card, note, table heading and axis
title the views write, for a few dates, areas and roles, read for the defects a reader met: a word
said twice, a code name, "a" before a vowel, "per cent" where the rest say "%", "most" and "least"
with the same figure, dates written another way than "31 October 2026" or "October 2026", and
one link name for two places. The views are called directly (no browser), so the test is quick
once the demo store is built."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from fsdash import store
from fsdash.access import Figures, Published
from fsdash.config import WHOLE_COUNCIL, load_council
from fsdash.projection.scenario import Scenario
from fsdash.views import care, data, front_door, glance, outcomes, overview, scenarios
from fsdash.views.blocks import ChartBlock

DATES = (dt.date(2026, 10, 31), dt.date(2023, 3, 31))
SIGNALS_READ = 40          # the most unusual changes' sentences read on each date

REPEATED = re.compile(r"\b([A-Za-z]+)\s+\1\b", re.IGNORECASE)
CODE_NAME = re.compile(r"`|\b[a-z]+(?:_[a-z0-9]+)+\b")
A_BEFORE_VOWEL = re.compile(r"\ba\s+([aeiou]\w*)", re.IGNORECASE)
SOUNDED_AS_CONSONANT = ("one", "uni", "use", "usu", "eu")   # "a usual range", "a one-off"
# 31/10/2026, 2026-10 (a financial year such as 2025-26 is allowed), 01 October 2026, Oct 2026
OTHER_DATES = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-(?:0[1-9]|1[0-2])\b"
                         r"|\b0\d [A-Z][a-z]+ \d{4}\b"
                         r"|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? \d{4}\b")
MOST_LEAST = re.compile(r"\bmost\b[^.]*?\(([^)]*)\)[^.]*?\bleast\b[^.]*?\(([^)]*)\)")


def block_texts(block: ChartBlock | None) -> list[str]:
    """A chart block's words: its title, its reading, its table's column headings and its
    chart's title and axis titles."""
    if block is None:
        return []
    texts = [block.title, block.reading, *map(str, block.table.columns)]
    if block.figure is not None:
        layout = block.figure.layout
        titles = [layout.title.text] + [layout[axis].title.text for axis in layout
                                        if axis.startswith(("xaxis", "yaxis"))]
        texts += [t.replace("<br>", " ") for t in titles if t]
    return texts


def view_texts(view) -> list[str]:
    """Every block's words in a view (a dataclass of blocks, notes and sentences)."""
    texts = []
    for value in vars(view).values():
        if isinstance(value, ChartBlock):
            texts += block_texts(value)
        elif isinstance(value, str):
            texts.append(value)
        elif isinstance(value, tuple):
            for item in value:
                texts += block_texts(item) if isinstance(item, ChartBlock) else (
                    [item] if isinstance(item, str) else [])
    return texts


@pytest.fixture(scope="module")
def read(demo_db) -> tuple[list[str], list[list[tuple[str, tuple]]]]:
    """Every sentence, heading and title the views write, and the links each page shows (each
    link's name and its target)."""
    con = store.connect_readonly(demo_db)
    council = load_council()
    published = Published(con.cursor, council)
    smallest = min(council.districts, key=lambda d: d.name != "Ribble Valley").code
    areas = (WHOLE_COUNCIL, next(iter(council.localities)), smallest)
    texts, links = [], []
    for suppress in (True, False):          # a cabinet member or director; an analyst
        figures = Figures(published, suppress)
        for as_at in DATES:
            signals = glance.scan(con.cursor(), figures, council, as_at)
            texts += [s.sentence() for s in signals[:SIGNALS_READ]]
            texts += block_texts(glance.changed_block(signals, as_at))
            heat, by_area = glance.heat_block(con.cursor(), figures, council, as_at)
            texts += block_texts(heat)
            links.append([(link.label, (link.page, tuple(sorted(link.query.items()))))
                          for row in by_area for link in row])      # one page's links
            for area in areas:
                label = council.area_label(area)
                cards = overview.headline_cards(con.cursor(), figures, council, as_at, area)
                texts += [t for c in cards for t in (c.title, c.value, c.delta,
                                                     c.delta_description) if t]
                texts.append(overview.summary_line(cards, as_at, label))
                texts += overview.waiting_notes(cards)
                for age in ("all", "under1"):
                    texts += view_texts(care.care_view(con.cursor(), figures, council, as_at,
                                                       area, age))
                texts += view_texts(front_door.front_door_view(con.cursor(), figures, council,
                                                               as_at, area))
    plan = scenarios.planning(con.cursor(), council, WHOLE_COUNCIL)
    as_at = plan.history.months[-1]
    fewer = Scenario.build(as_at, {"starts": {"under5": -30, "5to11": -30}})
    for scenario in (Scenario(as_at), fewer):
        texts += view_texts(scenarios.scenarios_view(
            con.cursor(), Figures(published, True), council, plan, as_at, WHOLE_COUNCIL,
            scenario, "24", 5, 3))
    quality = data.quality_block(con.cursor())
    texts += block_texts(quality) + data.waiting(con.cursor())
    texts += view_texts(outcomes.outcomes_view(con.cursor(), council, True, "all", WHOLE_COUNCIL))
    con.close()
    return [t for t in texts if t], links


@pytest.fixture(scope="module")
def sentences(read) -> list[str]:
    return read[0]


def clashing_links(links: list[tuple[str, tuple]]) -> dict[str, set]:
    """Link names given to more than one target (WCAG 2.4.4: a link's name says where it
    goes, so two links that go to different places are named differently)."""
    targets = {}
    for name, target in links:
        targets.setdefault(name, set()).add(target)
    return {name: found for name, found in targets.items() if len(found) > 1}


def _offending(sentences: list[str], found) -> list[str]:
    return sorted({s for s in sentences if found(s)})


def test_enough_is_read(sentences):
    assert len(sentences) > 500


def test_no_word_is_said_twice_in_a_row(sentences):
    assert not _offending(sentences, REPEATED.search)


def test_no_code_names(sentences):
    assert not _offending(sentences, CODE_NAME.search)


def test_an_before_a_vowel(sentences):
    def wrong(text):
        return any(not word.lower().startswith(SOUNDED_AS_CONSONANT)
                   for word in A_BEFORE_VOWEL.findall(text))
    assert not _offending(sentences, wrong)


def test_percentages_are_written_one_way(sentences):
    assert any("%" in s for s in sentences)
    assert not _offending(sentences, lambda s: "per cent" in s.lower())


def test_links_to_different_places_have_different_names(read):
    pages = read[1]
    assert min(len(links) for links in pages) > 20
    assert not [clashing_links(links) for links in pages if clashing_links(links)]


def test_a_link_name_used_for_two_places_is_found():
    assert clashing_links([("Open the page", ("front-door", ("area", "A"))),
                           ("Open the page", ("front-door", ("area", "B"))),
                           ("Preston: front door", ("front-door", ("area", "P")))]) == {
        "Open the page": {("front-door", ("area", "A")), ("front-door", ("area", "B"))}}


def test_most_and_least_differ(sentences):
    def same(text):
        return any(most == least for most, least in MOST_LEAST.findall(text))
    assert not _offending(sentences, same)


def test_dates_are_written_one_way(sentences):
    assert not _offending(sentences, OTHER_DATES.search)


@pytest.mark.parametrize("text, rule", [
    ("The the rate", REPEATED), ("see `headline_cards(...)`", CODE_NAME),
    ("a cla_rate figure", CODE_NAME), ("treated as a analyst", A_BEFORE_VOWEL),
    ("on 2026-10-31", OTHER_DATES), ("in Nov 2026", OTHER_DATES), ("on 31/10/2026", OTHER_DATES),
    ("fell most for North (-53%) and least for Central (-53%)", MOST_LEAST)])
def test_each_rule_finds_its_defect(text, rule):
    assert rule.search(text)


@pytest.mark.parametrize("text, rule", [
    ("in 2025-26", OTHER_DATES), ("a usual range", A_BEFORE_VOWEL), ("31 October 2026", OTHER_DATES),
    ("most likely (5) and least (2)", MOST_LEAST)])
def test_each_rule_passes_good_wording(text, rule):
    found = rule.findall(text)
    if rule is A_BEFORE_VOWEL:
        found = [w for w in found if not w.lower().startswith(SOUNDED_AS_CONSONANT)]
    if rule is MOST_LEAST:
        found = [pair for pair in found if pair[0] == pair[1]]
    assert not found


def test_the_data_page_says_what_a_load_set_aside_without_saying_every_file_passed():
    from types import SimpleNamespace

    report = SimpleNamespace(rows={"episodes.csv": 9_000, "header.csv": 1_234},
                             quarantined={"episodes.csv": 50}, kept=["population.csv"], queries=0)
    checked = data.load_message(report, dry_run=True)
    assert checked == ("Checked only, so nothing was changed: a load would take 10,234 rows from "
                       "2 extracts; 50 rows failed their checks and would be set aside. Kept as "
                       "they were: population.csv.")
    clean = SimpleNamespace(rows={"header.csv": 1}, quarantined={}, kept=[], queries=3)
    assert data.load_message(clean, dry_run=False) == (
        "Loaded 1 row from 1 extract; 3 rows broke a validation rule and were queried (listed "
        "below).")

"""The district brief (issue 28) on the demo store: every figure is the one the Overview and the
pages show a cabinet member for that area, no count is from 1 to 5, each area fits one page of
a PDF whose text reads in order with its title and language set, and the command line and the
Overview's button make it."""

import datetime as dt
import io
import json
import os
import re

import pandas as pd
import pytest
from pypdf import PdfReader

from conftest import ROOT, copy_of_store, new_app
from fsdash import metrics, store
from fsdash.access import SUPPRESSED
from fsdash.changes import Signal
from fsdash.cli import main
from fsdash.config import load_council
from fsdash.export.brief import (
    COUNTS,
    Brief,
    BriefError,
    brief_areas,
    build_brief,
    cabinet_figures,
)
from fsdash.export.brief_pdf import write_briefs
from fsdash.published_statistics import comparators
from fsdash.views import care, glance
from fsdash.views.overview import headline_cards, headline_figures

COUNCIL = load_council()
LATEST = dt.date(2026, 10, 31)          # the demo's last month end (conftest.DEMO_UNTIL)
GO_LIVE = dt.date(2021, 3, 31)          # a month after Family Safeguarding began
SIGNALS = dt.date(2026, 4, 30)          # a month with unusual changes in North and Fylde
BURNLEY, FYLDE, LANCASTER = "E07000117", "E07000119", "E07000121"
DISTRICTS = [d.code for d in COUNCIL.districts]


@pytest.fixture(scope="module")
def cabinet(demo_con):
    return cabinet_figures(demo_con, COUNCIL)


@pytest.fixture(scope="module")
def briefs(demo_con, cabinet) -> dict[tuple[dt.date, str], Brief]:
    """Every area's brief at the demo's last month and a month after the go-live."""
    found = {}
    for as_at in (LATEST, GO_LIVE):
        signals = glance.scan(demo_con, cabinet, COUNCIL, as_at)
        found |= {(as_at, area): build_brief(demo_con, COUNCIL, cabinet, as_at, area, signals)
                  for area in brief_areas(COUNCIL)}
    return found


def _text(brief: Brief) -> str:
    return " ".join([brief.title, brief.subtitle, *(s.heading for s in brief.sections),
                     *(p for s in brief.sections for p in s.paragraphs)])


@pytest.mark.parametrize("as_at", [LATEST, GO_LIVE])
def test_every_figure_equals_the_overviews_for_a_cabinet_member(demo_con, cabinet, briefs,
                                                                as_at):
    county = headline_figures(demo_con, cabinet, COUNCIL, as_at, "all")["cla_rate"]["value"]
    heat = glance.heat_block(demo_con, cabinet, COUNCIL, as_at)[0].table
    england = comparators.latest(demo_con, COUNCIL, "cla_rate", as_at).england
    for area in brief_areas(COUNCIL):
        brief = briefs[(as_at, area)]
        found = headline_figures(demo_con, cabinet, COUNCIL, as_at, area)
        cards = {c.name: c for c in headline_cards(demo_con, cabinet, COUNCIL, as_at, area)}
        expected = {"cla": found["cla"]["value"], "cla_year_ago": found["cla"]["year_ago"],
                    "cla_rate": found["cla_rate"]["value"], "county_cla_rate": county,
                    "england_cla_rate": england,
                    "cla_starts": found["cla_starts"]["value"],
                    "cla_ceases": found["cla_ceases"]["value"],
                    "referrals": found["referrals"]["value"],
                    "cp_plans": found["cp_plans"]["value"],
                    "cp_plans_year_ago": found["cp_plans"]["year_ago"]}
        assert {k: brief.figures[k] for k in expected} == expected, area
        assert (cards["cla"].now, cards["cla"].before) == (brief.figures["cla"],
                                                            brief.figures["cla_year_ago"])
        # The small chart is the Overview card's trend, month by month.
        trend = brief.sections[0].chart
        assert [v if v is not None else "hidden" for _, v in trend] == [
            "hidden" if pd.isna(v) else v for v in cards["cla"].trend], area
        # The referral rate as At a glance's table shows it for the area (one decimal place).
        row = heat[(heat["Measure"] == metrics.MEASURES["referral_rate"].title)
                   & (heat["Area"] == COUNCIL.area_label(area))]
        rate = brief.figures["referral_rate"]
        assert row["Value"].iloc[0] == (SUPPRESSED if rate is None else f"{rate:,.1f}"), area
        # Each figure the brief states is in its words.
        text = _text(brief)
        for name in ("cla", "cla_starts", "cla_ceases", "referrals", "cp_plans"):
            if brief.figures[name] is not None:
                assert f"{brief.figures[name]:,.0f}" in text, (area, name)
        if brief.figures["cla_rate"] is not None:
            assert f"{brief.figures['cla_rate']:.1f} children in care for every 10,000" in text


def test_why_children_left_is_the_children_in_care_pages_table(demo_con, cabinet, briefs):
    for area in (BURNLEY, LANCASTER):
        table = care.care_view(demo_con, cabinet, COUNCIL, LATEST, area).reasons.table
        page = dict(zip(table["Category"], table["Now"]))
        brief = briefs[(LATEST, area)].figures
        assert page == {reason: SUPPRESSED if brief[f"left: {reason}"] is None
                        else f"{brief[f'left: {reason}']:,.0f}" for reason in page}, area
        assert SUPPRESSED in page.values()      # the demo hides some reason in each


def test_no_count_from_1_to_5_anywhere_in_a_brief(briefs):
    checked = 0
    for (as_at, area), brief in briefs.items():
        counts = [brief.figures[k] for k in COUNTS]
        counts += [v for k, v in brief.figures.items() if k.startswith("left: ")]
        counts += [v for section in brief.sections for _, v in section.chart]
        for value in counts:
            assert value is None or value == 0 or value > COUNCIL.max_suppressed, (as_at, area)
            checked += 1
    assert checked > 200


def test_the_months_unusual_changes_are_the_overviews(demo_con, cabinet):
    signals = glance.scan(demo_con, cabinet, COUNCIL, SIGNALS)
    for area in ("NORTH", FYLDE, LANCASTER):
        brief = build_brief(demo_con, COUNCIL, cabinet, SIGNALS, area, signals)
        changed = next(s for s in brief.sections if s.heading == "What changed in April 2026")
        chosen = glance.chosen_signals(signals, COUNCIL, area, "all", "all")
        if chosen:
            assert changed.paragraphs == tuple(f"• {s.sentence()}" for s in chosen[:4])
        else:
            assert changed.paragraphs == ("Nothing changed beyond the usual ups and downs "
                                          "this month.",)
    assert glance.chosen_signals(signals, COUNCIL, FYLDE, "all", "all")


def test_events_that_concern_the_area_are_listed(demo_db, tmp_path):
    db = copy_of_store(demo_db, tmp_path)
    with store.connect(db) as con:
        con.execute("INSERT INTO event (event_id, start_date, title, description, areas, "
                    "intended, origin) VALUES ('hub', DATE '2020-10-05', 'Burnley family hub "
                    "opened', 'A hub for families in the town centre.', ?, false, 'file')",
                    [BURNLEY])
    con = store.connect_readonly(db)
    try:
        cabinet = cabinet_figures(con, COUNCIL)
        signals = glance.scan(con, cabinet, COUNCIL, GO_LIVE)
        listed = {area: build_brief(con, COUNCIL, cabinet, GO_LIVE, area, signals).sections[4]
                  for area in (BURNLEY, "EAST", LANCASTER)}
    finally:
        con.close()
    hub = "• 5 October 2020: Burnley family hub opened. A hub for families in the town centre."
    assert hub in listed[BURNLEY].paragraphs and hub in listed["EAST"].paragraphs
    assert hub not in listed[LANCASTER].paragraphs
    assert ("• 11 February 2021: Family Safeguarding began. (A change the council intended.)"
            in listed[LANCASTER].paragraphs)


def test_only_a_district_or_locality_has_a_brief(demo_con, cabinet):
    for area in ("all", "E99999999"):
        with pytest.raises(BriefError, match="district or locality"):
            build_brief(demo_con, COUNCIL, cabinet, LATEST, area, [])


def test_the_longest_brief_still_fits_one_page(demo_db, tmp_path):
    """Six unusual changes and six events of the longest title and description allowed: the
    text is made smaller (and at the last the chart left out, its words kept) until it fits."""
    db = copy_of_store(demo_db, tmp_path)
    with store.connect(db) as con:
        con.executemany(
            "INSERT INTO event (event_id, start_date, title, description, areas, intended, "
            "origin) VALUES (?, ?, ?, ?, ?, true, 'file')",
            [(f"long-{n}", dt.date(2026, n, 1), ("A long title " * 7)[:80],
              ("A long description of what happened and why. " * 12)[:500], BURNLEY)
             for n in range(1, 7)])
    signal = Signal("referrals", BURNLEY, "Burnley", LATEST, "shift", "high", "neither",
                    64.0, 40.0, 30.0, 55.0, 9, 3.0)
    con = store.connect_readonly(db)
    try:
        brief = build_brief(con, COUNCIL, cabinet_figures(con, COUNCIL), LATEST, BURNLEY,
                            [signal] * 6)
    finally:
        con.close()
    assert sum(p.startswith("• ") for s in brief.sections for p in s.paragraphs) == 8
    reader = PdfReader(io.BytesIO(write_briefs([brief])))
    assert len(reader.pages) == 1
    assert "too small to show" in reader.pages[0].extract_text()     # the last section's


def test_the_pdf_has_a_page_an_area_its_text_in_reading_order_a_title_and_language(
        demo_con, briefs):
    chosen = [briefs[(LATEST, area)] for area in brief_areas(COUNCIL)]
    reader = PdfReader(io.BytesIO(write_briefs(chosen, "Every area")))
    assert len(reader.pages) == len(chosen) == len(COUNCIL.districts) + len(COUNCIL.localities)
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.metadata.title == "Every area"
    assert [o.title for o in reader.outline] == [b.label for b in chosen]
    for page, brief in zip(reader.pages, chosen):
        text = " ".join(page.extract_text().split())
        place = 0
        for part in [brief.title, brief.subtitle,
                     *(x for s in brief.sections for x in (s.heading, *s.paragraphs))]:
            start = " ".join(part.split()[:6])      # a line's first words (lines wrap after)
            found = text.find(start, place)
            assert found >= place, (brief.label, start)
            place = found + len(start)


def test_the_pdf_is_tagged_headings_paragraphs_and_the_chart_in_reading_order(briefs):
    brief = briefs[(LATEST, BURNLEY)]
    root = PdfReader(io.BytesIO(write_briefs([brief]))).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    top = root["/StructTreeRoot"]["/K"]
    document = (top[0] if isinstance(top, list) else top).get_object()
    assert document["/S"] == "/Document"
    tagged = [(kid.get_object()["/S"], kid.get_object().get("/Alt"))
              for kid in document["/K"]]
    expected = [("/H1", None), ("/P", None)]
    for section in brief.sections:
        expected += [("/H2", None), *(("/P", None) for _ in section.paragraphs)]
        if section.chart:
            expected.append(("/Figure", f"Line chart of {section.heading.lower()} from "))
    assert [kind for kind, _ in tagged] == [kind for kind, _ in expected]
    for (_, alt), (_, wanted) in zip(tagged, expected):
        assert (alt is None) == (wanted is None) and (not alt or alt.startswith(wanted)), alt


def test_the_command_writes_a_brief_and_every_area_with_all(demo_db, tmp_path, capsys):
    one, every = tmp_path / "burnley.pdf", tmp_path / "all.pdf"
    assert main(["brief", "--area", BURNLEY, "--as-at", "2026-10-31", "--db", str(demo_db),
                 "--out", str(one)]) == 0
    reader = PdfReader(one)
    assert len(reader.pages) == 1 and reader.metadata.title == "Burnley: children's social care"
    assert "Burnley: children's social care" in reader.pages[0].extract_text()
    assert main(["brief", "--all", "--db", str(demo_db), "--out", str(every)]) == 0
    pages = PdfReader(every).pages
    assert len(pages) == len(brief_areas(COUNCIL))
    assert [p.extract_text().split(":")[0] for p in pages] == [
        COUNCIL.area_label(a) for a in brief_areas(COUNCIL)]
    logged = [json.loads(line) for line in
              open(os.environ["FSDASH_AUDIT_LOG"], encoding="utf-8")]
    assert [(e["page"], e["role"]) for e in logged[-2:]] == [
        ("fsdash brief (command line)", "cabinet")] * 2
    assert main(["brief", "--area", "all", "--db", str(demo_db)]) == 1
    assert "A brief is for a district or locality" in capsys.readouterr().err


def test_the_file_the_overview_button_makes(demo_db, monkeypatch):
    """What the button's callable returns, made outside any page run (as Streamlit makes it):
    a cabinet member's brief, whatever the role of the user who pressed it."""
    from fsdash import ui_store, ui_views

    monkeypatch.setenv("FSDASH_DB", str(demo_db))
    data = ui_views.brief_file(ui_store.store_key(), LATEST, "EAST")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1 and reader.metadata.title == "East: children's social care"


@pytest.mark.parametrize("area, shown", [(BURNLEY, "Print a brief for this district"),
                                         ("EAST", "Print a brief for this locality"),
                                         ("all", None)])
def test_the_overview_offers_a_brief_for_a_district_or_locality(demo_db, monkeypatch, area,
                                                                 shown):
    monkeypatch.setenv("FSDASH_DB", str(demo_db))
    app = new_app()
    app.query_params["area"] = area
    app.run()
    assert not app.exception
    labels = [b.label for b in app.get("download_button")]
    if shown:
        assert shown in labels
    else:
        assert not [label for label in labels if label.startswith("Print a brief")]
        assert any("choose a district or locality" in c.value for c in app.caption)


@pytest.mark.browser
def test_the_overview_button_downloads_the_districts_brief(demo_db, tmp_path):
    """Pressed in Chromium: the brief for Burnley, one page, recorded in the audit log."""
    from streamlit_server import launched_chromium, pressed_download, streamlit_server

    audit = tmp_path / "audit.jsonl"
    with streamlit_server(ROOT / "app.py", demo_db,
                          env={"FSDASH_AUDIT_LOG": str(audit)}) as (_, url), \
            launched_chromium() as browser:
        page = browser.new_page(accept_downloads=True)
        page.goto(f"{url}/?area={BURNLEY}&as_at=2026-10")
        button = page.get_by_role("button", name="Print a brief for this district")
        download = pressed_download(page, button)
        assert download.failure() is None
        reader = PdfReader(download.path())
        assert len(reader.pages) == 1
        assert reader.pages[0].extract_text().startswith("Burnley: children's social care")
    entries = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines()]
    assert any(e["action"] == "download" and e["details"]["file"].startswith("brief-2026-10-")
               for e in entries)


def test_a_hidden_figure_is_said_to_be_too_small_never_printed(briefs):
    for brief in briefs.values():
        text = _text(brief).replace(f"“{SUPPRESSED}”", "")     # the note on small numbers
        assert not re.search(rf"\b{SUPPRESSED}\b", text), brief.label
        assert not re.search(r"\b(nan|None)\b", text), brief.label

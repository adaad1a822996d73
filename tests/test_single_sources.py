"""Stores holding one source alone (the SSDA903 returns, the children in need census, an Ofsted
Annex A workbook): every page opens for every role with no error and says what it waits for, the
board pack's files are made and read back, and `summary` and `pack` run."""

from __future__ import annotations

import importlib.util
import io
import json
import time

import pytest
from streamlit.testing.v1 import AppTest

from conftest import PUBLIC_SAMPLES, ROOT
from fsdash import cli, store
from fsdash.ingest import load_paths

ROLES = ("director", "cabinet", "analyst", "team_manager:FS01")
PAGES = ("overview", "children_in_care", "front_door", "outcomes", "at_a_glance", "scenarios",
         "team", "board_pack", "data", "audit_log")
ANALYSTS_ONLY = {"data", "audit_log"}   # others are refused there, and say so
WAITING = "loaded yet"     # ends every sentence saying what a part waits for
# What each store's pages must say they wait for (beside WAITING on every page).
SAYS = {
    "returns": {
        "overview": "The figures for referrals (12 months) and re-referrals within a year need",
        "children_in_care": "The rate per 10,000 children needs population.csv",
        "front_door": "This page needs",
        "scenarios": "This page needs population.csv",
        "team": "This page needs",
    },
    "census": {
        "overview": "Children in care need header.csv and episodes.csv",
        "children_in_care": "This page needs header.csv and episodes.csv",
        "front_door": "This chart needs population.csv",
        "at_a_glance": "Figures for each locality and district need",
    },
    "annex_a": {},
}
# Pages a store's source fills whole: the demo's Annex A workbooks name its own teams, so Team
# caseloads shows them (a cabinet member is refused a team's detail, as on any store); a
# workbook naming teams the council file maps nowhere says so.
SHOWN = {("annex_a", "team"): ("case-holding social workers", "do not have access",
                              "[annex_a.teams]")}


def _files(folder, *patterns) -> list:
    return sorted({p for pattern in patterns for p in folder.rglob(pattern)})


@pytest.fixture(scope="session", params=["returns", "census", "annex_a"])
def single(request, demo_db, tmp_path_factory):
    """(name, store) for a store loaded from one of the demo's sources alone, built once."""
    name, written = request.param, demo_db.parent
    if name == "returns":   # the folder holding a folder for each collection year
        paths = sorted({p.parent.parent for p in _files(written, "header.csv", "episodes.csv")})
        assert written / "extracts" not in paths, "the returns are beside the local extracts"
    elif name == "census":
        paths = _files(written, "*.xml")
    else:
        if importlib.util.find_spec("fsdash.annex_a") is None:
            pytest.skip("fsdash.annex_a (reading Ofsted's Annex A workbook) is not there yet")
        paths = (_files(written, "*.xlsx", "*.xls")
                 or _files(PUBLIC_SAMPLES / "annex_a", "*.xlsx"))   # liiatools' sample
        if not paths:
            pytest.skip("the demo writes no Annex A workbook yet, and the public samples are "
                        "not unpacked (make test does it)")
    assert paths, f"the demo wrote no {name} files"
    db = tmp_path_factory.mktemp(name) / f"{name}.duckdb"
    load_paths(paths, db)
    return name, db


def _texts(app) -> str:
    parts = [*app.markdown, *app.caption, *app.info, *app.error, *app.warning, *app.header]
    return " ".join(p.value for p in parts)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_opens_and_says_what_it_waits_for(single, role, monkeypatch):
    name, db = single
    monkeypatch.setenv("FSDASH_DB", str(db))
    monkeypatch.setenv("FSDASH_DEV_ROLE", role)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for page in PAGES:
        app.query_params.clear()
        app.switch_page(f"pages/{page}.py").run()
        assert not app.exception, (name, role, page, [e.message for e in app.exception])
        text = _texts(app)
        if page in ANALYSTS_ONLY and role != "analyst":
            assert "Only analysts" in text, (name, role, page)
            continue
        if (name, page) in SHOWN:   # nothing waits: its figures are shown, or refused by role
            assert any(words in text for words in SHOWN[name, page]), (name, role, page,
                                                                       text[:500])
        elif page != "audit_log":   # (Annex A cases whose teams are mapped to no team code
            assert WAITING in text or "[annex_a.teams]" in text, (   # wait for configuration)
                name, role, page, text[:500])
        if page in SAYS[name]:
            assert SAYS[name][page] in text, (name, role, page, text[:1000])


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _slides_text(data: bytes) -> str:
    from pptx import Presentation
    return " ".join(shape.text_frame.text for slide in Presentation(io.BytesIO(data)).slides
                    for shape in slide.shapes if shape.has_text_frame)


@pytest.mark.parametrize("role", ["director", "team_manager:FS01"])
def test_the_board_pack_page_makes_both_files(single, role, monkeypatch):
    # The page's connection attaches the store in an in-memory database; the pack once took
    # new cursors from it that read the in-memory one ("kept_result does not exist").
    name, db = single
    monkeypatch.setenv("FSDASH_DB", str(db))
    monkeypatch.setenv("FSDASH_DEV_ROLE", role)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    app.switch_page("pages/board_pack.py").run()
    app.button[0].click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert {b.label for b in app.get("download_button")} >= {"Download the PDF",
                                                              "Download the PPTX"}
    files = app.session_state["board_pack"][1]
    for text in (_pdf_text(files["pdf"]), _slides_text(files["pptx"])):
        assert "The headline figures" in text and WAITING in " ".join(text.split()), name


def test_summary_and_pack_run_on_the_command_line(single, tmp_path, capsys):
    name, db = single
    for role in ("director", "team_manager:FS01"):
        assert cli.main(["summary", "--db", str(db), "--role", role]) == 0
        printed = capsys.readouterr().out
        assert "Headline measures on" in printed and "waits for" in printed, printed
        assert cli.main(["summary", "--db", str(db), "--role", role, "--json"]) == 0
        measures = json.loads(capsys.readouterr().out)["measures"]
        assert any(m["waits_for"] for m in measures.values())
    started = time.perf_counter()
    for fmt in ("pdf", "pptx"):
        out = tmp_path / f"pack.{fmt}"
        assert cli.main(["pack", "--db", str(db), "--format", fmt, "--out", str(out)]) == 0
        text = (_pdf_text if fmt == "pdf" else _slides_text)(out.read_bytes())
        assert WAITING in " ".join(text.split()), (name, fmt)
    assert time.perf_counter() - started < 300


def test_each_store_has_month_ends(single):
    name, db = single
    con = store.connect_readonly(db)
    try:
        from fsdash import metrics
        months = metrics.reliable_month_ends(con)
    finally:
        con.close()
    assert months and months[-1] >= months[0]


@pytest.fixture(scope="session")
def returns_and_census(demo_db, tmp_path_factory):
    """A store of the returns and the census together, without the local files."""
    written = demo_db.parent
    paths = sorted({p.parent.parent for p in _files(written, "header.csv")})
    db = tmp_path_factory.mktemp("mixed") / "mixed.duckdb"
    load_paths([*paths, *_files(written, "*.xml")], db)
    return db


@pytest.mark.parametrize("role", ["director", "cabinet"])
def test_every_page_opens_on_a_mix_of_sources(returns_and_census, role, monkeypatch):
    monkeypatch.setenv("FSDASH_DB", str(returns_and_census))
    monkeypatch.setenv("FSDASH_DEV_ROLE", role)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for page in PAGES:
        app.query_params.clear()
        app.switch_page(f"pages/{page}.py").run()
        assert not app.exception, (role, page, [e.message for e in app.exception])
        if page not in ANALYSTS_ONLY:
            assert WAITING in _texts(app), (role, page)
    app.switch_page("pages/overview.py").run()
    cards = {m.label: m.value for m in app.metric}
    assert cards["Children looked after"] != "Not loaded" != cards["Referrals (12 months)"]

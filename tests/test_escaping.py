"""What users and files give, made safe: text shown through Streamlit's Markdown, and CSV cells
a spreadsheet would run as formulas (OWASP's "CSV Injection")."""

import csv
import io

import pandas as pd

from fsdash.escaping import WORD_JOINER, csv_text, plain


def test_plain_escapes_every_markdown_mark_and_unlinks_addresses():
    shown = plain("[here](https://evil.example)![x](http://e.x/x.png)<b>x</b> :red[y] $z$ "
                  "www.evil.example a@evil.example")
    assert "\\[here\\]\\(https\\:" + WORD_JOINER + "\\/\\/evil\\.example\\)" in shown
    assert "\\!\\[x\\]" in shown and "\\<b\\>x\\<\\/b\\>" in shown
    assert "\\:red\\[y\\]" in shown and "\\$z\\$" in shown
    assert "www" + WORD_JOINER + "\\.evil" in shown and "a" + WORD_JOINER + "\\@evil" in shown


def test_plain_keeps_line_breaks_drops_control_characters_and_cuts_long_values():
    assert plain("one\ntwo\x07three") == "one  \ntwo three"
    assert plain("x" * 100, longest=60) == "x" * 60 + "…"
    assert plain("children.csv, row 4") == "children\\.csv\\, row 4"


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_cells_that_would_run_as_formulas_begin_with_a_quote():
    formulas = ['=HYPERLINK("https://evil.example","x")', "=cmd|' /C calc'!A0", "+A1", "-A1+1",
                "@SUM(A1)", "\tx", "\rx", "\nx", "-"]
    table = pd.DataFrame({"Value": formulas + ["plain", "Why: '=1' is not Y"]})
    rows = _read(csv_text(table))
    assert [r[0] for r in rows[1:]] == (["'" + f for f in formulas]
                                        + ["plain", "Why: '=1' is not Y"])


def test_csv_numbers_stay_numbers_negative_ones_too():
    table = pd.DataFrame({"Category": ["North", "South"], "Now": [-3, 4],
                          "Share": [-1.5, 2.25], "Change": ["-1,234", "+2.5%"],
                          "When": pd.to_datetime(["2025-01-31", "2025-02-28"])})
    text = csv_text(table)
    assert text.splitlines() == ['"Category","Now","Share","Change","When"',
                                 '"North",-3,-1.5,"-1,234","2025-01-31"',
                                 '"South",4,2.25,"+2.5%","2025-02-28"']


def test_csv_column_names_are_neutralised_too():
    assert _read(csv_text(pd.DataFrame({"=1+1": [1]})))[0] == ["'=1+1"]

"""What users and files give, made safe where it is shown or saved: text for Streamlit's Markdown
(``plain``) and tables for CSV downloads opened in a spreadsheet (``csv_text``).

Anything from the page address, an uploaded file's name or a value in one is shown with
``plain``, so it reads as itself: never a link, an image, HTML, a heading or a colour. Every CSV
the app writes goes through ``csv_text``, which neutralises cells a spreadsheet would run as a
formula, as OWASP's "CSV Injection" page recommends."""

from __future__ import annotations

import csv
import re

import pandas as pd

# Every ASCII punctuation mark: CommonMark lets a backslash escape each of them, and escaped
# they start nothing (links, images, HTML, emphasis, lists, Streamlit's :colour[...] and $maths$)
MARKDOWN_MARK = re.compile(r"([!-/:-@\[-`{-~])")
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
# Streamlit's Markdown (GitHub's) links bare web and email addresses even when escaped: an
# invisible word joiner after "http:", "https:" and "www" (before a dot) and before "@" stops it
BARE_ADDRESS = re.compile(r"(?i)(https?:|www(?=\.)|(?=@))")
WORD_JOINER = "\u2060"


def plain(text, longest: int | None = None) -> str:
    """``text`` to put in st.markdown, st.warning, st.error and the like so that it shows as
    itself: each punctuation mark escaped, web and email addresses unlinked, control characters
    as spaces, each line break kept as a line break; cut to ``longest`` characters (and an
    ellipsis) where given."""
    text = str(text)
    if longest is not None and len(text) > longest:
        text = text[:longest] + "…"
    text = BARE_ADDRESS.sub(lambda found: found.group(0) + WORD_JOINER, text)
    return "  \n".join(MARKDOWN_MARK.sub(r"\\\1", CONTROL.sub(" ", line))
                       for line in text.split("\n"))


# A spreadsheet runs a cell beginning with one of these as a formula (OWASP: =, +, -, @, tab,
# carriage return and line feed)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# A number written as text (a signed change such as "-1,234" or "+2.5%"): a spreadsheet reads
# it as the number it is, and it can call nothing, so it is left as it is
WRITTEN_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?")


def safe_cell(value):
    """A text cell a spreadsheet would run as a formula, with a single quote put before it (so
    it shows as the text it is); any other value as it is."""
    if (isinstance(value, str) and value.startswith(FORMULA_START)
            and not WRITTEN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def csv_text(table: pd.DataFrame) -> str:
    """A table as CSV text for download, as OWASP's "CSV Injection" page recommends: text cells
    (and column names) that a spreadsheet would run as a formula begin with a single quote, and
    every text cell is quoted (a double quote in it doubled). Numbers are left as numbers,
    negative ones too: only text is quoted or changed."""
    safe = table.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(safe_cell)
    safe.columns = [safe_cell(str(c)) for c in safe.columns]
    return safe.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC)

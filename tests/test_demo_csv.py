"""The demo's fast CSV writer writes the same bytes as pandas' to_csv, including where it hands
a frame back to to_csv (a field to quote, a column of mixed types)."""

import numpy as np
import pandas as pd
import pytest

from fsdash.demo import csv_files
from fsdash.demo.csv_files import write_csv
from fsdash.extracts import DATE_FORMAT, MONTH_FORMAT


def _pandas_bytes(frame: pd.DataFrame, columns: list[str], path) -> bytes:
    frame = frame.reindex(columns=columns)
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime(
                MONTH_FORMAT if column == "BIRTH_MONTH" else DATE_FORMAT)
    frame.to_csv(path, index=False)
    return path.read_bytes()


FRAMES = {
    "every kind": pd.DataFrame({
        "CHILD": ["C0000001", "C0000002", None], "BIRTH_MONTH": pd.to_datetime(
            ["2010-04-01", None, "2019-12-01"]),
        "START": pd.to_datetime(["2020-01-31", "2021-02-01", None]), "COUNT": [1, 2, 3],
        "FTE": [1.0, 0.8, np.nan], "FLAG": [True, False, True],
        "CODE": pd.Series(["A", "", None], dtype="str")}),
    "a comma, a quote, a line end": pd.DataFrame({
        "NAME": ["a, b", 'say "hi"', "two\nlines"], "N": [1, 2, 3]}),
    "mixed types": pd.DataFrame({"X": ["a", 1, 2.5], "Y": ["b", "c", "d"]}),
    "one column": pd.DataFrame({"X": ["", "a"]}),
    "no rows": pd.DataFrame({"A": pd.Series([], dtype="str"), "B": pd.Series([], dtype=int)}),
}


WRITTEN_FAST = {"every kind", "no rows"}


@pytest.mark.parametrize("name", FRAMES)
def test_the_same_bytes_as_to_csv(name, tmp_path, monkeypatch):
    frame = FRAMES[name]
    columns = [*frame.columns, "ABSENT"] if name == "every kind" else list(frame.columns)
    handed_back, by_pandas = [], csv_files._write_with_pandas
    monkeypatch.setattr(csv_files, "_write_with_pandas",
                        lambda frame, path: (handed_back.append(path), by_pandas(frame, path)))
    write_csv(frame.copy(), columns, tmp_path / "fast.csv")
    assert bool(handed_back) == (name not in WRITTEN_FAST)
    assert (tmp_path / "fast.csv").read_bytes() == _pandas_bytes(frame.copy(), columns,
                                                                 tmp_path / "pandas.csv")

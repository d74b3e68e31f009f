"""CSV cells that a spreadsheet would run as formulas are neutralised."""

from __future__ import annotations

import csv
import io

import pytest

from placement.csvsafe import safe_cell, to_csv


@pytest.mark.parametrize("dangerous", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_starting_like_a_formula_is_prefixed_with_a_quote(dangerous):
    assert safe_cell(dangerous) == "'" + dangerous


@pytest.mark.parametrize("plain", ["Ada", "12", "", "a=b", None])
def test_an_ordinary_cell_is_left_as_it_is(plain):
    assert safe_cell(plain) == ("" if plain is None else plain)


def test_a_csv_round_trip_keeps_every_value_as_text():
    text = to_csv(["name", "note"], [["Ada, Countess", 'says "hi"'], ["=cmd", "ok"]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["name", "note"], ["Ada, Countess", 'says "hi"'], ["'=cmd", "ok"]]

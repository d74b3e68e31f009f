"""Charts are inline SVG that a strict Content Security Policy allows, and accessible."""

from __future__ import annotations

import re

from placement.charts import Series, bar_chart


def _chart(chart_id: str = "funnel") -> str:
    return str(
        bar_chart(
            chart_id,
            "Students at each stage",
            "Registered: 22; Placed: 14",
            ["Registered", "Placed"],
            [Series("Students", [22, 14]), Series("Target", [30, 20])],
            value_label="Students",
        )
    )


def test_a_chart_has_no_css_that_a_strict_policy_would_block():
    svg = _chart()
    assert "<style" not in svg
    assert "style=" not in svg
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert svg.startswith("<svg")


def test_a_chart_is_an_image_named_by_its_title_and_description():
    svg = _chart()
    assert 'role="img"' in svg
    assert 'aria-labelledby="funnel-title funnel-desc"' in svg
    assert '<title id="funnel-title">Students at each stage</title>' in svg
    assert '<desc id="funnel-desc">Registered: 22; Placed: 14</desc>' in svg


def test_bars_keep_their_colours_as_presentation_attributes():
    svg = _chart()
    assert 'fill="#1d70b8"' in svg and 'fill="#505a5f"' in svg
    assert 'font-family="arial' in svg


def test_two_charts_on_one_page_share_no_ids():
    first, second = _chart("one"), _chart("two")
    ids = re.findall(r'id="([^"]+)"', first) + re.findall(r'id="([^"]+)"', second)
    assert len(ids) == len(set(ids))
    for reference in re.findall(r"url\(#([^)]+)\)", first):
        assert reference.startswith("one-")


def test_the_same_figures_always_draw_the_same_chart():
    assert _chart() == _chart()

"""Bar charts drawn on the server as inline SVG that a strict Content Security Policy allows.

matplotlib writes CSS (a <style> element and style="..." attributes), which a policy without
'unsafe-inline' blocks: the chart would render black. Each chart is rewritten here to use SVG
presentation attributes only, with role="img", a <title> and a <desc>. Pages always show the
same figures in a table beside the chart.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")  # never a GUI backend, and never pyplot's global state

from markupsafe import Markup
from matplotlib.figure import Figure

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

# GOV.UK colours with at least 3:1 contrast against white, for bars and text.
COLOURS = ("#1d70b8", "#505a5f", "#00703c", "#d4351c")
TEXT_COLOUR = "#0b0c0c"
FONT_FAMILY = "arial, 'Liberation Sans', sans-serif"

RC_PARAMS = {
    "svg.fonttype": "none",
    "svg.hashsalt": "digital-talent-placements",
    "font.family": "sans-serif",
    "font.sans-serif": ["Liberation Sans", "DejaVu Sans"],
    "font.size": 13,
    "text.color": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "axes.edgecolor": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
}

# CSS properties matplotlib writes, all of which exist as SVG presentation attributes.
PRESENTATION = {
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linejoin",
    "stroke-linecap",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-miterlimit",
    "opacity",
    "font-size",
    "font-family",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "clip-path",
}


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    value_label: str = "",
    percent: bool = False,
) -> Markup:
    """A horizontal bar chart (one bar per label and series) as inline, CSP-safe SVG.

    Drawing costs tens of milliseconds, so the SVG is remembered by its inputs: a chart is a pure
    function of its arguments, and different figures make a different key.
    """
    drawn = tuple((one.name, tuple(one.values)) for one in series)
    return Markup(_svg(chart_id, title, description, tuple(labels), drawn, value_label, percent))


@lru_cache(maxsize=128)
def _svg(
    chart_id: str,
    title: str,
    description: str,
    labels: tuple[str, ...],
    drawn: tuple[tuple[str, tuple[float, ...]], ...],
    value_label: str,
    percent: bool,
) -> str:
    series = [Series(name, values) for name, values in drawn]
    count = max(len(labels), 1)
    height = 0.9 + count * (0.32 + 0.22 * len(series))
    with matplotlib.rc_context(RC_PARAMS):
        figure = Figure(figsize=(6.5, height), layout="constrained")
        axes = figure.add_subplot()
        _draw_bars(axes, labels, series)
        axes.set_xlabel(value_label)
        if percent:
            axes.set_xlim(0, max(1.0, *(max(one.values, default=0) for one in series)))
            axes.xaxis.set_major_formatter(lambda value, _position: f"{value:.0%}")
        axes.spines[["top", "right"]].set_visible(False)
        if len(series) > 1:
            axes.legend(loc="lower right", frameon=False)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return accessible_svg(buffer.getvalue(), chart_id, title, description)


def _draw_bars(axes, labels: Sequence[str], series: Sequence[Series]) -> None:  # type: ignore[no-untyped-def]
    bar_height = 0.8 / max(len(series), 1)
    positions = range(len(labels))
    for index, one in enumerate(series):
        offsets = [p - 0.4 + bar_height * (index + 0.5) for p in positions]
        axes.barh(
            offsets, list(one.values), height=bar_height, color=COLOURS[index % 4], label=one.name
        )
    axes.set_yticks(list(positions), list(labels))
    axes.invert_yaxis()


def accessible_svg(svg: str, chart_id: str, title: str, description: str) -> str:
    """matplotlib's SVG without CSS, prolog or fixed size, with role="img", <title> and <desc>."""
    root = ET.fromstring(_strip_prolog(svg))
    _drop_style_and_metadata(root)
    _inline_styles(root)
    _prefix_ids(root, chart_id)
    for attribute in ("width", "height"):
        root.attrib.pop(attribute, None)
    root.set("width", "100%")
    root.set("role", "img")
    root.set("focusable", "false")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    desc = ET.Element(f"{{{SVG_NS}}}desc", {"id": f"{chart_id}-desc"})
    desc.text = description
    heading = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{chart_id}-title"})
    heading.text = title
    root.insert(0, desc)
    root.insert(0, heading)
    return ET.tostring(root, encoding="unicode")


def _strip_prolog(svg: str) -> str:
    return svg[svg.index("<svg") :]


def _drop_style_and_metadata(root: ET.Element) -> None:
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}style", f"{{{SVG_NS}}}metadata"):
                parent.remove(child)


def _inline_styles(root: ET.Element) -> None:
    for element in root.iter():
        style = element.attrib.pop("style", None)
        if not style:
            continue
        for declaration in style.split(";"):
            name, _, value = declaration.partition(":")
            name, value = name.strip(), value.strip()
            if name == "font-family":
                value = FONT_FAMILY
            if name in PRESENTATION and value:
                element.set(name, value)


_URL = re.compile(r"url\(#([^)]+)\)")


def _prefix_ids(root: ET.Element, chart_id: str) -> None:
    """Ids unique to this chart, so several charts on one page never share a clip path."""
    href = f"{{{XLINK_NS}}}href"
    for element in root.iter():
        if "id" in element.attrib:
            element.set("id", f"{chart_id}-{element.attrib['id']}")
        for name in ("clip-path", "mask", "fill", "stroke"):
            if name in element.attrib:
                element.set(name, _URL.sub(rf"url(#{chart_id}-\1)", element.attrib[name]))
        if href in element.attrib and element.attrib[href].startswith("#"):
            element.set(href, f"#{chart_id}-{element.attrib[href][1:]}")

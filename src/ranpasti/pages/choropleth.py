"""A map of areas coloured by status, drawn as inline SVG with a link and a name on every area.

Why inline SVG drawn here rather than a chart image: an area of the map is a link to its page, and links in
an ``<img>`` do not work. The drawing itself is Altair's ``mark_geoshape`` through vl-convert (the same
engine as the charts, offline); what Vega writes is then made into a clean, small, accessible document:

- every area is ``<a href="…" aria-label="Tugumulyo: 72,4% (Hampir tercapai)"><title>…</title><path/></a>``
  (an area without a page is a ``<path>`` with its ``<title>``); Vega's own roles and labels on groups
  are dropped, so a screen reader meets the areas and nothing else;
- coordinates are rounded to one decimal of a pixel (the file shrinks by a third, nothing visible moves);
- links and names are set here from Python values and escaped by the XML writer: nothing of the data is
  pasted into markup;
- each area's name is written at its pole of inaccessibility (the point inside it farthest from its edge,
  ``shapely.ops.polylabel``) in a group the stylesheet shows only on paper, where nothing can be hovered.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from typing import Any

import altair as alt
import vl_convert
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.ops import polylabel

from ..core import caches

WIDTH = 340
MIN_HEIGHT, MAX_HEIGHT = 160, 440
STROKE = "#ffffff"
SVG, XLINK = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)
_TAG = "#rp-"  # what Vega is given as an area's link: only the code, the real link is set afterwards
_NUMBER = re.compile(r"(\d+\.\d)\d+")
LABELLED_AT_MOST = 60  # areas named on a printed map; more (the national map) would be a blot of names
_RING = re.compile(r"M([^MZz]+)[Zz]?")
_POINT = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Area:
    kode: str
    label: str  # what a reader hears and sees on hover: name, figure and status
    fill: str
    href: str | None  # its page, relative to the page drawing the map; None: no page
    geometry: dict[str, Any]
    name: str = ""  # the area's name written on it on paper (a printed map cannot be hovered)


def fit(areas: list[Area]) -> tuple[list[Area], int]:
    """The areas simplified to what ``WIDTH`` pixels can show, and the map's height.

    The height follows the areas' extent (Mercator near the equator: a degree of latitude and of longitude
    about the same length), so a tall kabupaten is not squeezed and a wide one has no blank band. Outlines
    are simplified to half a pixel and islands smaller than a pixel dropped (an area keeps its largest part
    whatever its size): the whole country's 514 kabupaten come to a fraction of their detail, and no one can
    see the difference at this size."""
    geoms = [shape(a.geometry) for a in areas]
    x0, y0, x1, y1 = unary_bounds(geoms)
    per_pixel = ((x1 - x0) or 1.0) / WIDTH
    height = int(max(MIN_HEIGHT, min(MAX_HEIGHT, round(WIDTH * ((y1 - y0) or 1.0) / ((x1 - x0) or 1.0)))))
    out = []
    for a, g in zip(areas, geoms, strict=True):
        parts = sorted(getattr(g, "geoms", [g]), key=lambda p: p.area, reverse=True)
        kept = [parts[0], *(p for p in parts[1:] if p.area >= per_pixel ** 2)]
        simple = MultiPolygon(kept).simplify(per_pixel / 2, preserve_topology=True)
        out.append(replace(a, geometry=mapping(simple)))
    return out, height


def unary_bounds(geoms: list) -> tuple[float, float, float, float]:
    bounds = [g.bounds for g in geoms]
    return (min(b[0] for b in bounds), min(b[1] for b in bounds), max(b[2] for b in bounds),
            max(b[3] for b in bounds))


def _spec(height: int) -> dict:
    """The map's Vega-Lite spec without its data: the one spec with this height (a map's height follows its
    areas' extent, so nearly every unit's map has its own; building Altair objects cost a third of drawing
    an outline)."""
    return {**_base_spec(), "height": height}


@caches.memo(1)
def _base_spec() -> dict:
    """The map's spec, built once per process by Altair; only its height differs between maps."""
    height = MIN_HEIGHT
    chart = alt.Chart(alt.NamedData("wilayah")).mark_geoshape(stroke=STROKE, strokeWidth=0.6).encode(
        color=alt.Color("properties.fill:N", scale=None, legend=None),
        href=alt.Href("properties.tag:N"),
    ).project(type="mercator").properties(width=WIDTH, height=height)
    spec = chart.to_dict()
    spec.pop("config", None)
    spec["autosize"] = {"type": "none"}
    spec["padding"] = 2
    spec["background"] = None
    return spec


OUTLINES_KEPT = 64  # a kabupaten's kecamatan (its pages run together on a worker), with room to spare
_OUTLINES = caches.table("pages.choropleth.outlines", OUTLINES_KEPT)


def _outline(areas: list[Area]) -> str:
    """Vega's SVG of these areas' outlines, every area filled black: drawn once per set of areas per process.

    A unit's map is the same outlines on its progress page and on each year's evaluation page; only the
    fills, links and names change, and ``clean`` sets those. Simplifying (``fit``) and drawing (vl-convert)
    were ~60% of a map's cost. The key is the areas' codes and their geometry objects (``batas.shapes``
    hands out the same objects while its file is cached); the entry keeps those objects alive, so a key
    can never be met again by other geometry."""
    key = tuple((a.kode, id(a.geometry)) for a in areas)
    svg = _OUTLINES.get(key)
    if svg is not None:
        return svg
    fitted, height = fit(areas)
    spec = dict(_spec(height))
    spec["datasets"] = {"wilayah": [
        {"type": "Feature", "geometry": a.geometry, "properties": {"fill": "#000000", "tag": _TAG + a.kode}}
        for a in fitted]}
    svg = vl_convert.vegalite_to_svg(spec)
    _OUTLINES.put(key, svg, keep=[a.geometry for a in areas])
    return svg


def draw(areas: list[Area], title: str) -> str:
    """The map as an inline ``<svg>`` element (no XML declaration), sized by its viewBox."""
    return clean(_outline(areas), {a.kode: a for a in areas}, title)


@caches.memo(2048)
def rounded(d: str) -> str:
    """An outline's coordinates to one decimal of a pixel, once per outline per process: a unit's outlines are
    the same on its progress page and each year's evaluation page, and rounding every number of every path
    again was a quarter of a map's cost."""
    return _NUMBER.sub(r"\1", d)


@caches.memo(4096)
def label_point(d: str) -> tuple[float, float] | None:
    """Where an area's name goes: inside its largest ring (Vega writes outlines as ``M x,y L x,y … Z``)."""
    rings = [[(float(x), float(y)) for x, y in _POINT.findall(ring)] for ring in _RING.findall(d)]
    polygons = [Polygon(r) for r in rings if len(r) >= 3]
    polygons = [p if p.is_valid else p.buffer(0) for p in polygons]
    polygons = [p for p in polygons if not p.is_empty and p.area > 0]
    if not polygons:
        return None
    largest = max(polygons, key=lambda p: p.area)
    largest = max(getattr(largest, "geoms", [largest]), key=lambda p: p.area)
    point = polylabel(largest, tolerance=0.5)
    return round(point.x, 1), round(point.y, 1)


def _code(href: str) -> str:
    return href.rsplit(_TAG, 1)[-1] if _TAG in href else ""


def clean(svg: str, areas: dict[str, Area], title: str) -> str:
    """Vega's SVG made into the map the page shows (see the module's docstring)."""
    root = ET.fromstring(svg)
    root.attrib.pop("class", None)
    root.set("class", "rp-map-svg")
    for el in root.iter():
        for attr in ("role", "aria-roledescription", "aria-label"):
            el.attrib.pop(attr, None)
        if el.tag == f"{{{SVG}}}path" and "d" in el.attrib:
            el.set("d", rounded(el.attrib["d"]))
    root.set("role", "group")
    root.set("aria-label", title)
    labels = ET.Element(f"{{{SVG}}}g", {"class": "rp-map-labels", "aria-hidden": "true"})
    for parent in list(root.iter()):
        for i, child in enumerate(list(parent)):
            if child.tag != f"{{{SVG}}}a":
                continue
            area = areas.get(_code(child.get(f"{{{XLINK}}}href", "")))
            child.attrib.pop(f"{{{XLINK}}}href", None)
            if area is None:
                parent.remove(child)
                continue
            for outline in child.iter(f"{{{SVG}}}path"):
                outline.set("fill", area.fill)
                named = area.name and len(areas) <= LABELLED_AT_MOST
                at = label_point(outline.get("d", "")) if named else None
                if at is not None:
                    text = ET.SubElement(labels, f"{{{SVG}}}text", {"x": str(at[0]), "y": str(at[1])})
                    text.text = area.name
            name = ET.Element(f"{{{SVG}}}title")
            name.text = area.label
            if area.href:
                child.set("href", area.href)
                child.set("aria-label", area.label)
                child.insert(0, name)
            else:  # no page: the shape alone, named
                parent.remove(child)
                for j, shape in enumerate(child):
                    shape.insert(0, name)
                    parent.insert(i + j, shape)
    for rect in root.iter(f"{{{SVG}}}rect"):  # Vega's white background: the page's own shows through
        if rect.get("fill") == "white":
            rect.set("fill", "none")
    if len(labels):
        frame = root.find(f"{{{SVG}}}g")  # (Vega's outer group: its translate puts the labels on the areas)
        (frame if frame is not None else root).append(labels)
    return ET.tostring(root, encoding="unicode")

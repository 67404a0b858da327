#!/usr/bin/env bash
# Does GDAL, which QGIS reads GeoJSON with, load what `?format=geojson`
# answers, unchanged? Ingests the demo corpus into a temporary data
# directory, serves it, fetches /api/events and /api/places as GeoJSON and
# opens both with `ogrinfo` (Debian: apt-get install gdal-bin), checking
# that each is one Point layer in WGS 84 with as many features as the
# collection's `total` says, and converts the events to a GeoPackage (QGIS's
# own format) with `ogr2ogr`. The project never needs GDAL; this is a check.
#
#     cargo build -p chancery && scripts/check_geojson_gdal.sh [path/to/chancery]
set -euo pipefail
chancery=${1:-target/debug/chancery}
command -v ogrinfo >/dev/null || { echo "needs ogrinfo: apt-get install gdal-bin" >&2; exit 2; }
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
"$chancery" ingest --quiet --data "$work/data" crates/chancery/demo/articles.jsonl >/dev/null 2>&1
port=$((20000 + RANDOM % 20000))
"$chancery" serve --data "$work/data" --addr "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/stats" >/dev/null && break; sleep 0.2; done
for list in events places; do
    file="$work/$list.geojson"
    media=$(curl -sf -o "$file" -w '%{content_type}' "http://127.0.0.1:$port/api/$list?format=geojson&limit=500")
    [ "$media" = "application/geo+json" ] || { echo "$list: media type $media" >&2; exit 1; }
    total=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$file")
    summary=$(ogrinfo -ro -al -so "$file")
    echo "$summary" | grep -q "using driver \`GeoJSON' successful" || { echo "$summary" >&2; exit 1; }
    echo "$summary" | grep -q '^Geometry: Point$' || { echo "$list: not a Point layer" >&2; exit 1; }
    echo "$summary" | grep -q 'ID\["EPSG",4326\]' || { echo "$list: not WGS 84" >&2; exit 1; }
    count=$(echo "$summary" | sed -n 's/^Feature Count: //p')
    [ "$count" = "$total" ] || { echo "$list: GDAL reads $count features, total says $total" >&2; exit 1; }
    fields=$(echo "$summary" | grep -cE '^[a-z0-9_]+: (String|Integer|Real|Integer\(Boolean\))')
    echo "$list: GDAL GeoJSON driver, Point layer in EPSG:4326, $count features = total, $fields attribute columns"
done
ogr2ogr -f GPKG "$work/events.gpkg" "$work/events.geojson"
echo "events: converted to GeoPackage ($(ogrinfo -ro -so "$work/events.gpkg" events | sed -n 's/^Feature Count: //p') features)"

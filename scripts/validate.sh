#!/usr/bin/env bash
# Builds the example archive and every fixture site under tests/sites/, then validates
# what was written, all offline:
#   - `dateline check`: every internal link and fragment, feeds and sitemaps well-formed;
#   - the Nu HTML Checker (npm vnu-jar, run with java): every HTML page, errors only;
#   - scripts/validate_output.py: feeds with feedparser (bozo == 0), sitemaps with xmllint
#     against the sitemaps.org schemas (PyPI sitemap-verify) and Google's news extension,
#     JSON-LD parsed and checked for the fields each kind of page needs.
# Needs: java, npm, python3 with feedparser and sitemap-verify, xmllint (libxml2-utils).
# Exits non-zero on any error.
set -euo pipefail
cd "$(dirname "$0")/.."

vnu_dir="${VNU_DIR:-target/vnu}"
jar="$vnu_dir/node_modules/vnu-jar/build/dist/vnu.jar"
if [ ! -f "$jar" ]; then
  npm install --silent --no-audit --no-fund --prefix "$vnu_dir" vnu-jar >/dev/null
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cargo build -q --release
dateline=./target/release/dateline

# "The present" of each site: a day after its newest article, so its news sitemap has entries.
declare -A now=([example]="2025-11-05T12:00:00Z" [basic]="2026-01-02T12:00:00-05:00")
sites=(example)
for site in tests/sites/*/; do sites+=("$(basename "$site")"); done

echo "== dateline check (links, fragments, feeds, sitemaps)"
for name in "${sites[@]}"; do
  dir=.
  [ "$name" = example ] || dir="tests/sites/$name"
  $dateline check -s "$dir" -o "$out/$name" --now "${now[$name]:-2026-01-15T12:00:00Z}"
done

pages=$(find "$out" -name '*.html' | wc -l)
echo "== Nu HTML Checker on $pages pages"
java -jar "$jar" --errors-only --skip-non-html "$out"
echo "Nu HTML Checker: 0 errors in $pages pages"

echo "== feeds, sitemaps, JSON-LD"
for name in "${sites[@]}"; do
  python3 scripts/validate_output.py --now "${now[$name]:-2026-01-15T12:00:00Z}" "$out/$name"
done

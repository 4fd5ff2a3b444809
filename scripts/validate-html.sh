#!/usr/bin/env bash
# Builds the example archive and every fixture site under tests/sites/, then checks
# every HTML page with the Nu HTML Checker (npm package vnu-jar, needs java).
# Exits non-zero on any error. Usage: scripts/validate-html.sh
set -euo pipefail
cd "$(dirname "$0")/.."

vnu_dir="${VNU_DIR:-target/vnu}"
jar="$vnu_dir/node_modules/vnu-jar/build/dist/vnu.jar"
if [ ! -f "$jar" ]; then
  npm install --silent --no-audit --no-fund --prefix "$vnu_dir" vnu-jar >/dev/null
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
now="2026-01-15T12:00:00Z"
cargo build -q --release
./target/release/dateline build -q --now "$now" -o "$out/example"
for site in tests/sites/*/; do
  ./target/release/dateline build -q --now "$now" -s "$site" -o "$out/$(basename "$site")"
done

pages=$(find "$out" -name '*.html' | wc -l)
echo "Nu HTML Checker: $pages pages"
java -jar "$jar" --errors-only --skip-non-html "$out"
echo "Nu HTML Checker: 0 errors in $pages pages"

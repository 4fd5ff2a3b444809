#!/usr/bin/env bash
# Fuzzes dateline's parsers: builds the targets of fuzz/ and runs each for SECONDS
# (default 60) from a scratch corpus seeded from fuzz/seeds/<target> (fuzz/corpus/, which
# git ignores: libFuzzer adds what it finds to the first folder it is given), with the
# crashes found so far (fuzz/regressions/<target>) read first. Fails if any target finds a
# crash, a timeout or a runaway allocation; what it found is copied to
# fuzz/regressions/<target>/ to be committed (tests/fuzz_regressions.rs replays it with
# an ordinary `cargo test`, on stable Rust).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Works on stable Rust: the flags cargo-fuzz passes (-Zsanitizer, sancov passes) are
# unstable ones, allowed by RUSTC_BOOTSTRAP=1. FUZZ_SANITIZER=address adds
# AddressSanitizer (it works on stable this way too): for longer runs by hand, as it takes
# a build of 9 minutes instead of 6.5 on two cores and a quarter of the executions, and
# dateline's own code has no `unsafe`. Default: none.
# Needs cargo-fuzz: cargo install cargo-fuzz --version 0.13.2 --locked
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
all_targets=(plain_text front_matter date markdown profile urls_lock)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
sanitizer="${FUZZ_SANITIZER:-none}"
# One target folder with the main build's (target/fuzz), not a second tree in fuzz/.
target_dir="$PWD/target/fuzz"
triple="$(rustc -vV | sed -n 's/^host: //p')"

export RUSTC_BOOTSTRAP=1
echo "== building the fuzz targets (sanitizer: $sanitizer)"
build_start=$SECONDS
mkdir -p fuzz/artifacts
if ! cargo fuzz build --sanitizer "$sanitizer" --target-dir "$target_dir" \
  >fuzz/artifacts/build.log 2>&1; then
  cat fuzz/artifacts/build.log >&2
  echo "the fuzz build failed" >&2
  exit 1
fi
echo "built in $((SECONDS - build_start)) s"

failed=()
summary=()
for t in "${targets[@]}"; do
  bin="$target_dir/$triple/release/$t"
  corpus="fuzz/corpus/$t"
  artifacts="fuzz/artifacts/$t"
  mkdir -p "$corpus" "$artifacts" "fuzz/regressions/$t"
  cp -n fuzz/seeds/"$t"/* "$corpus"/ 2>/dev/null || true
  rm -f "$artifacts"/*
  log="fuzz/artifacts/$t.log"
  echo "== fuzzing $t for $seconds s"
  status=0
  # -timeout: one input taking 10 s is a finding (a hang); -rss_limit_mb: so is 2 GB.
  "$bin" "$corpus" "fuzz/regressions/$t" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=$?
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  corpus_size="$(find "$corpus" -type f | wc -l)"
  found=()
  for a in "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/oom-* "$artifacts"/leak-*; do
    [ -e "$a" ] || continue
    cp "$a" "fuzz/regressions/$t/"
    found+=("fuzz/regressions/$t/$(basename "$a")")
  done
  if [ "$status" -ne 0 ] || [ ${#found[@]} -gt 0 ]; then
    failed+=("$t")
    echo "!! $t: libFuzzer exited with $status after ${runs:-?} runs; found: ${found[*]:-(no artifact)}"
    grep -A 40 -m 1 -E '^==[0-9]+==|panicked at|ERROR: libFuzzer' "$log" || tail -40 "$log"
  fi
  grep -E '^Done [0-9]+ runs' "$log" || true
  summary+=("$(printf '%-13s %10s executions  corpus %5s  %s' "$t" "${runs:-?}" "$corpus_size" \
    "$([ "$status" -eq 0 ] && [ ${#found[@]} -eq 0 ] && echo ok || echo FOUND)")")
done

echo "== fuzzing summary ($seconds s a target)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]}; the inputs are in fuzz/regressions/ (commit them, fix, and check with cargo test --test fuzz_regressions)" >&2
  exit 1
fi

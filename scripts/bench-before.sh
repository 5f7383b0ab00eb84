#!/usr/bin/env bash
# Builds an earlier revision (default: the last one on the v1 SDK) beside this checkout, then runs `npm run bench`
# with its cold start measured interleaved with this build's (BENCH_BEFORE). Usage: npm run bench:before [-- <rev>]
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:-8088ad7}"
dir="node_modules/.cache/flownally-before/$(git rev-parse --short "$rev")"
if [ ! -f "$dir/dist/cli.js" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  git archive "$rev" | tar -x -C "$dir"
  (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null && npm run build >/dev/null)
fi
BENCH_BEFORE="$PWD/$dir/dist" npm run bench

#!/usr/bin/env bash
# The benchmarks in bench/: installs what they need, then runs each one and
# prints its figures as markdown. They are not tests: they assert what was
# done, never how fast, so they live here and not in `npm test`.
# Run all:  npm run bench
# Run some: npm run bench -- upgrade   (names of bench/<name>.bench.ts)
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
paved_install
cd "$PAVED_ROOT"

if [ "$#" -gt 0 ]; then
  benches=("$@")
else
  benches=()
  for file in bench/*.bench.ts; do
    benches+=("$(basename "$file" .bench.ts)")
  done
fi

for name in "${benches[@]}"; do
  if [ ! -f "bench/$name.bench.ts" ]; then
    paved_log "No benchmark bench/$name.bench.ts"
    exit 1
  fi
  paved_log "── bench/$name.bench.ts"
  yarn tsx "bench/$name.bench.ts"
  echo
done

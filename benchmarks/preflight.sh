#!/usr/bin/env bash
# doctor runs before every `up`, so it must cost less than the compose call it protects.
# Times `doctor preflight PROJECT` against `docker compose config -q` on the same project,
# as paired runs (one of each, alternating), and prints both medians and their ratio.
# Also times `doctor --version` and `doctor list` (goal: <= 50 ms each).
#   N=21 PROJECT=examples/clean-stack bash benchmarks/preflight.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-21}
PROJECT=${PROJECT:-examples/clean-stack}
DOCTOR=${DOCTOR:-.venv/bin/doctor}
# measure what users run: with bytecode caches (some sandboxes export PYTHONDONTWRITEBYTECODE=1)
unset PYTHONDONTWRITEBYTECODE
if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose); else
  COMPOSE=("$(.venv/bin/python -c 'import compose, pathlib; print(pathlib.Path(compose.__file__).parent / "docker-compose")')")
fi

# elapsed microseconds of one run of the command (output discarded, exit status ignored)
usec() { local start end; start=$(date +%s%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s%N); echo $(((end - start) / 1000)); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

doc=(); cmp=(); ver=(); lst=()
"$DOCTOR" preflight "$PROJECT" >/dev/null 2>&1 || true  # warm the page cache once
for _ in $(seq "$N"); do
  doc+=("$(usec "$DOCTOR" preflight "$PROJECT")")
  cmp+=("$(cd "$PROJECT" && usec "${COMPOSE[@]}" config -q)")
  ver+=("$(usec "$DOCTOR" --version)")
  lst+=("$(usec "$DOCTOR" list)")
done
d=$(printf '%s\n' "${doc[@]}" | median); c=$(printf '%s\n' "${cmp[@]}" | median)
v=$(printf '%s\n' "${ver[@]}" | median); l=$(printf '%s\n' "${lst[@]}" | median)
printf 'project                      %s (%s paired runs, medians)\n' "$PROJECT" "$N"
printf 'doctor preflight             %6.1f ms\n' "$(awk "BEGIN{print $d/1000}")"
printf 'docker compose config -q     %6.1f ms\n' "$(awk "BEGIN{print $c/1000}")"
printf 'ratio doctor/compose         %6.2f   (target <= 1.00)\n' "$(awk "BEGIN{print $d/$c}")"
printf 'doctor --version             %6.1f ms (target <= 50)\n' "$(awk "BEGIN{print $v/1000}")"
printf 'doctor list                  %6.1f ms (target <= 50)\n' "$(awk "BEGIN{print $l/1000}")"

#!/usr/bin/env bash
# root-owned-files walks the whole project (and .git) on every preflight, so it must cost no
# more than `find TREE ! -uid U`, the one-liner a developer would use instead.
# Builds a tree of FILES files (default 200k: 2,000 dirs of 100) owned by uid U with 1 % owned
# by root (needs root to chown), then times `python -m doctor.host.owners TREE U` (the whole
# process: interpreter start, imports, walk, output) against `find TREE ! -uid U`:
#   - the same tree for both, with a warm page cache (both walk it once, untimed, first);
#   - N paired runs, one of each, the order alternating from pair to pair;
#   - the median of each, their ratio, and the median of the per-pair ratios;
#   - the median CPU (user + system, child processes included) of each: the work itself, which
#     no spreading over cores changes (with the second core busy, the wall ratio follows it);
#   - both must list exactly the same paths (checked before timing; non-empty).
# The machine's load average is printed before and after: other work on the cores skews both.
# MODE=preflight times the whole `doctor preflight --select root-owned-files TREE` instead (the
# tree then holds a one-service compose.yaml); BUSY=1 keeps one core busy with a spinning shell
# for the whole measurement (the goal holds "also with the second core busy"), started in a
# session of its own like a program in another terminal (BUSY=same: in this script's session).
#   N=11 FILES=200000 bash benchmarks/owners.sh
#   MODE=preflight BUSY=1 FILES=1000000 bash benchmarks/owners.sh
#   TREE=/tmp/owners-1m FILES=1000000 bash benchmarks/owners.sh   # keeps the tree for the next run
# doctor is timed as users install it (compare.py's install_wheel: this checkout's wheel in a venv
# of its own, as pipx makes it), kept in WORK (default /tmp/doctor-owners-install) and rebuilt
# at each run of this script; INSTALL=editable times .venv/bin/doctor (a development install,
# whose import finder adds ~20 ms to every start); DOCTOR=path/to/doctor times another install
# (e.g. the commit before a change) on the same tree.
# AGED=1 (with MODE=preflight): before each timed run the walk's cache is made over an hour old
# (the run that finds it so answers from it and leaves a full walk to after the run); the walk
# doctor.after_run then starts is waited for, untimed, so it never overlaps a timed run.
# FIRST=1 (with MODE=preflight): before each timed run the project's caches (the walk's, the
# model's) are emptied and the user's kept (compare.py's `first` column: the login shell's PATH,
# compose's version, the compiled patterns): the first preflight on a new clone by someone who
# ran doctor before, a full walk whose cache the run writes. DOCTOR_NO_CACHE=1 is a first run
# ever instead: no cache read or written at all.
# MODE=floor times benchmarks/walk_floor.c instead of doctor (compiled with CC, default cc): a bare
# walker doing only the kernel's part (getdents64, fstatat per entry). It is the floor of any walk
# that looks at every owner (0.86x find on this kind of machine); doctor's C walk
# (src/doctor/host/_ownerwalk.c) costs what it costs, and a preflight adds its own start on top.
# SHAPE=node_modules builds a node_modules-like tree instead: FILES/90 packages of 10 folders of
# 9 files (~8 entries a folder where the default has 100: eight times the folder records).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-11}
# as users run it: with bytecode caches, which doctor's table of its modules' code (doctor.codecache)
# is one of; a shell that sets PYTHONDONTWRITEBYTECODE leaves that table as the last run left it
unset PYTHONDONTWRITEBYTECODE
FILES=${FILES:-200000}
U=${U:-1000}
PYTHON=${PYTHON:-.venv/bin/python}
if [ -n "${TREE:-}" ]; then
  # a TREE you name is kept (building 1M files takes minutes): built once, reused while
  # $TREE.built says it holds FILES files for uid U
  KEEP=1
  mkdir -p "$TREE"
else
  KEEP=0
  TREE=$(mktemp -d /tmp/doctor-owners-bench.XXXXXX)
fi
cleanup() { rm -f "$TREE.doctor" "$TREE.find" "$TREE.t0" "$TREE.t1" "$TREE.floor"; [ "$KEEP" = 1 ] || rm -rf "$TREE"; }
trap cleanup EXIT

SHAPE=${SHAPE:-}
BUILT="$FILES $U${SHAPE:+ $SHAPE}"
if [ "$KEEP" = 1 ] && [ "$(cat "$TREE.built" 2>/dev/null)" = "$BUILT" ]; then
  :
else
"$PYTHON" - "$TREE" "$FILES" "$U" "$SHAPE" <<'PY'
import os, sys
tree, files, uid, shape = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
n = 0
for p in range(max(1, files // 90) if shape == "node_modules" else 0):
    for d in range(10):
        path = os.path.join(tree, "node_modules", f"pkg{p}", "lib" if d < 5 else "dist", f"d{d}")
        os.makedirs(path, exist_ok=True)
        for f in range(9):
            name = os.path.join(path, f"f{f}.js")
            with open(name, "w"):
                pass
            n += 1
            if n % 100 != 7:  # 1 % stays root-owned
                os.lchown(name, uid, uid)
dirs = 0 if shape == "node_modules" else max(1, files // 100)
for d in range(dirs):
    path = os.path.join(tree, f"pkg{d // 50}", f"mod{d % 50}")
    os.makedirs(path, exist_ok=True)
    for f in range(files // dirs):
        name = os.path.join(path, f"f{f}.py")
        with open(name, "w"):
            pass
        if (d * 100 + f) % 100 != 7:  # 1 % stays root-owned
            os.lchown(name, uid, uid)
for top, subdirs, _ in os.walk(tree):
    os.lchown(top, uid, uid)
PY
  [ "$KEEP" = 0 ] || echo "$BUILT" >"$TREE.built"
fi

MODE=${MODE:-walker}
if [ "$MODE" = floor ]; then
  "${CC:-cc}" -O2 -o "$TREE.floor" benchmarks/walk_floor.c || { echo "MODE=floor needs a C compiler (CC)" >&2; exit 1; }
  DOCTOR=$TREE.floor
elif [ -z "${DOCTOR:-}" ] && [ "${INSTALL:-wheel}" = editable ]; then
  DOCTOR=.venv/bin/doctor
elif [ -z "${DOCTOR:-}" ]; then
  WORK=${WORK:-/tmp/doctor-owners-install}
  mkdir -p "$WORK"
  DOCTOR=$("$PYTHON" -c 'import sys; sys.path.insert(0, "benchmarks"); from pathlib import Path
from compare import install_wheel
print(install_wheel(Path(sys.argv[1]), getattr(sys, "_base_executable", sys.executable)))' "$WORK")
fi
AGED=${AGED:-0}
FIRST=${FIRST:-0}
if [ "$AGED" = 1 ] || [ "$FIRST" = 1 ]; then
  export XDG_CACHE_HOME="$TREE.xdg"  # a cache folder of its own, aged or emptied before each run
  rm -rf "$XDG_CACHE_HOME"
fi
before_doctor() {  # AGED=1: the walk's cache over an hour old; FIRST=1: the project's caches gone
  if [ "$FIRST" = 1 ]; then
    "$PYTHON" -c 'import sys; sys.path.insert(0, "benchmarks"); from pathlib import Path
from compare import forget_projects; forget_projects(Path(sys.argv[1]))' "$XDG_CACHE_HOME/doctor"
  fi
  [ "$AGED" = 1 ] || return 0
  "$PYTHON" - "$XDG_CACHE_HOME/doctor" <<'PY'
import marshal, os, struct, sys, zlib
from doctor.host.owner_cache import MAGIC, MAX_AGE, PREFIX
folder = sys.argv[1]
for name in os.listdir(folder):
    if name.startswith(PREFIX) and name.endswith(".marshal"):
        data = open(os.path.join(folder, name), "rb").read()
        key, created, entries = marshal.loads(data[len(MAGIC) + 4:])
        payload = marshal.dumps((key, created - MAX_AGE - 60, entries))
        with open(os.path.join(folder, name), "wb") as out:
            out.write(MAGIC + struct.pack("<I", zlib.crc32(payload)) + payload)
PY
}
after_doctor() {  # AGED=1: the full walk after the run, waited for (its lock is removed at its end)
  [ "$AGED" = 1 ] || return 0
  local i
  for i in $(seq 600); do  # its lock removed, and its process (the interpreter's end) gone too
    compgen -G "$XDG_CACHE_HOME/doctor/*.refresh" >/dev/null || pgrep -f doctor.host.owner_refresh >/dev/null \
      || return 0
    sleep 0.1
  done
}
if [ "$MODE" = preflight ]; then
  printf 'services:\n  app:\n    image: busybox\n' >"$TREE/compose.yaml"
  chown "$U:$U" "$TREE/compose.yaml"
  doctor() { "$DOCTOR" preflight --select root-owned-files --format json "$TREE"; }
elif [ "$MODE" = floor ]; then
  doctor() { "$DOCTOR" "$TREE" "$U"; }
else
  doctor() { "$(dirname "$DOCTOR")/python" -m doctor.host.owners "$TREE" "$U"; }
fi
finder() { find "$TREE" ! -uid "$U"; }
usec() { local start end; start=$(date +%s%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s%N); echo $(((end - start) / 1000)); }
# CPU ms (user + system) of what a shell waited for, from a file of bash's `times` (its second
# line); `times` runs in the shell that waits, never in a $(...) of its own (that has no children)
children_ms() { awk 'NR == 2 { n = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); n += t[1] * 60000 + t[2] * 1000 } printf "%d", n }' "$1"; }
timed() {  # wall µs, then CPU ms (its child processes included: doctor's find processes), of "$@"
  local w
  times >"$TREE.t0"; w=$(usec "$@"); times >"$TREE.t1"
  echo "$w $(($(children_ms "$TREE.t1") - $(children_ms "$TREE.t0")))"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# untimed first walks: they warm the page cache for both, and must agree path for path
finder | sort >"$TREE.find"
spinner=""
trap 'cleanup; [ -z "$spinner" ] || kill "$spinner"' EXIT
if [ "$MODE" = preflight ]; then
  # the report names the strays by folder: compare the count of entries it walked instead
  doctor >"$TREE.doctor" || true
  grep -q '"root-owned-files"' "$TREE.doctor" || { echo "preflight did not run root-owned-files" >&2; exit 1; }
  cp "$TREE.find" "$TREE.doctor"
else
  doctor | sort >"$TREE.doctor"
fi
if [ "${BUSY:-0}" = 1 ]; then
  # in a session of its own, as a build in another terminal runs: the kernel's autogroup then
  # shares the cores between the two sessions, not between their processes, so doctor's finds
  # get one core between them however many run (BUSY=same: a spinner in this script's session,
  # where each process counts, and two finds take two thirds of both cores)
  setsid sh -c 'while :; do :; done' &
  spinner=$!
elif [ "${BUSY:-0}" = same ]; then
  sh -c 'while :; do :; done' &
  spinner=$!
fi
if ! cmp -s "$TREE.doctor" "$TREE.find"; then
  echo "doctor and find disagree on the strays:" >&2
  diff "$TREE.doctor" "$TREE.find" | head >&2
  exit 1
fi
[ -s "$TREE.find" ] || { echo "no strays planted: nothing was compared" >&2; exit 1; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
doc=(); fnd=(); ratios=(); dcpu=(); fcpu=()
for i in $(seq "$N"); do
  if ((i % 2)); then before_doctor; read -r d dc < <(timed doctor); after_doctor; read -r f fc < <(timed finder)
  else read -r f fc < <(timed finder); before_doctor; read -r d dc < <(timed doctor); after_doctor; fi
  doc+=("$d"); fnd+=("$f"); ratios+=("$(awk "BEGIN{print $d/$f}")"); dcpu+=("$dc"); fcpu+=("$fc")
done
d=$(printf '%s\n' "${doc[@]}" | median); f=$(printf '%s\n' "${fnd[@]}" | median)
r=$(printf '%s\n' "${ratios[@]}" | median)
dc=$(printf '%s\n' "${dcpu[@]}" | median); fc=$(printf '%s\n' "${fcpu[@]}" | median)
printf 'doctor                       %s\n' "$DOCTOR"
printf 'tree                         %s files, %s strays, %s cores, warm cache, mode %s%s\n' \
  "$FILES" "$(wc -l <"$TREE.find")" "$(nproc)" "$MODE" "$([ -n "$spinner" ] && echo ', one core kept busy')"
printf 'runs                         %s pairs, alternating order, medians\n' "$N"
if [ "$MODE" = preflight ]; then
  # preflight keeps a cache of the walk (doctor.host.owner_cache): with it, a run lists only the
  # folders changed since the last walk; once an hour a full walk renews it after the run;
  # DOCTOR_NO_CACHE=1 makes every run a full walk with no cache at all (a first run ever), FIRST=1
  # one with the project's caches emptied (the first on a project)
  if [ -n "${DOCTOR_NO_CACHE:-}" ]; then
    echo 'doctor cache                 off (DOCTOR_NO_CACHE=1): every run is a full walk, no cache read or written (a first run ever)'
  elif [ "$FIRST" = 1 ]; then
    echo "doctor cache                 the project's emptied before each run, the user's kept: a full walk (the first on a project)"
  elif [ "$AGED" = 1 ]; then
    echo "doctor cache                 on, over an hour old before each run (renewed after it, untimed)"
  else
    echo "doctor cache                 on: warm from the untimed first walk"
  fi
fi
printf 'load average                 %s before, %s after\n' "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-29s%7.1f ms\n' "$([ "$MODE" = floor ] && echo 'bare C walk (walk_floor.c)' || echo 'doctor owners scan')" "$(awk "BEGIN{print $d/1000}")"
printf 'find TREE ! -uid U           %7.1f ms\n' "$(awk "BEGIN{print $f/1000}")"
printf '%-29s%7.2f   (target <= 1.00)\n' "$([ "$MODE" = floor ] && echo 'ratio floor/find' || echo 'ratio doctor/find')" "$(awk "BEGIN{print $d/$f}")"
printf 'median of pair ratios        %7.2f\n' "$r"
# the CPU both spent (user + system, doctor's find processes included): the work itself, however
# it was spread over the cores
printf 'CPU doctor / find            %7.0f / %.0f ms = %.2f\n' "$dc" "$fc" "$(awk "BEGIN{print $dc/($fc > 0 ? $fc : 1)}")"

#!/usr/bin/env bash
# root-owned-files walks the whole project (and .git) on every preflight, so it must cost no
# more than `find TREE ! -uid U`, the one-liner a developer would use instead.
# Builds a tree of FILES files (default 200k: 2,000 dirs of 100) owned by uid U with 1 % owned
# by root (needs root to chown), then times `python -m doctor.host.owners TREE U` against
# `find TREE ! -uid U` as paired runs (one of each, alternating), and prints both medians and
# their ratio. Both print the same paths (checked once).
#   N=11 FILES=200000 bash benchmarks/owners.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-11}
FILES=${FILES:-200000}
U=${U:-1000}
PYTHON=${PYTHON:-.venv/bin/python}
TREE=${TREE:-$(mktemp -d /tmp/doctor-owners-bench.XXXXXX)}
trap 'rm -rf "$TREE"' EXIT

"$PYTHON" - "$TREE" "$FILES" "$U" <<'EOF'
import os, sys
tree, files, uid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
dirs = max(1, files // 100)
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
EOF

usec() { local start end; start=$(date +%s%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s%N); echo $(((end - start) / 1000)); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

doctor_found=$("$PYTHON" -m doctor.host.owners "$TREE" "$U" | sort | md5sum)
find_found=$(find "$TREE" ! -uid "$U" | sort | md5sum)
[ "$doctor_found" = "$find_found" ] || { echo "doctor and find disagree on the strays" >&2; exit 1; }

doc=(); fnd=()
for _ in $(seq "$N"); do
  doc+=("$(usec "$PYTHON" -m doctor.host.owners "$TREE" "$U")")
  fnd+=("$(usec find "$TREE" ! -uid "$U")")
done
d=$(printf '%s\n' "${doc[@]}" | median); f=$(printf '%s\n' "${fnd[@]}" | median)
printf 'tree                         %s files, %s cores (%s paired runs, medians)\n' "$FILES" "$(nproc)" "$N"
printf 'doctor owners scan           %7.1f ms\n' "$(awk "BEGIN{print $d/1000}")"
printf 'find TREE ! -uid U           %7.1f ms\n' "$(awk "BEGIN{print $f/1000}")"
printf 'ratio doctor/find            %7.2f   (target <= 1.00)\n' "$(awk "BEGIN{print $d/$f}")"

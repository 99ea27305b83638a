#!/usr/bin/env bash
# Regenerate groupdb's data from GAP (Debian: gap gap-smallgrp gap-character-tables gap-hap).
# Usage: groupdb/build/build.sh [RAWDIR]   — takes about two hours on 2 cores.
# Writes RAWDIR/order_<n>.jsonl with two GAP processes, then packs them into
# data/groupdb/groupdb.sqlite with provenance (groupdb/build/pack.py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
raw=${1:-$root/build/groupdb-raw}
mkdir -p "$raw"
command -v gap >/dev/null || { echo "build.sh: GAP not found (apt-get install gap gap-smallgrp gap-character-tables gap-hap)" >&2; exit 2; }
# Order 128 alone costs about as much as all other orders together (its last groups,
# e.g. C2^7 with 29,212 subgroups, all normal and all stored, dominate).
run() {  # $1: GAP list of orders, $2: log name; resumes from leftover .part files
    start=$(for f in "$raw"/order_*.jsonl.part; do [ -e "$f" ] || continue
        n=${f##*order_}; n=${n%%.*}; echo "[$n, $(( $(wc -l < "$f") + 1 ))],"; done)
    echo "ORDERS := $1; OUTDIR := \"$raw/\"; START := [${start%,}];" > "$raw/$2.params.g"
    gap -q -o 8g "$raw/$2.params.g" "$here/export.g" > "$raw/$2.log" 2>&1
}
run "[128]; NAMES_LATER := [128, 192]" a &
run "Concatenation([1..127], [129..159]); NAMES_LATER := [128, 192]" b &
run "Concatenation([192], [160..191], [193..200]); NAMES_LATER := [128, 192]" c &
wait
# the structure names deferred above, one order per process
for n in 128 192; do
    echo "ORDERS := [$n]; OUTDIR := \"$raw/\";" > "$raw/names$n.params.g"
    gap -q -o 8g "$raw/names$n.params.g" "$here/names.g" > "$raw/names$n.log" 2>&1 &
done
wait
gap -q <<<'Print(GAPInfo.Version, "\n"); for p in ["smallgrp", "ctbllib"] do Print(p, " ", InstalledPackageVersion(p), "\n"); od; QUIT;' > "$raw/gap-version.txt"
"${PYTHON:-python3}" "$here/pack.py" "$raw" "$root/data/groupdb"

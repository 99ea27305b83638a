#!/usr/bin/env bash
# Regenerate groupdb's data from GAP (Debian: gap gap-smallgrp gap-character-tables gap-hap).
# Usage: groupdb/build/build.sh [RAWDIR]   — takes about an hour on 2 cores.
# Writes RAWDIR/order_<n>.jsonl with two GAP processes, then packs them into
# data/groupdb/groupdb.sqlite with provenance (groupdb/build/pack.py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
raw=${1:-$root/build/groupdb-raw}
mkdir -p "$raw"
command -v gap >/dev/null || { echo "build.sh: GAP not found (apt-get install gap gap-smallgrp gap-character-tables gap-hap)" >&2; exit 2; }
# Order 128 alone costs about as much as all other orders together.
run() {  # $1: GAP list of orders, $2: log name
    echo "ORDERS := $1; OUTDIR := \"$raw/\";" > "$raw/$2.params.g"
    gap -q -o 8g "$raw/$2.params.g" "$here/export.g" > "$raw/$2.log" 2>&1
}
run "Concatenation([128], [101..127], [129..159])" a &
run "Concatenation([1..100], [192], [160..191], [193..200])" b &
wait
gap -q <<<'Print(GAPInfo.Version, "\n"); for p in ["smallgrp", "ctbllib"] do Print(p, " ", InstalledPackageVersion(p), "\n"); od; QUIT;' > "$raw/gap-version.txt"
"${PYTHON:-python3}" "$here/pack.py" "$raw" "$root/data/groupdb"

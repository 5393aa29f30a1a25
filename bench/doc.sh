#!/usr/bin/env bash
# bench/doc.sh [COPIES=8]: emoguard doc against clamscan --alert-macros on the same Office files,
# in the same run, printed as files/s, MB/s and the ratio.
#   corpus "mixed":  every file of ../shared/testdata/office (Word, Excel, PowerPoint, Visio, zips, text)
#   corpus "macro":  only the files in which emoguard finds VBA or XLM macros
# Each corpus is copied COPIES times into a temporary folder (copies, not links: a walker that
# skips hard links would otherwise do less work), so that start-up time does not dominate.
# clamscan gets a one-signature database: its figure is a lower bound of its real cost.
set -euo pipefail
cd "$(dirname "$0")/.."
COPIES="${1:-8}"
BUILD="${EMOGUARD_BUILD:-build/release}"
EMOGUARD="$BUILD/src/cli/emoguard"
DATA="${EMOGUARD_TESTDATA:-../shared/testdata}"
if [ ! -x "$EMOGUARD" ]; then
  echo "bench/doc.sh: $EMOGUARD not found: run 'cmake --preset release && cmake --build --preset release' first" >&2
  exit 2
fi
if [ ! -d "$DATA/office" ]; then
  echo "bench/doc.sh: no Office corpus at $DATA/office (set EMOGUARD_TESTDATA)" >&2
  exit 2
fi
scripts/deps --bench >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/db" "$work/mixed" "$work/macro"
# One signature that matches nothing in the corpus (an .ndb hex body of random bytes).
echo "emoguard.bench.never:0:*:6a7f13c2d9e04b5a8c71" >"$work/db/one.ndb"

"$EMOGUARD" doc --json --no-progress --fail-on none "$DATA/office" >"$work/list.jsonl"
/usr/bin/python3 - "$work/list.jsonl" >"$work/macro-files.txt" <<'PY'
import json, sys
seen = set()
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r["type"] == "finding" and r["data"]["rule"]["id"].startswith(("document.vba", "document.xlm")):
        f = r["data"]["object"][0]
        if isinstance(f, str) and f not in seen:
            seen.add(f)
            print(f)
PY
for i in $(seq 1 "$COPIES"); do
  mkdir -p "$work/mixed/$i" "$work/macro/$i"
  cp -r "$DATA/office/." "$work/mixed/$i/"
  n=0
  while IFS= read -r f; do n=$((n + 1)); cp "$f" "$work/macro/$i/$n-$(basename "$f")"; done <"$work/macro-files.txt"
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "emoguard $("$EMOGUARD" --version | cut -d' ' -f2) (-j $(nproc)), $(clamscan --version | cut -d/ -f1)"
for corpus in mixed macro; do
  files=$(find "$work/$corpus" -type f | wc -l)
  bytes=$(du -sb "$work/$corpus" | cut -f1)
  hyperfine --warmup 1 --runs 3 --style none --export-json "$work/$corpus.json" \
    -n emoguard "$EMOGUARD doc --json --no-progress --fail-on none $work/$corpus >/dev/null" \
    -n clamscan "clamscan --no-summary --infected -d $work/db --alert-macros=yes -r $work/$corpus >/dev/null || true" >/dev/null
  /usr/bin/python3 - "$work/$corpus.json" "$corpus" "$files" "$bytes" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
corpus, files, size = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
e, c = res["emoguard"]["mean"], res["clamscan"]["mean"]
print(f"{corpus}: {files} files, {size / 1e6:.1f} MB")
for name, t in (("emoguard doc", e), ("clamscan --alert-macros", c)):
    print(f"  {name:26s} {t:7.3f} s  {files / t:9.0f} files/s  {size / 1e6 / t:8.1f} MB/s")
print(f"  ratio: emoguard is {c / e:.1f}x faster than clamscan")
PY
done

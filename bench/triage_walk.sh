#!/usr/bin/env bash
# Triage walk and type detection vs file(1): times `emoguard identify` and `emoguard triage` against
# libmagic's file(1) on the same generated tree in the same run, prints wall time, files/s and the
# ratio, then how often the two agree on a file's type (and how often each matches the generator's
# ground truth). Results go into docs/performance.md by hand, with the command that made them.
#
# Usage: bench/triage_walk.sh [N]      N files in the tree (default 100000)
# Binaries come from ${EMOGUARD_BUILD:-build/release}; nothing is built here.
# hyperfine is used when installed (JSON export kept in $EMOGUARD_BUILD/bench-results/); without
# it, or with EMOGUARD_BENCH_NO_HYPERFINE=1, a bash loop takes the best of 3 runs after a warm-up.
set -euo pipefail

n=${1:-100000}
if [[ ! $n =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: bench/triage_walk.sh [N]   (N: number of files to generate, default 100000)" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${EMOGUARD_BUILD:-build/release}
[[ $build == /* ]] || build=$root/$build
emoguard=$build/src/cli/emoguard
fixturegen=$build/tools/fixturegen/emoguard-fixturegen
for bin in "$emoguard" "$fixturegen"; do
  if [[ ! -x $bin ]]; then
    echo "bench/triage_walk.sh: $bin not found; build it first: cmake --preset release && cmake --build build/release" \
      "(or point EMOGUARD_BUILD at another build folder)" >&2
    exit 2
  fi
done
if ! command -v file >/dev/null; then
  echo "bench/triage_walk.sh: file(1) not found; install it (apt-get install file)" >&2
  exit 2
fi
python=/usr/bin/python3
if [[ ! -x $python ]]; then
  echo "bench/triage_walk.sh: $python not found; it is needed for the report (apt-get install python3)" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/emoguard-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
results=$build/bench-results
mkdir -p "$results"
tree=$tmp/tree

echo "== machine"
echo "cpus (nproc):  $(nproc)"
echo "cpu model:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory:        $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "kernel:        $(uname -sr)"
echo "load average:  $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the figures)"
echo "tree on:       $(df -PT "$tmp" | awk 'NR == 2 {print $2 " (" $1 ")"}')"
echo "emoguard:      $("$emoguard" --version) ($build)"
echo "file:          $(file --version 2>&1 | head -n1)"
if command -v hyperfine >/dev/null; then echo "hyperfine:     $(hyperfine --version)"; fi

echo
echo "== generating $n files"
t0=$(date +%s.%N)
"$fixturegen" tree "$tree" "$n" --seed 1 --expect "$tmp/expected.tsv"
t1=$(date +%s.%N)
echo "generated in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s; $(du -sh "$tree" | cut -f1) on disk"

q_tree=$(printf '%q' "$tree")
q_emoguard=$(printf '%q' "$emoguard")
names=(identify identify-j1 triage file)
cmds=(
  "$q_emoguard identify --json --no-progress $q_tree >/dev/null"
  "$q_emoguard identify --json --no-progress -j 1 $q_tree >/dev/null"
  "$q_emoguard triage --json --no-progress $q_tree >/dev/null"
  # file(1) one process at a time (-P1); xargs passes many names to each file process.
  "find $q_tree -type f -print0 | xargs -0 -P1 file -b >/dev/null"
)

# Exit 1 from triage means findings at or above --fail-on (the tree has disguised executables);
# only 2, an error, stops the benchmark. hyperfine then ignores exit codes (-i).
for i in "${!cmds[@]}"; do
  rc=0
  bash -c "${cmds[$i]}" || rc=$?
  if [[ $rc -gt 1 ]]; then
    echo "bench/triage_walk.sh: '${names[$i]}' failed with exit code $rc: ${cmds[$i]}" >&2
    exit 2
  fi
done

echo
echo "== timing (same tree, same run; page cache warm after a warm-up run)"
times=$tmp/times.tsv  # name<TAB>seconds used for the ratios<TAB>how
if command -v hyperfine >/dev/null && [[ -z ${EMOGUARD_BENCH_NO_HYPERFINE:-} ]]; then
  json=$results/triage_walk-$n.json
  args=()
  for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
  hyperfine --warmup 1 --runs 3 -i --export-json "$json" "${args[@]}"
  echo "hyperfine JSON: $json"
  "$python" - "$json" >"$times" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']}\t{r['mean']}\tmean of {len(r['times'])} (min {r['min']:.3f} s, max {r['max']:.3f} s)")
PY
else
  echo "(without hyperfine: one warm-up, then the best of 3 runs)"
  : >"$times"
  for i in "${!cmds[@]}"; do
    bash -c "${cmds[$i]}" || true
    best=""
    for _ in 1 2 3; do
      s=$(date +%s.%N)
      bash -c "${cmds[$i]}" || true
      e=$(date +%s.%N)
      d=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.6f", b - a }')
      if [[ -z $best ]] || awk -v d="$d" -v b="$best" 'BEGIN { exit !(d < b) }'; then best=$d; fi
    done
    printf '%s\t%s\tbest of 3\n' "${names[$i]}" "$best" >>"$times"
  done
fi

"$python" - "$times" "$n" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
n = int(sys.argv[2])
t = {name: float(sec) for name, sec, _ in rows}
print()
print(f"{'command':<14} {'wall s':>8} {'files/s':>10}  measured as")
for name, sec, how in rows:
    print(f"{name:<14} {float(sec):>8.3f} {n / float(sec):>10,.0f}  {how}")
print()
for name in ("identify", "identify-j1", "triage"):
    r = t["file"] / t[name]
    word = "faster" if r >= 1 else "slower"
    print(f"emoguard {name:<12} vs file(1): {max(r, 1 / r):.1f}x {word}")
PY

echo
echo "== type agreement with file(1) (random sample) and with the generator's ground truth"
"$emoguard" identify --json --no-progress "$tree" >"$tmp/identify.jsonl" || true
"$python" - "$tree" "$tmp/expected.tsv" "$tmp/identify.jsonl" <<'PY'
import json, random, subprocess, sys
from collections import Counter

tree, expected_tsv, jsonl = sys.argv[1:4]
prefix = tree.rstrip("/") + "/"
truth = dict(line.rstrip("\n").split("\t") for line in open(expected_tsv, encoding="utf-8"))

ours = {}
for line in open(jsonl, encoding="utf-8"):
    rec = json.loads(line)
    if rec["type"] == "finding" and rec["data"]["rule"]["id"] == "identify.content_type":
        ev = {e["key"]: e["value"] for e in rec["data"]["evidence"]}
        ours[rec["data"]["object"][0][len(prefix):]] = ev["label"]
for path, label in truth.items():  # identify reports nothing for a 0-byte file: it is "empty"
    if label == "empty" and path not in ours:
        ours[path] = "empty"

# file(1) descriptions to emoguard types. First match wins; generic "text" covers every text
# type because file(1) does not tell a log or a mail export from prose.
TEXT_TYPES = {"text", "log", "xml", "html", "json", "mail", "mbox"}
RULES = [
    ("empty", "empty", {"empty"}),
    ("Composite Document File", "ole2", {"ole2"}),
    ("CDFV2", "ole2", {"ole2"}),
    ("Microsoft Word 2007+", "ooxml", {"ooxml"}),
    ("Microsoft Excel 2007+", "ooxml", {"ooxml"}),
    ("Microsoft PowerPoint 2007+", "ooxml", {"ooxml"}),
    ("Microsoft Visio 2013+", "ooxml", {"ooxml"}),
    ("Microsoft OOXML", "ooxml", {"ooxml"}),
    ("OpenDocument", "zip", {"zip"}),
    ("Java archive", "zip", {"zip"}),
    ("Android package", "zip", {"zip"}),
    ("Zip archive", "zip", {"zip", "ooxml"}),
    ("PE32", "pe", {"pe"}),
    ("MS-DOS executable", "pe", {"pe"}),
    ("ELF", "elf", {"elf"}),
    ("PDF document", "pdf", {"pdf"}),
    ("Rich Text Format", "rtf", {"rtf"}),
    ("spreadsheet interchange", "sylk", {"sylk"}),
    ("gzip compressed", "gzip", {"gzip"}),
    ("7-zip archive", "7z", {"7z"}),
    ("RAR archive", "rar", {"rar"}),
    ("Microsoft Cabinet", "cab", {"cab"}),
    ("ISO 9660", "iso", {"iso"}),
    ("MS Windows registry file", "regf", {"regf"}),
    ("Event Log", "evtx", {"evtx"}),
    ("MS Windows shortcut", "lnk", {"lnk"}),
    ("OneNote", "onenote", {"onenote"}),
    ("RFC 822 mail", "mail", {"mail"}),
    ("SMTP mail", "mail", {"mail"}),
    ("news or mail", "mail", {"mail"}),
    ("MIME entity", "mail", {"mail"}),
    ("mbox", "mbox", {"mbox"}),
    ("mail text", "mail", {"mail", "mbox"}),
    ("HTML document", "html", {"html"}),
    ("XML", "xml", {"xml"}),
    ("JSON", "json", {"json", "log"}),
    ("CSV text", "csv", {"log"}),
    ("Windows Registry", "text", {"text"}),
    ("text", "text", TEXT_TYPES),
    ("data", "data", {"data"}),
]

def family(desc):
    for needle, fam, types in RULES:
        if needle in desc:
            return fam, types
    return "other: " + desc[:26], set()

files = sorted(truth)
sample = random.Random(1).sample(files, min(2000, len(files)))
descs = []
for i in range(0, len(sample), 200):
    batch = sample[i:i + 200]
    out = subprocess.run(["file", "-b", "--"] + [prefix + p for p in batch], capture_output=True, text=True, check=True).stdout
    lines = out.rstrip("\n").split("\n")
    if len(lines) != len(batch):
        sys.exit("file(1) printed an unexpected number of lines")
    descs += lines

agree = 0
generic = 0
pairs = Counter()
file_truth = 0
for path, desc in zip(sample, descs):
    fam, types = family(desc)
    label = ours.get(path, "(none)")
    if fam == "text" and types is TEXT_TYPES:
        generic += 1
    if label.split("/")[0] in types:
        agree += 1
    else:
        pairs[(fam, label)] += 1
    if truth[path].split("/")[0] in types:
        file_truth += 1
m = len(sample)
print(f"sample: {m} of {len(files)} files (random, seed 1)")
print(f"emoguard and file(1) agree on the type family: {agree}/{m} = {100 * agree / m:.1f}%")
print(f"  file(1) said only generic text for {generic} of them (counted as agreeing with any emoguard text type)")
print(f"file(1) family matches the generator's truth: {file_truth}/{m} = {100 * file_truth / m:.1f}%")
exact = sum(1 for p in files if ours.get(p) == truth[p])
print(f"emoguard label (type/subtype) matches the generator's truth: {exact}/{len(files)} = {100 * exact / len(files):.2f}% (all files)")
if pairs:
    print()
    print(f"{'disagreements: file(1) family':<34} {'emoguard label':<26} {'count':>5}")
    for (fam, label), c in pairs.most_common(15):
        print(f"{fam:<34} {label:<26} {c:>5}")
PY

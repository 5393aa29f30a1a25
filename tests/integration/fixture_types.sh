#!/usr/bin/env bash
# Regression test for content-type detection: `emoguard identify` must give every generated file
# exactly the label emoguard-fixturegen wrote for it in its --expect TSV. Each mismatch is printed.
# Usage: fixture_types.sh FIXTUREGEN EMOGUARD [SOURCE_DIR]
# With SOURCE_DIR, the content types are read from src/core/finding.cpp, so that a new type
# without a fixture fails here.
set -euo pipefail

fixturegen=${1:?usage: fixture_types.sh FIXTUREGEN EMOGUARD [SOURCE_DIR]}
emoguard=${2:?usage: fixture_types.sh FIXTUREGEN EMOGUARD [SOURCE_DIR]}
source_dir=${3:-}
python=/usr/bin/python3
if [[ ! -x $python ]]; then
  echo "SKIP: $python not found (the JSON comparison needs it)"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() {
  echo "FAIL: $*"
  failed=1
}

# compare DIR EXPECTED.TSV NAME: runs identify over DIR and compares every label.
compare() {
  local dir=$1 expected=$2 name=$3 rc=0
  "$emoguard" identify --json --no-progress "$dir" >"$tmp/$name.jsonl" 2>"$tmp/$name.err" || rc=$?
  if [[ $rc -ne 0 ]]; then
    fail "$name: emoguard identify exited $rc (expected 0); stderr:"
    sed 's/^/    /' "$tmp/$name.err"
  fi
  "$python" - "$dir" "$expected" "$tmp/$name.jsonl" "$name" <<'PY' || failed=1
import base64, json, sys
from collections import Counter

root, expected_tsv, jsonl, name = sys.argv[1:5]
prefix = root.rstrip("/") + "/"

def text(v):
    # Non-UTF-8 strings are written as {"bytes": base64}; our names are UTF-8, but decode either way.
    if isinstance(v, dict) and "bytes" in v:
        return base64.b64decode(v["bytes"]).decode("utf-8", "surrogateescape")
    return v

expected = {}
with open(expected_tsv, encoding="utf-8") as f:
    for line in f:
        path, label = line.rstrip("\n").split("\t")
        expected[path] = label

got, problems, summary = {}, [], None
with open(jsonl, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        rec = json.loads(line)
        kind, data = rec["type"], rec["data"]
        if kind == "summary":
            summary = data
        elif kind in ("error", "anomaly"):
            problems.append(f"{kind} record: {json.dumps(data, ensure_ascii=False)}")
        elif kind == "finding" and data["rule"]["id"] == "identify.content_type":
            path = text(data["object"][0])
            rel = path[len(prefix):] if path.startswith(prefix) else path
            ev = {text(e["key"]): text(e["value"]) for e in data["evidence"]}
            if rel in got:
                problems.append(f"{rel}: reported twice")
            got[rel] = ev.get("label")

mismatches = []
for path, label in sorted(expected.items()):
    if label == "empty":
        # identify reports no finding for a 0-byte file; the summary counts it as "empty".
        if path in got:
            mismatches.append(f"{path}: expected empty, got {got[path]}")
        continue
    if path not in got:
        mismatches.append(f"{path}: expected {label}, got no finding")
    elif got[path] != label:
        mismatches.append(f"{path}: expected {label}, got {got[path]}")
for path in sorted(set(got) - set(expected)):
    problems.append(f"{path}: reported but not in the expected list")
if summary is None:
    problems.append("no summary record")
else:
    empties = sum(1 for v in expected.values() if v == "empty")
    if summary.get("files_by_type", {}).get("empty", 0) != empties:
        problems.append(f"summary counts {summary.get('files_by_type', {}).get('empty', 0)} empty files, expected {empties}")
    if summary.get("files") != len(expected):
        problems.append(f"summary counts {summary.get('files')} files, expected {len(expected)}")

for m in mismatches:
    print(f"MISMATCH [{name}] {m}")
for p in problems:
    print(f"PROBLEM [{name}] {p}")
by_label = Counter(expected.values())
print(f"{name}: {len(expected) - len(mismatches)} of {len(expected)} labels match ({len(by_label)} distinct labels)")
sys.exit(1 if mismatches or problems else 0)
PY
}

# 1. The evidence set: every type and subtype the detector knows.
"$fixturegen" evidence "$tmp/evidence" --expect "$tmp/evidence.tsv" >/dev/null
compare "$tmp/evidence" "$tmp/evidence.tsv" evidence

# The set must cover every label of the detector, so that a new subtype without a fixture fails here.
for label in ole2 ole2/doc ole2/xls ole2/ppt ole2/msg ole2/msi ole2/encrypted_ooxml ole2/vsd \
  ooxml ooxml/docx ooxml/docm ooxml/xlsx ooxml/xlsm ooxml/xlsb ooxml/pptx ooxml/pptm ooxml/vsdx \
  zip zip/encrypted zip/odf zip/jar zip/apk zip/emoguard_collection evtx regf mail mail/mhtml mbox lnk onenote \
  pe/exe pe/dll pe/mz elf pdf rtf sylk gzip 7z rar cab iso \
  xml xml/word2003 xml/flat_opc xml/applocker_policy xml/event_xml xml/wdac_policy xml/wsf html html/hta \
  json json/emoguard_manifest log/zeek_tsv log/zeek_json log/suricata_eve log/squid log/jsonl log/csv log/tsv \
  log/ssv log/syslog log/event_json text data data/zeros empty; do
  cut -f2 "$tmp/evidence.tsv" | grep -qxF "$label" || fail "evidence set has no file labelled $label"
done

if [[ -n $source_dir ]]; then
  "$python" - "$source_dir/src/core/finding.cpp" "$tmp/evidence.tsv" <<'PY' || failed=1
import re, sys
src = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"kTypeNames\s*=\s*\{([^}]*)\}", src)
if not m:
    sys.exit(f"PROBLEM cannot find kTypeNames in {sys.argv[1]}: update this test")
types = re.findall(r'"([^"]+)"', m.group(1))
covered = {line.split("\t")[1].strip().split("/")[0] for line in open(sys.argv[2], encoding="utf-8")}
missing = [t for t in types if t not in covered]
for t in missing:
    print(f"FAIL: content type {t} (src/core/finding.cpp) has no file in the evidence set")
sys.exit(1 if missing else 0)
PY
fi

# 2. A mixed tree: the same writers with varied contents.
"$fixturegen" tree "$tmp/tree" 1500 --seed 7 --expect "$tmp/tree.tsv" >/dev/null
compare "$tmp/tree" "$tmp/tree.tsv" tree

# 3. Deterministic: a second run gives the same bytes, names and file times.
"$fixturegen" evidence "$tmp/evidence2" >/dev/null
diff -r "$tmp/evidence" "$tmp/evidence2" >/dev/null || fail "two evidence runs differ"
(cd "$tmp/evidence" && find . -type f -printf '%P %T@\n' | sort) >"$tmp/times1"
(cd "$tmp/evidence2" && find . -type f -printf '%P %T@\n' | sort) >"$tmp/times2"
cmp -s "$tmp/times1" "$tmp/times2" || fail "two evidence runs give different file times"
"$fixturegen" tree "$tmp/tree2" 1500 --seed 7 >/dev/null
diff -r "$tmp/tree" "$tmp/tree2" >/dev/null || fail "two tree runs with the same seed differ"

# 4. Never writes into a folder that is not empty, never overwrites, exits 2 with one line.
mkdir "$tmp/busy"
echo "user data" >"$tmp/busy/keep.txt"
rc=0
"$fixturegen" evidence "$tmp/busy" >"$tmp/busy.out" 2>"$tmp/busy.err" || rc=$?
[[ $rc -eq 2 ]] || fail "a non-empty folder gave exit $rc, expected 2"
[[ $(wc -l <"$tmp/busy.err") -eq 1 ]] || fail "a non-empty folder gave more than one line on stderr"
[[ $(ls -A "$tmp/busy") == keep.txt && $(cat "$tmp/busy/keep.txt") == "user data" ]] || fail "the non-empty folder was modified"
rc=0
"$fixturegen" evidence "$tmp/new" --expect "$tmp/evidence.tsv" >/dev/null 2>&1 || rc=$?
[[ $rc -eq 2 && ! -e $tmp/new ]] || fail "an existing --expect file did not stop the run before writing (exit $rc)"
rc=0
"$fixturegen" evidence "$tmp/new2" --expect "$tmp/new2/x.tsv" >/dev/null 2>&1 || rc=$?
[[ $rc -eq 2 ]] || fail "an --expect file inside DIR was accepted (exit $rc)"
rc=0
"$fixturegen" tree "$tmp/new3" zero >/dev/null 2>&1 || rc=$?
[[ $rc -eq 2 ]] || fail "a bad N was accepted (exit $rc)"

if [[ $failed -ne 0 ]]; then
  echo "integration.fixture_types: FAILED"
  exit 1
fi
echo "integration.fixture_types: passed"

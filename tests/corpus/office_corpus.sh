#!/usr/bin/env bash
# Corpus tests for `emoguard doc` on the public Office files in ../shared/testdata/office:
#   extract   - Module1 extracted from each SimpleMacro.* equals the SimpleMacro.vba beside it
#   benign    - no finding above medium on the benign files (Apache POI and oletools test data)
#   xlm       - Excel 4.0 macros found in every Excel format of the oletools samples and POI's xlmmacro.xlsm
# Skips, saying why, when the test data is absent.
# usage: office_corpus.sh EMOGUARD CASE
set -uo pipefail
EMOGUARD="$1"
CASE="$2"
DATA="${EMOGUARD_TESTDATA:-}"
if [ -z "$DATA" ]; then
  here="$(cd "$(dirname "$0")" && pwd)"
  DATA="$(cd "$here/../../../shared/testdata" 2>/dev/null && pwd || true)"
fi
if [ -z "$DATA" ] || [ ! -d "$DATA/office/poi" ]; then
  echo "SKIP: public test data not found (set EMOGUARD_TESTDATA or place shared/testdata beside the repository)"
  exit 77
fi
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
failures=0

case "$CASE" in
extract)
  # Known gaps, listed so that they cannot pass silently:
  # .vsd keeps VBA inside the VisioDocument binary stream (not parsed yet).
  known_gap="vsd"
  for vba in "$DATA"/office/poi/*/SimpleMacro.vba; do
    dir="$(dirname "$vba")"
    for f in "$dir"/SimpleMacro.*; do
      ext="${f##*.}"
      [ "$ext" = vba ] && continue
      out="$T/$ext"
      "$EMOGUARD" doc --no-progress -q --extract "$out" "$f" >/dev/null 2>"$T/err"
      got="$(find "$out" -name Module1.bas 2>/dev/null | head -1)"
      if [ -n "$got" ] && cmp -s "$got" "$vba"; then
        echo "ok: $(basename "$f"): Module1 equals SimpleMacro.vba"
      elif [[ " $known_gap " == *" $ext "* ]]; then
        echo "known gap: $(basename "$f"): not extracted yet"
        [ -n "$got" ] && { echo "FAIL: $(basename "$f") now extracts: remove it from known_gap"; failures=$((failures + 1)); }
      else
        echo "FAIL: $(basename "$f"): ${got:-no Module1.bas extracted}"; failures=$((failures + 1))
        [ -n "$got" ] && diff <(cat -A "$got") <(cat -A "$vba") | head -10
      fi
    done
  done
  ;;
benign)
  "$EMOGUARD" doc --json --no-progress --fail-on none "$DATA/office" >"$T/out.jsonl"
  rc=$?
  if [ "$rc" -ne 0 ]; then echo "FAIL: exit $rc"; failures=$((failures + 1)); fi
  /usr/bin/python3 - "$T/out.jsonl" <<'PY' || failures=$((failures + 1))
import json, sys
bad, macros = [], 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r["type"] == "finding":
        d = r["data"]
        if d["rule"]["id"].startswith("document.vba"):
            macros += 1
        # The issue's bar: no finding above medium on benign files.
        if d["severity"] in ("high", "critical"):
            bad.append((d["severity"], d["rule"]["id"], d["object_path"]))
    if r["type"] == "error":
        bad.append(("error", r["data"]["input"], r["data"]["message"]))
for b in bad:
    print("FAIL:", *b)
print(f"{macros} VBA projects seen, {len(bad)} above the benign bar")
# The corpus is known to hold dozens of macro files: seeing none means the analyzer went blind.
sys.exit(1 if bad or macros < 30 else 0)
PY
  ;;
xlm)
  for f in "$DATA"/office/oletools/excel4-macros/* "$DATA"/office/poi/spreadsheet/xlmmacro.xlsm; do
    "$EMOGUARD" doc --json --no-progress --fail-on none "$f" >"$T/x.jsonl"
    if ! /usr/bin/python3 - "$T/x.jsonl" "$(basename "$f")" <<'PY'; then failures=$((failures + 1)); fi
import json, sys
name = sys.argv[2]
xlm = [json.loads(l)["data"] for l in open(sys.argv[1], encoding="utf-8") if '"document.xlm_' in l and '"type":"finding"' in l]
if not xlm:
    print(f"FAIL: {name}: no XLM finding"); sys.exit(1)
ev = [(e["key"], e["value"]) for e in xlm[0]["evidence"]]
if name.startswith("excel4_sample_macro"):
    want = ['=ALERT("This is a sample Excel 4 macro")', "=HALT()"]
    got = [v.split(" ", 1)[1] for k, v in ev if k == "formula"]
    if got != want:
        print(f"FAIL: {name}: formulas {got}"); sys.exit(1)
    if not any(k == "auto_run" for k, _ in ev):
        print(f"FAIL: {name}: Auto_Open not found"); sys.exit(1)
print(f"ok: {name}: {xlm[0]['rule']['id']} ({xlm[0]['severity']})")
PY
  done
  ;;
*) echo "unknown case $CASE"; exit 2 ;;
esac
echo "$CASE: $failures failure(s)"
[ "$failures" -eq 0 ]

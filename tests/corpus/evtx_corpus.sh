#!/usr/bin/env bash
# Corpus tests for `emoguard evtx` on the public logs in ../shared/testdata:
#   differential - SigmaHQ regression .evtx equal their .json; every record of testdata/evtx agrees
#                  with libevtx's evtxexport, or with python-evtx where libevtx renders a field
#                  differently (tests/corpus/evtx_differential.py)
#   every_file   - every .evtx is read to the end, with and without --carve, in 1 and 2 threads:
#                  exit 0, no record unreadable, and the same records whatever the thread count
# Skips, saying why, when the test data or the peer tools are absent.
# usage: evtx_corpus.sh EMOGUARD CASE
set -uo pipefail
EMOGUARD="$1"
CASE="$2"
DATA="${EMOGUARD_TESTDATA:-}"
if [ -z "$DATA" ]; then
  here="$(cd "$(dirname "$0")" && pwd)"
  DATA="$(cd "$here/../../../shared/testdata" 2>/dev/null && pwd || true)"
fi
if [ -z "$DATA" ] || [ ! -d "$DATA/evtx" ]; then
  echo "SKIP: public test data not found (set EMOGUARD_TESTDATA or place shared/testdata beside the repository)"
  exit 77
fi
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT

case "$CASE" in
differential)
  if ! command -v evtxexport >/dev/null; then
    echo "SKIP: evtxexport (Debian libevtx-utils) not installed; scripts/deps installs it"
    exit 77
  fi
  python3 "$(dirname "$0")/evtx_differential.py" "$EMOGUARD" "$DATA"
  exit $?
  ;;
every_file)
  fail=0
  for carve in "" "--carve"; do
    for j in 1 2; do
      "$EMOGUARD" evtx --json --no-progress -j "$j" $carve "$DATA/evtx" >"$T/out.$j" 2>"$T/err.$j"
      rc=$?
      if [ "$rc" != 0 ]; then echo "FAIL: exit $rc with -j $j $carve"; tail -3 "$T/err.$j"; fail=1; fi
      sum="$(grep '"type":"summary"' "$T/err.$j")"
      unreadable="$(echo "$sum" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["extra"]["records_unreadable"])')"
      if [ "$unreadable" != 0 ]; then echo "FAIL: $unreadable unreadable records with -j $j $carve"; fail=1; fi
    done
    if ! cmp -s "$T/out.1" "$T/out.2"; then echo "FAIL: output differs between 1 and 2 threads ($carve)"; fail=1; fi
    echo "records ${carve:-(live)}: $(wc -l <"$T/out.1")"
  done
  files="$(find "$DATA/evtx" -name '*.evtx' | wc -l)"
  echo "files: $files"
  [ "$files" -gt 0 ] || { echo "FAIL: no .evtx found"; fail=1; }
  exit $fail
  ;;
*)
  echo "unknown case $CASE"
  exit 2
  ;;
esac

#!/usr/bin/env bash
# Golden tests: `emoguard triage --json` over the generated evidence folder must equal the
# expected JSON Lines byte for byte (after removing the start time and elapsed seconds).
#   golden.sh check      EMOGUARD FIXTUREGEN   compare (ctest runs this)
#   golden.sh regenerate EMOGUARD FIXTUREGEN   rewrite expected/ (never edit expected files by hand)
# The input folder is `emoguard-fixturegen evidence`, deterministic by construction.
set -euo pipefail
mode="$1"
emoguard="$(realpath "$2")"
fixturegen="$(realpath "$3")"
here="$(cd "$(dirname "$0")" && pwd)"
expected="${here}/triage/expected/evidence.jsonl"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
"${fixturegen}" evidence "${work}/evidence" >/dev/null

normalise() { sed -E 's/"started":"[^"]*"/"started":"1970-01-01T00:00:00Z"/; s/"elapsed_s":[0-9.]+/"elapsed_s":0/'; }
# Relative paths keep the output independent of where the folder was generated.
set +e
(cd "${work}/evidence" && "${emoguard}" triage --json --no-progress -j 2 .) | normalise >"${work}/actual.jsonl"
set -e

case "${mode}" in
  regenerate)
    mkdir -p "$(dirname "${expected}")"
    cp "${work}/actual.jsonl" "${expected}"
    echo "golden: wrote ${expected} ($(wc -l <"${expected}") lines)"
    ;;
  check)
    if diff -u "${expected}" "${work}/actual.jsonl"; then
      echo "golden: triage output matches ($(wc -l <"${expected}") lines)"
    else
      echo "golden: triage output differs from ${expected}."
      echo "If the change is intended, run tests/golden/golden.sh regenerate EMOGUARD FIXTUREGEN and review the diff."
      exit 1
    fi
    ;;
  *) echo "usage: golden.sh check|regenerate EMOGUARD FIXTUREGEN" >&2; exit 2 ;;
esac

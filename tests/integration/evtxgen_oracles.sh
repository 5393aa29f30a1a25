#!/usr/bin/env bash
# emoguard-evtxgen against two independent EVTX readers: every example spec in tools/evtxgen/examples,
# a --repeat file spanning several chunks and a --records-per-chunk-max file must read back through
# python-evtx (evtx_dump.py) and libevtx (evtxexport) with exactly the System fields and values the
# spec gave, and with valid CRCs and tables (tools/evtxgen/check_oracles.py does the comparing).
# Also: the output is deterministic, every --damage kind makes exactly its defect, a bad spec gets
# exit 2 and one line on stderr, and the checker itself notices a wrong value.
# Usage: evtxgen_oracles.sh EVTXGEN
set -euo pipefail

gen=${1:?usage: evtxgen_oracles.sh EVTXGEN}
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=$src/tools/evtxgen
examples=$dir/examples

if ! command -v evtx_dump.py >/dev/null 2>&1; then
  echo "SKIP: evtx_dump.py not found (Debian package python3-evtx; scripts/deps installs it)"
  exit 77
fi
if ! command -v evtxexport >/dev/null 2>&1; then
  echo "SKIP: evtxexport not found (Debian package libevtx-utils; scripts/deps installs it)"
  exit 77
fi
# The checker imports python-evtx's library, so it runs under the interpreter evtx_dump.py names.
read -r -a python < <(head -n 1 "$(command -v evtx_dump.py)" | sed 's/^#! *//')
if ! "${python[@]}" -c 'import Evtx.Evtx' >/dev/null 2>&1; then
  echo "SKIP: the Evtx module is not importable by ${python[*]} (evtx_dump.py's interpreter)"
  exit 77
fi
check=("${python[@]}" "$dir/check_oracles.py")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() {
  echo "ok: $*"
  passed=$((passed + 1))
}
fail() {
  echo "FAIL: $*"
  failed=$((failed + 1))
}

# generate NAME SPEC ARGS...: writes $tmp/NAME.evtx, failing the step on a non-zero exit.
generate() {
  local name=$1 spec=$2
  shift 2
  if ! "$gen" "$spec" "$tmp/$name.evtx" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"; then
    fail "$name: emoguard-evtxgen exited non-zero: $(cat "$tmp/$name.err")"
    return 1
  fi
}

# oracle NAME SPEC [check args]: both readers against the spec.
oracle() {
  local name=$1 spec=$2
  shift 2
  if "${check[@]}" check "$spec" "$tmp/$name.evtx" "$@" >"$tmp/$name.check" 2>&1; then
    ok "$name: $(tail -n 1 "$tmp/$name.check" | sed 's/^ *//')"
    grep -v "records, python-evtx compared" "$tmp/$name.check" | sed 's/^/    /' || true
  else
    fail "$name: the oracles disagree with the spec:"
    sed 's/^/    /' "$tmp/$name.check"
  fi
}

# 1. Every example, byte-identical on a second run.
shopt -s nullglob
specs=("$examples"/*.json)
if ((${#specs[@]} < 6)); then
  fail "expected the 6 example specs in $examples, found ${#specs[@]}"
fi
for spec in "${specs[@]}"; do
  name=$(basename "$spec" .json)
  generate "$name" "$spec" || continue
  oracle "$name" "$spec"
  cp "$tmp/$name.evtx" "$tmp/$name.first"
  generate "$name" "$spec" || continue
  if cmp -s "$tmp/$name.first" "$tmp/$name.evtx"; then
    ok "$name: deterministic"
  else
    fail "$name: a second run wrote different bytes"
  fi
done

# 2. Many chunks: records roll over into new chunks, templates and names are written inline again.
if generate repeat "$examples/sysmon1_office_child.json" --repeat 150; then
  size=$(stat -c %s "$tmp/repeat.evtx")
  if ((size >= 4096 + 5 * 65536)); then
    ok "repeat: $(((size - 4096) / 65536)) chunks"
  else
    fail "repeat: only $(((size - 4096) / 65536)) chunk(s); expected at least 5"
  fi
  oracle repeat "$examples/sysmon1_office_child.json" --repeat 150
fi
if generate per_chunk "$examples/all_types.json" --repeat 7 --records-per-chunk-max 4; then
  oracle per_chunk "$examples/all_types.json" --repeat 7 --records-per-chunk-max 4
fi

# 3. Damage: each kind against the clean file written with the same arguments.
base=(--repeat 100 --records-per-chunk-max 40)  # 200 records in 5 chunks, ids 52310..52509
if generate clean "$examples/security_4688.json" "${base[@]}"; then
  oracle clean "$examples/security_4688.json" "${base[@]}"
  for kind in flip:5000 header-crc dirty no-crc chunk-crc:2 zero-chunk:1 truncate-chunk:3 garbage:52350 chunk-count:2; do
    generate damaged "$examples/security_4688.json" "${base[@]}" --damage "$kind" || continue
    if "${check[@]}" damage "$kind" "$tmp/clean.evtx" "$tmp/damaged.evtx" >"$tmp/damage.check" 2>&1; then
      ok "damage $kind"
    else
      fail "damage $kind:"
      sed 's/^/    /' "$tmp/damage.check"
    fi
  done
fi

# 4. The checker notices a wrong value, through both readers.
"${python[@]}" - "$examples/security_4688.json" "$tmp/mutated.json" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1], encoding="utf-8"))
spec["events"][1]["event_data"]["NewProcessName"] = "C:\\Windows\\System32\\notepad.exe"
json.dump(spec, open(sys.argv[2], "w", encoding="utf-8"))
PY
if generate mutated_base "$examples/security_4688.json"; then
  if "${check[@]}" check "$tmp/mutated.json" "$tmp/mutated_base.evtx" >"$tmp/mutated.check" 2>&1; then
    fail "the checker accepted a file whose NewProcessName differs from the spec"
  elif grep -q "MISMATCH python-evtx: .*NewProcessName" "$tmp/mutated.check" &&
    grep -q "MISMATCH libevtx: .*NewProcessName" "$tmp/mutated.check"; then
    ok "the checker reports a wrong value through both readers"
  else
    fail "the checker failed, but not on NewProcessName through both readers:"
    sed 's/^/    /' "$tmp/mutated.check"
  fi
fi

# 5. Bad input: exit 2, one line on stderr naming the file, nothing written.
bad() {
  local what=$1 json=$2 expect=$3 rc=0
  shift 3
  printf '%s' "$json" >"$tmp/bad.json"
  "$gen" "$tmp/bad.json" "$tmp/bad.evtx" "$@" >/dev/null 2>"$tmp/bad.err" || rc=$?
  if [[ $rc -ne 2 ]]; then
    fail "$what: exit $rc, expected 2"
  elif [[ $(wc -l <"$tmp/bad.err") -ne 1 ]] || ! grep -q -- "$expect" "$tmp/bad.err"; then
    fail "$what: expected one stderr line with '$expect', got: $(cat "$tmp/bad.err")"
  elif [[ -e $tmp/bad.evtx ]]; then
    fail "$what: an output file was left behind"
  else
    ok "$what: $(cat "$tmp/bad.err")"
  fi
}
ev='"provider":"P","event_id":1,"channel":"C","computer":"h.example.invalid"'
bad "invalid JSON" '{"events":[{' "bad.json: not valid JSON"
bad "missing field" '{"events":[{"provider":"P","event_id":1}]}' 'bad.json: events\[0\]: missing "channel"'
bad "unknown key" "{\"events\":[{$ev,\"evnt_data\":{}}]}" "bad.json: events\[0\]: unknown key 'evnt_data'"
bad "out of range" "{\"events\":[{$ev,\"event_data\":{\"X\":{\"type\":\"uint8\",\"value\":300}}}]}" "bad.json: events\[0\].event_data.X: value 300"
bad "bad GUID" "{\"events\":[{$ev,\"guid\":\"{not-a-guid}\"}]}" "bad.json: events\[0\].guid: '{not-a-guid}' is not a GUID"
bad "bad time" "{\"events\":[{$ev,\"time\":\"2020-02-30T00:00:00Z\"}]}" "bad.json: events\[0\].time:.*day out of range"
bad "unknown type" "{\"events\":[{$ev,\"event_data\":{\"X\":{\"type\":\"uint128\",\"value\":1}}}]}" "unknown value type 'uint128'"
bad "no such chunk" "{\"events\":[{$ev}]}" "bad.evtx: --damage zero-chunk:9: the file has 1 chunk slot" --damage zero-chunk:9

echo "$passed passed, $failed failed"
((failed == 0))

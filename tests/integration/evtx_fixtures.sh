#!/usr/bin/env bash
# emoguard evtx on logs made by the test-only writer (tools/evtxgen):
#   examples - every example spec reads back through emoguard exactly as libevtx reads it
#              (flattened fields, normalised as in tests/corpus/evtx_differential.py), and the
#              filters select the records they name
#   damage   - every damage kind is reported as its anomaly, reading goes on past it, and no
#              record is lost that the damage did not touch; 60 random byte flips never crash
#   memory   - a 2 GB log is read (parse-only and to JSON) with peak RSS under 200 MB
#   cli      - --help, one-line errors for bad options and inputs, stderr JSON Lines valid against
#              docs/output-format.schema.json, a closed pipe, the same output for any -j
# usage: evtx_fixtures.sh EMOGUARD EVTXGEN SOURCE_DIR CASE
set -uo pipefail
E="$1"
G="$2"
SRC="$3"
CASE="$4"
EX="$SRC/tools/evtxgen/examples"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
fail=0
pass() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
# The summary's extra figures, from the JSON Lines on stderr.
extra() { grep '"type":"summary"' "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['data']['extra']['$2'])"; }
has_code() { grep -q "\"code\":\"$2\"" "$1"; }

case "$CASE" in
examples)
  if ! command -v evtxexport >/dev/null; then echo "SKIP: evtxexport (libevtx-utils) not installed; scripts/deps installs it"; exit 77; fi
  for spec in "$EX"/*.json; do
    b="$(basename "$spec" .json)"
    "$G" "$spec" "$T/$b.evtx" >/dev/null || { bad "$b: writer failed"; continue; }
    "$E" evtx --xml --no-progress "$T/$b.evtx" >"$T/$b.ours.xml" 2>"$T/$b.err" || bad "$b: exit $?"
    evtxexport -f xml "$T/$b.evtx" >"$T/$b.theirs.xml" 2>/dev/null
    if python3 - "$SRC/tests/corpus" "$T/$b.ours.xml" "$T/$b.theirs.xml" "$T/$b.evtx" <<'PY'
import shutil, subprocess, sys
sys.path.insert(0, sys.argv[1])
from evtx_differential import records_from_xml
a = records_from_xml(open(sys.argv[2], encoding='utf-8', errors='replace').read())
b = records_from_xml(open(sys.argv[3], encoding='utf-8', errors='replace').read())
py = None
if shutil.which('evtx_dump.py'):
    py = records_from_xml(subprocess.run(['evtx_dump.py', sys.argv[4]], capture_output=True, text=True, errors='replace').stdout)
if len(a) != len(b) or not a:
    print(f'  {len(a)} records, libevtx {len(b)}'); sys.exit(1)
for i, (x, y) in enumerate(zip(a, b)):
    dx, dy = dict(x), dict(y)
    for k in dict.fromkeys([k for k, _ in x + y]):
        if dx.get(k) == dy.get(k):
            continue
        # libevtx 20181227 prints Int8 in sign-magnitude (-5 as -123): python-evtx decides.
        if py is not None and i < len(py) and dict(py[i]).get(k) == dx.get(k):
            print(f'  record {i}: {k}: libevtx {dy.get(k)!r}, python-evtx agrees with ours {dx.get(k)!r}')
            continue
        # SizeT: we print hex as Windows and the evtx crate do; libevtx and python-evtx decimal.
        o, t = dx.get(k) or '', dy.get(k) or ''
        if o.startswith('0x') and t.isdigit() and int(o, 16) == int(t):
            print(f'  record {i}: {k}: libevtx {t!r} is our {o!r} in decimal (SizeT)')
            continue
        print(f'  record {i}: {k}: ours {dx.get(k)!r:.100} libevtx {dy.get(k)!r:.100}'); sys.exit(1)
PY
    then pass "$b: every field equals libevtx's"; else bad "$b: differs from libevtx"; fi
  done
  # Filters: the 4104 example has 3 script-block parts; the Sysmon example none of them.
  cat "$T"/*.evtx >/dev/null
  n="$("$E" evtx --count --no-progress --event-id 4100-4104 "$T/powershell_4104.evtx" "$T/sysmon1_office_child.evtx" 2>/dev/null | awk '{s+=$1} END {print s}')"
  [ "$n" = 3 ] && pass "--event-id 4100-4104 selects the 3 script-block parts" || bad "--event-id gave $n records"
  n="$("$E" evtx --count --no-progress --channel security "$T"/*.evtx 2>/dev/null | awk '{s+=$1} END {print s}')"
  all_4688="$("$E" evtx --json --no-progress "$T/security_4688.evtx" 2>/dev/null | wc -l)"
  [ "$n" = "$all_4688" ] && [ "$n" -gt 0 ] && pass "--channel security (any case) selects the $n Security records" || bad "--channel gave $n, want $all_4688"
  n="$("$E" evtx --count --no-progress --until 2000-01-01 "$T"/*.evtx 2>/dev/null | awk '{s+=$1} END {print s}')"
  [ "$n" = 0 ] && pass "--until before every event selects none" || bad "--until gave $n"
  "$E" evtx --csv --no-progress "$T/security_4688.evtx" >"$T/4688.csv" 2>/dev/null
  head -1 "$T/4688.csv" | grep -q '^timestamp_utc,record_id,computer,channel,provider,event_id,level,event_data,file' &&
    pass "CSV header" || bad "CSV header: $(head -1 "$T/4688.csv")"
  grep -q 'NewProcessName' "$T/4688.csv" && pass "CSV carries the event data" || bad "CSV lacks NewProcessName"
  ;;
damage)
  spec="$EX/security_4688.json"
  "$G" "$spec" "$T/clean.evtx" --repeat 400 >"$T/gen" || { bad "writer failed"; exit 1; }
  total="$("$E" evtx --count --no-progress "$T/clean.evtx" 2>/dev/null | cut -f1)"
  chunks="$(( ($(stat -c %s "$T/clean.evtx") - 4096) / 65536 ))"
  echo "clean file: $total records in $chunks chunks"
  [ "$chunks" -ge 4 ] || bad "want at least 4 chunks, got $chunks"
  per_chunk="$("$E" evtx --json --no-progress "$T/clean.evtx" 2>/dev/null | wc -l)"
  run() {  # run NAME DAMAGE... : damaged copy, then emoguard on it
    local name="$1"; shift
    "$G" "$spec" "$T/$name.evtx" --repeat 400 "$@" >/dev/null || { bad "$name: writer failed"; return 1; }
    "$E" evtx --json --no-progress "$T/$name.evtx" >"$T/$name.out" 2>"$T/$name.err"
    echo $? >"$T/$name.rc"
  }
  check() {  # check NAME CODE MIN MAX : exit 0, anomaly CODE, records written in [MIN, MAX]
    local rc n; rc="$(cat "$T/$1.rc")"; n="$(wc -l <"$T/$1.out")"
    [ "$rc" = 0 ] || bad "$1: exit $rc"
    if [ -n "$2" ]; then has_code "$T/$1.err" "$2" && pass "$1: reported as $2" || bad "$1: no $2 anomaly"; fi
    { [ "$n" -ge "$3" ] && [ "$n" -le "$4" ]; } && pass "$1: $n records read (want $3..$4)" || bad "$1: $n records, want $3..$4"
  }
  run header-crc --damage header-crc && check header-crc evtx.header_crc_mismatch "$total" "$total"
  run dirty --damage dirty && check dirty evtx.dirty "$total" "$total"
  run no-crc --damage no-crc && check no-crc "" "$total" "$total"
  if [ -f "$T/no-crc.err" ] && grep -q 'crc_mismatch' "$T/no-crc.err"; then bad "no-crc: CRCs checked although the file says it has none"; fi
  run chunk-crc --damage chunk-crc:1 && check chunk-crc evtx.chunk_data_crc_mismatch "$total" "$total"
  "$E" evtx --json --no-progress --strict-crc "$T/chunk-crc.evtx" >"$T/strict.out" 2>/dev/null
  [ "$(wc -l <"$T/strict.out")" -lt "$total" ] && pass "--strict-crc drops the chunk with the bad CRC" || bad "--strict-crc kept every record"
  run zero-chunk --damage zero-chunk:2 && check zero-chunk "" $((total / chunks / 2)) $((total - 1))
  run truncate --damage truncate-chunk:2 && check truncate evtx.chunk_truncated 1 $((total - 1))
  first_id="$(python3 -c "import json,sys; print(json.load(open(sys.argv[1])).get('start_record_id', 1))" "$spec")"
  run garbage --damage "garbage:$((first_id + 5))" && check garbage evtx.record_malformed $((total - 1)) $((total - 1))
  [ "$(extra "$T/garbage.err" records_unreadable)" = 1 ] && pass "garbage: exactly one record unreadable" || bad "garbage: records_unreadable $(extra "$T/garbage.err" records_unreadable)"
  run count --damage chunk-count:1 && check count "" "$total" "$total"
  # Random flips: never a crash or a hang; exit 0 (or 2 when the signature itself was hit).
  size="$(stat -c %s "$T/clean.evtx")"
  crashes=0
  for i in $(seq 1 60); do
    off=$(( (RANDOM * 32768 + RANDOM) % size ))
    cp "$T/clean.evtx" "$T/flip.evtx"
    printf '\x5a' | dd of="$T/flip.evtx" bs=1 seek="$off" conv=notrunc status=none
    timeout 60 "$E" evtx --json --carve --no-progress "$T/flip.evtx" >/dev/null 2>"$T/flip.err"
    rc=$?
    if [ "$rc" != 0 ] && [ "$rc" != 2 ]; then crashes=$((crashes + 1)); echo "  flip at $off: exit $rc"; tail -3 "$T/flip.err"; fi
  done
  [ "$crashes" = 0 ] && pass "60 random byte flips: no crash, no hang" || bad "$crashes flips crashed or hung"
  ;;
memory)
  if [ ! -x /usr/bin/time ]; then echo "SKIP: /usr/bin/time not installed; scripts/deps installs it"; exit 77; fi
  # ASan keeps freed memory in quarantine (256 MB by default); a smaller one measures our use.
  export ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=16"
  "$G" "$EX/sysmon1_office_child.json" "$T/big.evtx" --repeat 500000 >"$T/gen" || { bad "writer failed"; exit 1; }
  size="$(stat -c %s "$T/big.evtx")"
  echo "log: $size bytes; $(cat "$T/gen")"
  [ "$size" -ge 2000000000 ] || bad "want a 2 GB log, got $size bytes"
  for mode in --count --json; do
    /usr/bin/time -f '%M' -o "$T/rss" "$E" evtx $mode --no-progress -j 2 "$T/big.evtx" >/dev/null 2>"$T/err"
    rc=$?
    rss="$(tail -1 "$T/rss")"
    [ "$rc" = 0 ] || bad "$mode: exit $rc"
    [ "$rss" -lt 204800 ] && pass "$mode on 2 GB: peak RSS ${rss} KB < 200 MB" || bad "$mode on 2 GB: peak RSS ${rss} KB"
    rm -f "$T/out"
  done
  ;;
cli)
  run() { timeout 120 "$@" >"$T/out" 2>"$T/err" </dev/null; rc=$?; }
  "$G" "$EX/powershell_4104.json" "$T/ps.evtx" --repeat 300 >/dev/null || { bad "writer failed"; exit 1; }
  run "$E" evtx --help
  { [ "$rc" = 0 ] && grep -q -- '--carve' "$T/out" && grep -q -- '--event-id' "$T/out"; } && pass "--help lists the options" || bad "--help"
  printf 'not a log\n' >"$T/notes.evtx"
  run "$E" evtx --no-progress "$T/notes.evtx"
  { [ "$rc" = 2 ] && [ "$(grep -c 'not an EVTX file' "$T/err")" = 1 ]; } && pass "a named non-EVTX file: exit 2 and one line" || bad "non-EVTX: exit $rc"
  mkdir -p "$T/dir" && cp "$T/notes.evtx" "$T/ps.evtx" "$T/dir/"
  run "$E" evtx --count --no-progress "$T/dir"
  { [ "$rc" = 0 ] && grep -q "ps.evtx" "$T/out" && ! grep -q "notes" "$T/out"; } && pass "a folder: non-EVTX files skipped" || bad "folder: exit $rc"
  for args in "--event-id 4104x" "--since yesterday" "--json --xml" "--count --csv"; do
    run "$E" evtx $args "$T/ps.evtx"
    { [ "$rc" = 2 ] && [ "$(wc -l <"$T/err")" = 1 ]; } && pass "evtx $args: exit 2, one line" || bad "evtx $args: exit $rc, $(wc -l <"$T/err") lines"
  done
  run "$E" evtx --no-progress "$T/missing.evtx"
  [ "$rc" = 2 ] && pass "a missing file: exit 2" || bad "missing file: exit $rc"
  run "$E" evtx --json --no-progress "$T/ps.evtx" "$T/notes.evtx" "$T/missing.evtx"
  python3 "$SRC/tests/cli/validate_jsonl.py" "$SRC/docs/output-format.schema.json" "$T/err" --expect-exit 2 &&
    pass "stderr JSON Lines valid against the schema" || bad "stderr JSON Lines invalid"
  python3 -c "import json,sys; [json.loads(l)['Event']['System'] for l in open(sys.argv[1])]" "$T/out" &&
    pass "stdout: one {\"Event\":...} object per line" || bad "stdout records are not Event objects"
  "$E" evtx --json --no-progress -j 1 "$T/ps.evtx" 2>/dev/null | md5sum >"$T/j1"
  "$E" evtx --json --no-progress -j 4 "$T/ps.evtx" 2>/dev/null | md5sum >"$T/j4"
  cmp -s "$T/j1" "$T/j4" && pass "same output for -j 1 and -j 4" || bad "output depends on -j"
  timeout 60 bash -c "'$E' evtx --json --no-progress '$T/ps.evtx' 2>/dev/null | head -1 >/dev/null"
  [ "$?" = 0 ] && pass "closed pipe: no hang, no error" || bad "closed pipe"
  LANG=ja_JP.UTF-8 "$E" evtx --no-progress --lang ja "$T/notes.evtx" >/dev/null 2>"$T/err"
  grep -q 'EVTX ファイルではありません' "$T/err" && pass "Japanese messages" || bad "no Japanese message: $(cat "$T/err")"
  ;;
*) echo "unknown case $CASE"; exit 2 ;;
esac
exit $fail

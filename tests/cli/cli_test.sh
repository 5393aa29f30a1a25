#!/usr/bin/env bash
# CLI contract tests: help, version, exit codes, the JSON Lines schema, bad input, closed pipes,
# languages, CSV and thread-count determinism, run against the built binary.
# usage: cli_test.sh EMOGUARD SCHEMA VALIDATOR CASE
set -uo pipefail

EMOGUARD="$1"
SCHEMA="$2"
VALIDATOR="$3"
CASE="$4"
PY=/usr/bin/python3

T="$(mktemp -d)"
cleanup() { chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# run CMD... : runs with a time limit so that a hang is a failure, not a stuck CI.
# Sets $rc, and writes $T/out and $T/err.
run() {
  timeout 120 "$@" >"$T/out" 2>"$T/err" </dev/null
  rc=$?
  if [ "$rc" -eq 124 ]; then fail "timed out: $*"; fi
}
expect_rc() { # expect_rc WANT what
  if [ "$rc" -eq "$1" ]; then pass "$2 (exit $rc)"; else fail "$2: exit $rc, expected $1"; sed 's/^/  out: /' "$T/out" | head -20; sed 's/^/  err: /' "$T/err" | head -20; fi
}
expect_in() { # expect_in FILE PATTERN what
  if grep -qE -- "$2" "$1"; then pass "$3"; else fail "$3: /$2/ not in $(basename "$1")"; head -20 "$1" | sed 's/^/  | /'; fi
}
expect_not_in() {
  if grep -qE -- "$2" "$1"; then fail "$3: /$2/ unexpectedly in $(basename "$1")"; grep -E -- "$2" "$1" | head -5 | sed 's/^/  | /'; else pass "$3"; fi
}
count_json() { # count_json TYPE [INPUT-SUBSTRING]: lines of that record type in $T/out
  $PY - "$T/out" "$1" "${2:-}" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r["type"] == sys.argv[2] and sys.argv[3] in json.dumps(r["data"], ensure_ascii=False):
        n += 1
print(n)
PY
}
validate() { # validate EXPECTED_EXIT what
  if $PY "$VALIDATOR" "$SCHEMA" "$T/out" --expect-exit "$1" >"$T/val" 2>&1; then
    pass "$2: $(tail -1 "$T/val")"
  else
    fail "$2: schema"; sed 's/^/  | /' "$T/val" | head -30
  fi
}
# A minimal PE header (no code): what a dropped loader looks like to a name check.
make_pe() { $PY -c "
import sys
b = bytearray(512); b[0:2] = b'MZ'; b[0x3c] = 0x80; b[0x80:0x84] = b'PE\0\0'
if len(sys.argv) > 2: b[0x80 + 22] = 0x00; b[0x80 + 23] = 0x20  # IMAGE_FILE_DLL
open(sys.argv[1], 'wb').write(bytes(b))" "$@"; }

case "$CASE" in
help)
  run "$EMOGUARD" --help;          expect_rc 0 "--help"
  expect_in "$T/out" "triage" "--help lists triage"
  expect_in "$T/out" "selftest" "--help lists selftest"
  expect_in "$T/out" "Exit codes" "--help explains exit codes"
  run "$EMOGUARD" triage --help;   expect_rc 0 "triage --help"
  for opt in --json --csv --lang --fail-on --no-progress --threads; do expect_in "$T/out" -- "$opt" "triage --help has $opt"; done
  run "$EMOGUARD";                 expect_rc 2 "no command"
  [ "$(wc -l <"$T/err")" -eq 1 ] && pass "no command: one-line error" || fail "no command: $(wc -l <"$T/err") lines on stderr"
  run "$EMOGUARD" frobnicate;      expect_rc 2 "unknown command"
  [ "$(wc -l <"$T/err")" -eq 1 ] && pass "unknown command: one-line error" || fail "unknown command: $(wc -l <"$T/err") lines"
  run "$EMOGUARD" mail x.eml;      expect_rc 2 "planned command"
  expect_in "$T/err" "planned but not built yet" "planned command says so"
  run "$EMOGUARD" triage;          expect_rc 2 "triage without inputs"
  run "$EMOGUARD" triage --fail-on severe x; expect_rc 2 "bad --fail-on value"
  run "$EMOGUARD" triage --json --csv x;     expect_rc 2 "--json with --csv"
  ;;
version)
  run "$EMOGUARD" --version;       expect_rc 0 "--version"
  expect_in "$T/out" "^emoguard [0-9]+\.[0-9]+\.[0-9]+$" "--version format"
  ;;
selftest)
  run "$EMOGUARD" selftest;        expect_rc 0 "selftest"
  expect_in "$T/out" "checks passed" "selftest summary line"
  expect_not_in "$T/out" "^FAIL" "no failed self-check"
  run "$EMOGUARD" selftest --json; expect_rc 0 "selftest --json"
  validate 0 "selftest --json"
  ;;
exit_codes)
  mkdir -p "$T/clean" "$T/bad" "$T/low"
  printf 'meeting notes\n' >"$T/clean/notes.txt"
  make_pe "$T/bad/invoice.pdf.exe"
  printf '{\\rtf1 hello}\n' >"$T/low/letter.doc"   # RTF named .doc: a low finding
  run "$EMOGUARD" triage --no-progress "$T/clean";                  expect_rc 0 "clean folder"
  run "$EMOGUARD" triage --no-progress "$T/bad";                    expect_rc 1 "high finding"
  run "$EMOGUARD" triage --no-progress "$T/missing";                expect_rc 2 "missing input"
  run "$EMOGUARD" triage --no-progress "$T/bad" "$T/missing";       expect_rc 2 "finding and error: error wins"
  expect_in "$T/out" "double_extension" "the run went on past the missing input"
  run "$EMOGUARD" triage --no-progress --fail-on critical "$T/bad"; expect_rc 0 "--fail-on critical ignores high"
  run "$EMOGUARD" triage --no-progress --fail-on high "$T/bad";     expect_rc 1 "--fail-on high counts high"
  run "$EMOGUARD" triage --no-progress "$T/low";                    expect_rc 0 "low finding under default medium"
  run "$EMOGUARD" triage --no-progress --fail-on low "$T/low";      expect_rc 1 "--fail-on low counts low"
  run "$EMOGUARD" triage --no-progress --fail-on none "$T/bad";     expect_rc 0 "--fail-on none"
  ;;
json_schema)
  mkdir -p "$T/ev/sub"
  printf 'meeting notes\n' >"$T/ev/notes.txt"
  make_pe "$T/ev/invoice.pdf.exe"
  make_pe "$T/ev/sub/photo.png" dll
  make_pe "$T/ev/$(printf 'bad\xff\xfe.pdf.exe')"            # a name that is not UTF-8
  printf '{\\rtf1 x}' >"$T/ev/sub/letter.doc"
  printf 'From: a@example.invalid\nSubject: Re: 請求書\n\nbody\n' >"$T/ev/sub/m.eml"
  : >"$T/ev/empty.txt"
  mkfifo "$T/ev/pipe"
  ln -s /etc/hostname "$T/ev/outside"
  run "$EMOGUARD" triage --json --no-progress "$T/ev" "$T/nope"
  expect_rc 2 "triage --json with findings, anomalies and an error"
  validate 2 "triage --json output"
  [ "$(count_json finding)" -ge 4 ] && pass "findings present" || fail "expected >= 4 findings, got $(count_json finding)"
  $PY - "$T/out" <<'PY' && pass "non-UTF-8 name kept as bytes" || fail "non-UTF-8 name not kept as bytes"
import base64, json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r["type"] == "finding":
        for part in r["data"]["object"]:
            if isinstance(part, dict) and base64.b64decode(part["bytes"]).endswith(b"bad\xff\xfe.pdf.exe"):
                sys.exit(0)
sys.exit(1)
PY
  run "$EMOGUARD" identify --json --no-progress "$T/ev/sub"
  expect_rc 0 "identify --json"
  validate 0 "identify --json output"
  expect_in "$T/out" '"label","value":"pe/dll"' "identify: photo.png is a PE DLL"
  expect_in "$T/out" '"label","value":"rtf"' "identify: letter.doc is RTF"
  expect_in "$T/out" '"label","value":"mail"' "identify: m.eml is mail"
  ;;
bad_input)
  mkdir -p "$T/in/locked"
  printf 'x\n' >"$T/in/locked/secret.txt"
  printf 'ordinary\n' >"$T/in/ok.txt"
  : >"$T/empty"
  mkfifo "$T/fifo"
  ln -s "$T/loop_b" "$T/loop_a"; ln -s "$T/loop_a" "$T/loop_b"
  truncate -s 4G "$T/sparse.bin"
  chmod 000 "$T/in/locked"
  # As root, permissions do not apply; drop the capabilities that bypass them.
  DROP=()
  if [ "$(id -u)" = 0 ]; then DROP=(setpriv --inh-caps=-dac_override,-dac_read_search --bounding-set=-dac_override,-dac_read_search); fi
  run "${DROP[@]}" "$EMOGUARD" triage --json --no-progress "$T/missing" "$T/empty" "$T/fifo" /dev/zero "$T/loop_a" "$T/in" "$T/sparse.bin"
  expect_rc 2 "bad inputs together"
  validate 2 "bad input output"
  [ "$(count_json error "$T/missing")" -eq 1 ] && pass "missing: one error" || fail "missing: $(count_json error "$T/missing") errors"
  [ "$(count_json error "$T/empty")" -eq 1 ] && pass "empty file: one error" || fail "empty file: $(count_json error "$T/empty")"
  [ "$(count_json error "$T/fifo")" -eq 1 ] && pass "FIFO: one error" || fail "FIFO: $(count_json error "$T/fifo")"
  [ "$(count_json error /dev/zero)" -eq 1 ] && pass "/dev/zero: one error" || fail "/dev/zero: $(count_json error /dev/zero)"
  [ "$(count_json error "$T/loop_a")" -eq 1 ] && pass "symlink loop: one error" || fail "symlink loop: $(count_json error "$T/loop_a")"
  [ "$(count_json error "$T/in/locked")" -eq 1 ] && pass "unreadable directory: one error" || fail "unreadable dir: $(count_json error "$T/in/locked")"
  [ "$(count_json anomaly "$T/sparse.bin")" -eq 1 ] && pass "4 GB sparse file: one anomaly" || fail "sparse: $(count_json anomaly "$T/sparse.bin")"
  expect_in "$T/out" '"files":2,' "the run went on: ok.txt and the sparse file analysed"
  expect_in "$T/out" "\"code\":\"not_found\"" "missing is not_found"
  expect_in "$T/out" "\"code\":\"not_regular\"" "FIFO and device are not_regular"
  expect_in "$T/out" "\"code\":\"loop\"" "symlink loop is loop"
  expect_in "$T/out" "\"code\":\"permission\"" "locked directory is permission"
  expect_in "$T/out" "\"code\":\"empty\"" "empty is empty"
  # Each alone gives exactly one line on its own, in text mode too.
  for p in "$T/missing" "$T/empty" "$T/fifo" /dev/zero "$T/loop_a"; do
    run "$EMOGUARD" triage --no-progress "$p"
    expect_rc 2 "alone: $(basename "$p")"
    [ "$(grep -c '^ERROR' "$T/out")" -eq 1 ] && pass "alone: $(basename "$p"): one ERROR line" || fail "alone: $(basename "$p"): $(grep -c '^ERROR' "$T/out") ERROR lines"
  done
  run "$EMOGUARD" triage --no-progress "$T/sparse.bin"
  expect_rc 0 "alone: sparse file is an anomaly, not an error"
  expect_in "$T/out" "sparse file" "sparse anomaly text"
  # Nothing the user gave was changed.
  [ "$(stat -c %s "$T/sparse.bin")" = 4294967296 ] && [ -p "$T/fifo" ] && [ ! -s "$T/empty" ] && pass "inputs unchanged" || fail "an input changed"
  ;;
closed_pipe)
  mkdir -p "$T/many"
  for i in $(seq 1 3000); do printf 'line %d\n' "$i" >"$T/many/f$i.txt"; done
  timeout 120 "$EMOGUARD" triage --json --no-progress "$T/many" 2>"$T/err" | head -n 1 >"$T/out"
  st=("${PIPESTATUS[@]}")
  if [ "${st[0]}" -eq 0 ] || [ "${st[0]}" -eq 1 ]; then pass "closed pipe: exit ${st[0]}"; else fail "closed pipe: exit ${st[0]}"; fi
  [ ! -s "$T/err" ] && pass "closed pipe: nothing on stderr" || { fail "closed pipe: stderr not empty"; head -3 "$T/err"; }
  expect_in "$T/out" '"type":"begin"' "closed pipe: first line delivered"
  ;;
lang)
  mkdir -p "$T/l"
  make_pe "$T/l/請求書.pdf.exe"
  run "$EMOGUARD" triage --no-progress --lang ja "$T/l"; expect_rc 1 "--lang ja"
  expect_in "$T/out" "概要" "Japanese summary heading"
  expect_in "$T/out" "文書の拡張子の後ろに実行形式の拡張子が隠れています" "Japanese rule title"
  expect_in "$T/out" "終了コード 1" "Japanese exit-code line"
  run env LC_ALL= LC_MESSAGES= LANG=ja_JP.UTF-8 "$EMOGUARD" triage --no-progress "$T/l"; expect_rc 1 "LANG=ja_JP.UTF-8"
  expect_in "$T/out" "概要" "language from the locale"
  run env LC_ALL=C LANG=ja_JP.UTF-8 "$EMOGUARD" triage --no-progress "$T/l"
  expect_in "$T/out" "Summary" "LC_ALL=C wins over LANG"
  run "$EMOGUARD" triage --no-progress --lang en "$T/l"; expect_rc 1 "--lang en"
  expect_in "$T/out" "Executable type hidden behind a document extension" "English rule title"
  expect_not_in "$T/out" $'\033' "no colour when stdout is not a terminal"
  ;;
csv)
  mkdir -p "$T/c"
  make_pe "$T/c/a,b \"q\".pdf.exe"
  printf 'x\n' >"$T/c/ok.txt"
  run "$EMOGUARD" triage --csv --no-progress "$T/c" "$T/missing"; expect_rc 2 "--csv"
  [ "$(head -1 "$T/out")" = "record,severity,analyzer,rule_id,rule_title,rule_author,object,code,offset,message,evidence,attack,references" ] \
    && pass "CSV header" || fail "CSV header: $(head -1 "$T/out")"
  $PY - "$T/out" <<'PY' && pass "CSV rows parse with 13 columns and keep the quoted name" || fail "CSV rows"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
assert all(len(r) == 13 for r in rows), [len(r) for r in rows]
assert any(r[0] == "finding" and r[6].endswith('a,b "q".pdf.exe') for r in rows)
assert any(r[0] == "error" and r[7] == "not_found" for r in rows)
PY
  expect_in "$T/err" "exit code 2" "CSV: the summary goes to stderr"
  ;;
threads)
  mkdir -p "$T/t"
  for i in $(seq 1 400); do
    case $((i % 4)) in
      0) make_pe "$T/t/f$i.pdf.exe" ;;
      1) printf 'text %d\n' "$i" >"$T/t/f$i.txt" ;;
      2) printf '{\\rtf1 %d}' "$i" >"$T/t/f$i.doc" ;;
      3) printf 'From: a@example.invalid\nSubject: %d\n\nx\n' "$i" >"$T/t/f$i.eml" ;;
    esac
  done
  norm() { sed -E 's/"(started|elapsed_s)":("[^"]*"|[0-9.]+)//' "$1"; }
  run "$EMOGUARD" triage --json --no-progress -j 1 "$T/t"; cp "$T/out" "$T/j1"
  run "$EMOGUARD" triage --json --no-progress -j 4 "$T/t"; cp "$T/out" "$T/j4"
  if diff <(norm "$T/j1") <(norm "$T/j4") >/dev/null; then pass "-j1 and -j4 give identical output"; else fail "-j1 and -j4 differ"; diff <(norm "$T/j1") <(norm "$T/j4") | head; fi
  [ "$(grep -c '"type":"finding"' "$T/j1")" -eq 200 ] && pass "200 findings (100 high + 100 low)" || fail "findings: $(grep -c '"type":"finding"' "$T/j1")"
  ;;
tty)
  mkdir -p "$T/tt"
  for i in $(seq 1 50); do printf 'x %d\n' "$i" >"$T/tt/f$i.txt"; done
  make_pe "$T/tt/invoice.pdf.exe"
  # script(1) runs emoguard on a pseudo-terminal, as a person at a terminal would.
  timeout 120 script -qec "$EMOGUARD triage $T/tt" /dev/null >"$T/out" 2>&1 </dev/null
  expect_in "$T/out" $'\r\033\\[K' "progress line drawn on a terminal"
  expect_in "$T/out" $'\033\\[1;31m' "severity in colour on a terminal"
  timeout 120 script -qec "$EMOGUARD triage --no-progress $T/tt" /dev/null >"$T/out" 2>&1 </dev/null
  expect_not_in "$T/out" $'\r\033\\[K' "--no-progress: no progress line"
  timeout 120 script -qec "env NO_COLOR=1 $EMOGUARD triage --no-progress $T/tt" /dev/null >"$T/out" 2>&1 </dev/null
  expect_not_in "$T/out" $'\033\\[1;31m' "NO_COLOR: no colour"
  run "$EMOGUARD" triage "$T/tt"
  expect_not_in "$T/err" $'\033' "no progress when stderr is not a terminal"
  ;;
padded_doc)
  # The March 2023 Emotet trick: a small .doc inflated to hundreds of MB with zeros. The padding
  # must be reported, never read in full, and memory must stay small (issue: peak < 100 MB).
  $PY - "$T/invoice.doc" <<'PY'
import struct, sys
ss = 512
hdr = bytearray(512)
hdr[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
struct.pack_into("<HHHHH", hdr, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
struct.pack_into("<IIII", hdr, 0x2C, 1, 1, 0, 0)        # 1 FAT sector; directory at sector 1
struct.pack_into("<III", hdr, 0x38, 4096, 0xFFFFFFFE, 0)  # mini cutoff; no miniFAT
struct.pack_into("<II", hdr, 0x44, 0xFFFFFFFE, 0)         # no DIFAT sectors
for i in range(109):
    struct.pack_into("<I", hdr, 0x4C + i * 4, 0xFFFFFFFF)
struct.pack_into("<I", hdr, 0x4C, 0)                      # FAT in sector 0
fat = bytearray(b"\xff" * ss)
struct.pack_into("<I", fat, 0, 0xFFFFFFFD)                # sector 0: FAT
struct.pack_into("<I", fat, 4, 0xFFFFFFFE)                # sector 1: directory
for s in range(2, 10):                                    # sectors 2..9: WordDocument (4096 bytes)
    struct.pack_into("<I", fat, s * 4, s + 1 if s < 9 else 0xFFFFFFFE)
d = bytearray(ss)
def ent(i, name, typ, child, start, size):
    o = i * 128
    n = name.encode("utf-16le") + b"\0\0"
    d[o:o + len(n)] = n
    struct.pack_into("<HBB", d, o + 0x40, len(n), typ, 1)
    struct.pack_into("<III", d, o + 0x44, 0xFFFFFFFF, 0xFFFFFFFF, child)
    struct.pack_into("<IQ", d, o + 0x74, start, size)
ent(0, "Root Entry", 5, 1, 0xFFFFFFFE, 0)
ent(1, "WordDocument", 2, 0xFFFFFFFF, 2, 4096)
open(sys.argv[1], "wb").write(bytes(hdr + fat + d) + b"\xEC\xA5" + bytes(4094))
PY
  truncate -s 600M "$T/invoice.doc"
  /usr/bin/time -f "%M" -o "$T/rss" "$EMOGUARD" doc --json --no-progress "$T/invoice.doc" >"$T/out" 2>"$T/err"
  rc=$?
  [ "$rc" -eq 1 ] && pass "padded doc: exit 1 (a medium finding)" || { fail "padded doc: exit $rc"; cat "$T/err"; }
  expect_in "$T/out" '"id":"document.padded".*"key":"used_bytes","value":"5632"},{"key":"padding_bytes","value":"629139968"' "padded doc: padding measured exactly"
  expect_in "$T/out" '"key":"padding","value":"zero bytes \(sampled\)"' "padded doc: padding classified from samples"
  rss_kb="$(tail -1 "$T/rss")"
  [ "$rss_kb" -lt 102400 ] && pass "padded doc: peak RSS ${rss_kb} KB < 100 MB" || fail "padded doc: peak RSS ${rss_kb} KB"
  ;;
*)
  echo "unknown case $CASE"; exit 2 ;;
esac

echo "$CASE: $failures failure(s)"
[ "$failures" -eq 0 ]

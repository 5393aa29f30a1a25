#!/usr/bin/env bash
# bench/evtx.sh [SIZE_MB=200]: emoguard evtx against libevtx's evtxexport and python-evtx's
# evtx_dump.py on the same files, in the same run: MB/s, records/s and the ratios, with 1 and 2
# threads.
#   generated: a SIZE_MB log written by emoguard-evtxgen (Sysmon 1 and Security 4688 events,
#              bench/evtx_bench_spec.json); python-evtx, being slow, gets its first 10 MB, and
#              emoguard is timed on the same 10 MB for that ratio
#   real:      the chunks of a real Security log (testdata, DeepBlueCLI 4625 events) repeated to
#              about SIZE_MB / 2: templates and values exactly as Windows wrote them
#   corpus:    every .evtx in ../shared/testdata/evtx (real logs, 311 files), one evtxexport
#              process per file as a user would run it
# emoguard timings are the best of 3 runs; the peers run once. "parse-only" is --count: every
# record parsed (templates, values) and nothing rendered.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB="${1:-200}"
BUILD="${EMOGUARD_BUILD:-build/release}"
E="$BUILD/src/cli/emoguard"
G="$BUILD/tools/evtxgen/emoguard-evtxgen"
DATA="${EMOGUARD_TESTDATA:-../shared/testdata}"
for b in "$E" "$G"; do
  [ -x "$b" ] || { echo "bench/evtx.sh: $b not found: run 'cmake --preset release && cmake --build --preset release' first" >&2; exit 2; }
done
scripts/deps >/dev/null
command -v evtxexport >/dev/null || { echo "bench/evtx.sh: evtxexport missing (libevtx-utils)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
# best_of CMD...: the fastest of 3 runs, in seconds (output to /dev/null)
best_of() {
  local best=999999 t0 t1 d
  for _ in 1 2 3; do
    t0="$(now)"; "$@" >/dev/null 2>&1; t1="$(now)"
    d="$(echo "$t1 - $t0" | bc -l)"
    if (( $(echo "$d < $best" | bc -l) )); then best="$d"; fi
  done
  echo "$best"
}
once() {
  local t0 t1
  t0="$(now)"; "$@" >/dev/null 2>&1; t1="$(now)"
  echo "$t1 - $t0" | bc -l
}
row() {  # row LABEL SECONDS MB RECORDS [BASE_SECONDS]
  local ratio="-"
  [ -n "${5:-}" ] && ratio="$(printf '%.1fx' "$(echo "$5 / $2" | bc -l)")"
  printf '  %-34s %8.3f s %9.1f MB/s %12.0f rec/s   %s\n' "$1" "$2" "$(echo "$3 / $2" | bc -l)" "$(echo "$4 / $2" | bc -l)" "$ratio"
}
records_of() { "$E" evtx --count --no-progress "$@" 2>/dev/null | awk '{s += $1} END {print s}'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "emoguard $("$E" --version | cut -d' ' -f2), $(evtxexport -V 2>/dev/null | head -1 || echo evtxexport), python-evtx $(dpkg-query -W -f='${Version}' python3-evtx 2>/dev/null || echo '?')"

# --- generated log
per_rep=2400  # bytes of log per repetition of the two events, measured
reps=$(( SIZE_MB * 1000000 / per_rep ))
"$G" bench/evtx_bench_spec.json "$work/big.evtx" --repeat "$reps" >/dev/null
mb="$(echo "$(stat -c %s "$work/big.evtx") / 1000000" | bc -l)"
recs="$(records_of "$work/big.evtx")"
cat "$work/big.evtx" >/dev/null  # page cache warm for every tool
echo
printf 'generated log: %.0f MB, %d records\n' "$mb" "$recs"
t_peer="$(once evtxexport -f xml "$work/big.evtx")"
row "evtxexport -f xml" "$t_peer" "$mb" "$recs"
for j in 1 2; do
  row "emoguard evtx --count -j $j (parse)" "$(best_of "$E" evtx --count --no-progress -j "$j" "$work/big.evtx")" "$mb" "$recs" "$t_peer"
done
for j in 1 2; do
  row "emoguard evtx --json -j $j" "$(best_of "$E" evtx --json --no-progress -j "$j" "$work/big.evtx")" "$mb" "$recs" "$t_peer"
done
for j in 1 2; do
  row "emoguard evtx --xml -j $j" "$(best_of "$E" evtx --xml --no-progress -j "$j" "$work/big.evtx")" "$mb" "$recs" "$t_peer"
done

if command -v evtx_dump.py >/dev/null; then
  head -c $((4096 + 65536 * 150)) "$work/big.evtx" >"$work/ten.evtx"
  mb10="$(echo "$(stat -c %s "$work/ten.evtx") / 1000000" | bc -l)"
  recs10="$(records_of "$work/ten.evtx")"
  echo
  printf 'first %.1f MB of it (%d records), for python-evtx:\n' "$mb10" "$recs10"
  t_py="$(once evtx_dump.py "$work/ten.evtx")"
  row "python-evtx evtx_dump.py" "$t_py" "$mb10" "$recs10"
  for j in 1 2; do
    row "emoguard evtx --json -j $j" "$(best_of "$E" evtx --json --no-progress -j "$j" "$work/ten.evtx")" "$mb10" "$recs10" "$t_py"
  done
fi

# --- a real Security log (DeepBlueCLI's SMB password guessing: 4625 events as Windows wrote
# them), its chunks repeated to about SIZE_MB / 2: real templates at a size worth timing
real="$DATA/evtx/hayabusa-sample-evtx/DeepBlueCLI/smb-password-guessing-security.evtx"
if [ -f "$real" ]; then
  python3 - "$real" "$work/real.evtx" "$SIZE_MB" <<'PY'
import sys
b = open(sys.argv[1], 'rb').read()
chunks = [b[4096 + i * 65536:4096 + (i + 1) * 65536] for i in range((len(b) - 4096) // 65536)]
chunks = [c for c in chunks if c[:8] == b'ElfChnk\0']
reps = max(1, int(sys.argv[3]) * 1000000 // 2 // (65536 * len(chunks)))
import struct, zlib
n = reps * len(chunks)
head = bytearray(b[:4096])
# The header must count every chunk, or libevtx stops after the original ones.
struct.pack_into('<QQ', head, 8, 0, n - 1)
struct.pack_into('<H', head, 42, min(n, 0xFFFF))
struct.pack_into('<I', head, 124, zlib.crc32(bytes(head[:120])))
with open(sys.argv[2], 'wb') as f:
    f.write(head)
    for _ in range(reps):
        for c in chunks:
            f.write(c)
PY
  mbr="$(echo "$(stat -c %s "$work/real.evtx") / 1000000" | bc -l)"
  recsr="$(records_of "$work/real.evtx")"
  cat "$work/real.evtx" >/dev/null
  echo
  printf 'real Security log chunks, repeated: %.0f MB, %d records\n' "$mbr" "$recsr"
  t_peer="$(once evtxexport -f xml "$work/real.evtx")"
  peer_recs="$(evtxexport -f xml "$work/real.evtx" 2>/dev/null | grep -c '<Event ' || true)"
  [ "$peer_recs" = "$recsr" ] || echo "  (evtxexport exported $peer_recs records, emoguard $recsr)"
  row "evtxexport -f xml" "$t_peer" "$mbr" "$recsr"
  for j in 1 2; do
    row "emoguard evtx --count -j $j (parse)" "$(best_of "$E" evtx --count --no-progress -j "$j" "$work/real.evtx")" "$mbr" "$recsr" "$t_peer"
  done
  for j in 1 2; do
    row "emoguard evtx --json -j $j" "$(best_of "$E" evtx --json --no-progress -j "$j" "$work/real.evtx")" "$mbr" "$recsr" "$t_peer"
  done
fi

# --- real logs
if [ -d "$DATA/evtx" ]; then
  find "$DATA/evtx" -name '*.evtx' | sort >"$work/files"
  n="$(wc -l <"$work/files")"
  mbc="$(echo "$(cat "$work/files" | tr '\n' '\0' | xargs -0 stat -c %s | awk '{s += $1} END {print s}') / 1000000" | bc -l)"
  recsc="$(records_of "$DATA/evtx")"
  echo
  printf 'corpus %s: %d files, %.1f MB, %d records\n' "$DATA/evtx" "$n" "$mbc" "$recsc"
  t0="$(now)"; while read -r f; do evtxexport -f xml "$f" >/dev/null 2>&1 || true; done <"$work/files"; t1="$(now)"
  t_peer="$(echo "$t1 - $t0" | bc -l)"
  row "evtxexport -f xml (per file)" "$t_peer" "$mbc" "$recsc"
  for j in 1 2; do
    row "emoguard evtx --json -j $j" "$(best_of "$E" evtx --json --no-progress -j "$j" "$DATA/evtx")" "$mbc" "$recsc" "$t_peer"
  done
fi

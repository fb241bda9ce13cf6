#!/usr/bin/env bash
# Decoding throughput and peak memory of `sensor inspect --json` against
# `tshark -q -z conv,ip`, nDPI's `ndpiReader` (flows and application
# protocols) and `tcpdump -r … -w /dev/null` (reading and writing back the
# packets, no decoding: the floor) on the same large capture.
#
# Builds BIG_1x = every test capture in traffic/testdata/pcaps concatenated
# (mergecap -a) and repeated REPEAT times, and BIG_10x = BIG_1x ten times over,
# then runs each tool RUNS times per size (tshark RUNS_10X times at 10x: it
# takes minutes) and prints the best and median wall times with their
# throughput (file MB / s, MB = 10^6 bytes) and the largest peak RSS.
#
# The cut-short MELSEC capture is left out (mergecap stops at its damaged last
# record). Concatenated copies repeat timestamps and 5-tuples; both tools see
# the same bytes.
#
# Usage: sensor/bench/inspect-vs-tshark.sh            (from anywhere in the repo)
# Environment: REPEAT (default 50), RUNS (default 3), RUNS_10X (default 1),
#              LAYOUT (blocks, the default, or mergecap: how the big files are written),
#              WORK (default /tmp/otlens-bench), SENSOR (default: target/release/sensor,
#              brought up to date with `cargo build -p sensor --release` first),
#              SENSOR_BEFORE (another sensor binary, e.g. an earlier commit's,
#              measured in the same run as "before"), KEEP=1 keeps the big files.
# ndpiReader (Debian: libndpi-bin) and tcpdump are measured when installed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
pcaps="$root/traffic/testdata/pcaps"
REPEAT="${REPEAT:-50}"
RUNS="${RUNS:-3}"
RUNS_10X="${RUNS_10X:-1}"
WORK="${WORK:-/tmp/otlens-bench}"
target="${CARGO_TARGET_DIR:-$root/target}"
SENSOR="${SENSOR:-}"

for tool in mergecap tshark /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
# Without SENSOR, measure the sensor as the working tree builds it, never a stale binary.
if [[ -z "$SENSOR" ]]; then
    (cd "$root" && cargo build -q -p sensor --release)
    SENSOR="$target/release/sensor"
fi

mkdir -p "$WORK"
base="$WORK/all.pcap"
big1="$WORK/big-1x.pcap"
big10="$WORK/big-10x.pcap"
cleanup() { [[ "${KEEP:-0}" == 1 ]] || rm -f "$base" "$big1" "$big10"; }
trap cleanup EXIT

mapfile -t inputs < <(find "$pcaps" -name '*.pcap' ! -name 'melsec_*' | sort)
# The big files are written in 1 MiB blocks (mergecap's own small writes leave
# the file in the page cache as small pages, and reading those cost the kernel
# about twice as much per byte: 15.0-18.4 ms against 6.6-7.4 ms for `dd bs=64k` of
# the same 73.7 MB here). Both tools read the same cached bytes either way;
# LAYOUT=mergecap keeps mergecap's writes, to measure that case too.
write_merged() {
    local out="$1"
    shift
    if [[ "${LAYOUT:-blocks}" == mergecap ]]; then
        mergecap -a -F pcap -w "$out" "$@"
    else
        mergecap -a -F pcap -w - "$@" | dd of="$out" bs=1M iflag=fullblock status=none
    fi
}
write_merged "$base" "${inputs[@]}"
copies=()
for ((i = 0; i < REPEAT; i++)); do copies+=("$base"); done
write_merged "$big1" "${copies[@]}"
write_merged "$big10" "$big1" "$big1" "$big1" "$big1" "$big1" "$big1" "$big1" "$big1" "$big1" "$big1"

# Runs "$@" once; prints "<wall seconds> <peak RSS KiB>". The wall time is
# taken around the command with millisecond resolution (/usr/bin/time's %e has
# only 10 ms, a tenth of the sensor's 1x run); /usr/bin/time gives the RSS.
measure() {
    local out start end
    start="$EPOCHREALTIME"
    out="$(/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1)"
    end="$EPOCHREALTIME"
    awk -v a="$start" -v b="$end" -v m="$out" 'BEGIN { printf "%.3f %s\n", b - a, m }'
}

# bench NAME FILE RUNS CMD... : best and median wall time with their MB/s,
# and the largest peak RSS, over RUNS runs.
bench() {
    local name="$1" file="$2" runs="$3"
    shift 3
    local times=() rss=0 t m
    for ((r = 0; r < runs; r++)); do
        read -r t m < <(measure "$@")
        times+=("$t")
        ((m > rss)) && rss="$m"
    done
    local bytes
    bytes="$(stat -c %s "$file")"
    printf '%s\n' "${times[@]}" | sort -g | awk -v n="$name" -v f="$(basename "$file")" \
        -v b="$bytes" -v m="$rss" -v r="$runs" '
        { t[NR] = $1 }
        END {
            best = t[1]
            median = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
            printf "%-8s %-14s %9.1f MB %3d runs  best %8.3f s %8.1f MB/s  median %8.3f s %8.1f MB/s  peak RSS %8.1f MiB\n",
                n, f, b / 1e6, r, best, (best > 0 ? b / 1e6 / best : 0),
                median, (median > 0 ? b / 1e6 / median : 0), m / 1024
        }'
}

echo "sensor:  $SENSOR"
[[ -n "${SENSOR_BEFORE:-}" ]] && echo "before:  $SENSOR_BEFORE"
echo "tshark:  $(tshark --version 2>/dev/null | head -n 1)"
have_ndpi=0
command -v ndpiReader >/dev/null && have_ndpi=1 && echo "nDPI:    $(ndpiReader -h 2>&1 | grep -m1 -o 'nDPI [0-9.]*' || echo ndpiReader)"
have_tcpdump=0
command -v tcpdump >/dev/null && have_tcpdump=1 && echo "tcpdump: $(tcpdump --version 2>&1 | head -n 1)"
echo "input:   ${#inputs[@]} captures, $(stat -c %s "$base") bytes, repeated $REPEAT times (1x) and $((REPEAT * 10)) times (10x)"
echo "packets: 1x $(capinfos -c -M -T -r "$big1" 2>/dev/null | cut -f2), 10x $(capinfos -c -M -T -r "$big10" 2>/dev/null | cut -f2)"
echo "cpu:     $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "layout:  ${LAYOUT:-blocks} (how the big files were written)"
echo
# "read" only reads the file (dd, 64 KiB blocks, as the sensor reads): the part
# of each run that is the kernel's, not decoding.
bench read "$big1" "$RUNS" dd if="$big1" of=/dev/null bs=64k
others() {
    local file="$1" runs="$2"
    [[ -n "${SENSOR_BEFORE:-}" ]] && bench before "$file" "$RUNS" "$SENSOR_BEFORE" inspect --json "$file"
    ((have_tcpdump)) && bench tcpdump "$file" "$RUNS" tcpdump -q -n -r "$file" -w /dev/null
    ((have_ndpi)) && bench ndpi "$file" "$runs" ndpiReader -q -i "$file" -v 0
    bench tshark "$file" "$runs" tshark -q -z conv,ip -r "$file"
}
bench sensor "$big1" "$RUNS" "$SENSOR" inspect --json "$big1"
others "$big1" "$RUNS"
bench read "$big10" "$RUNS" dd if="$big10" of=/dev/null bs=64k
bench sensor "$big10" "$RUNS" "$SENSOR" inspect --json "$big10"
others "$big10" "$RUNS_10X"

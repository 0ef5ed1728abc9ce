#!/bin/sh
# Measures the recorder's overhead: a malloc-heavy C program (malloc_heavy.c, STEPS malloc/free
# pairs) run plain, under the recorder (libmallocsim-record.so) and under heaptrack, RUNS times
# each. Uses hyperfine when installed, else /usr/bin/time in a loop (median and min wall time).
# Prints a Markdown table for docs/performance.md.
#
#   native-traces/src/test/c/overhead.sh [STEPS] [RUNS]      (defaults: 5000000 5)
set -eu
STEPS=${1:-5000000}
RUNS=${2:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/mallocsim-overhead.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

make -s -C "$HERE/../../main/c" OUT="$WORK" >/dev/null
gcc -O2 -Wall -Wextra -o "$WORK/malloc_heavy" "$HERE/malloc_heavy.c"
PROG="$WORK/malloc_heavy $STEPS"
FORMAT=${MALLOCSIM_TRACE_FORMAT:-text}
REC="env LD_PRELOAD=$WORK/libmallocsim-record.so MALLOCSIM_TRACE=$WORK/trace.mrec MALLOCSIM_TRACE_FORMAT=$FORMAT"
# The same with the trace thrown away: the recorder's own CPU cost without the file system's.
REC_NULL="env LD_PRELOAD=$WORK/libmallocsim-record.so MALLOCSIM_TRACE=/dev/null MALLOCSIM_TRACE_FORMAT=$FORMAT"
HT=""
if command -v heaptrack >/dev/null 2>&1; then
    HT="heaptrack -o $WORK/heaptrack"
fi

# One wall time in seconds for a command line, via GNU time's %e.
one_run() {
    /usr/bin/time -f "%e" -o "$WORK/t" sh -c "$1 >/dev/null 2>&1"
    cat "$WORK/t"
}

# "median min" of RUNS wall times.
measure() {
    i=0
    : > "$WORK/times"
    while [ "$i" -lt "$RUNS" ]; do
        one_run "$1" >> "$WORK/times"
        i=$((i + 1))
    done
    sort -n "$WORK/times" | awk '{ t[NR] = $1 } END { printf "%.3f %.3f", t[int((NR + 1) / 2)], t[1] }'
}

echo "machine: $(nproc) CPUs, $(uname -r), $(ldd --version | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "program: malloc_heavy $STEPS ($((2 * STEPS)) allocator calls), $RUNS runs each"
echo
if command -v hyperfine >/dev/null 2>&1; then
    set -- "$PROG" "$REC $PROG" "$REC_NULL $PROG"
    [ -n "$HT" ] && set -- "$@" "$HT $PROG"
    hyperfine --warmup 1 --runs "$RUNS" --export-markdown "$WORK/table.md" "$@" >/dev/null
    cat "$WORK/table.md"
    exit 0
fi
set -- $(measure "$PROG"); base_med=$1; base_min=$2
set -- $(measure "$REC $PROG"); rec_med=$1; rec_min=$2
size=$(stat -c %s "$WORK/trace.mrec")
echo "| run | median wall (s) | min wall (s) | median vs. plain |"
echo "|---|---|---|---|"
echo "| plain | $base_med | $base_min | 1.00x |"
echo "| recorder ($FORMAT, $((size / 1048576)) MiB trace) | $rec_med | $rec_min | $(awk "BEGIN { printf \"%.2fx\", $rec_med / $base_med }") |"
set -- $(measure "$REC_NULL $PROG"); null_med=$1; null_min=$2
echo "| recorder ($FORMAT) to /dev/null | $null_med | $null_min | $(awk "BEGIN { printf \"%.2fx\", $null_med / $base_med }") |"
if [ -n "$HT" ]; then
    set -- $(measure "$HT $PROG"); ht_med=$1; ht_min=$2
    echo "| heaptrack | $ht_med | $ht_min | $(awk "BEGIN { printf \"%.2fx\", $ht_med / $base_med }") |"
fi

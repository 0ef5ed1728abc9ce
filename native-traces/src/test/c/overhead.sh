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
FORMAT=${MALLOCSIM_TRACE_FORMAT:-binary}
REC="env LD_PRELOAD=$WORK/libmallocsim-record.so MALLOCSIM_TRACE=$WORK/trace.mrec MALLOCSIM_TRACE_FORMAT=$FORMAT"
# The same with the trace thrown away: the recorder's own CPU cost without the file system's.
REC_NULL="env LD_PRELOAD=$WORK/libmallocsim-record.so MALLOCSIM_TRACE=/dev/null MALLOCSIM_TRACE_FORMAT=$FORMAT"
HT=""
if command -v heaptrack >/dev/null 2>&1; then
    HT="heaptrack -o $WORK/heaptrack"
fi

# "wall cpu" seconds for a command line, via GNU time (cpu = user + system). On a shared machine
# the CPU time is the steadier number; wall time includes waiting for other processes. The
# previous run's trace is deleted first, untimed: truncating a 50 MB file that is still in the
# page cache costs the next run about 10 ms, which is not the recorder's cost.
one_run() {
    rm -f "$WORK/trace.mrec"
    start=$(date +%s%N)
    # $1 is split into words on purpose: no shell in between to time as well
    /usr/bin/time -f "%U %S" -o "$WORK/t" $1 >/dev/null 2>&1
    end=$(date +%s%N)
    # wall from date (1 ms resolution; GNU time's %e has 10 ms), CPU from GNU time
    awk -v us=$(( (end - start) / 1000 )) '{ printf "%.4f %.2f\n", us / 1e6, $1 + $2 }' "$WORK/t"
}

# "median-wall min-wall median-cpu" of RUNS runs.
measure() {
    i=0
    : > "$WORK/times"
    while [ "$i" -lt "$RUNS" ]; do
        one_run "$1" >> "$WORK/times"
        i=$((i + 1))
    done
    mid=$(( (RUNS + 1) / 2 ))
    wall=$(cut -d' ' -f1 "$WORK/times" | sort -n | awk -v m="$mid" '{ t[NR] = $1 } END { printf "%.3f %.3f", t[m], t[1] }')
    cpu=$(cut -d' ' -f2 "$WORK/times" | sort -n | awk -v m="$mid" 'NR == m { printf "%.2f", $1 }')
    echo "$wall $cpu"
}

# One table row: label, then "median-wall min-wall median-cpu", relative to the plain run.
row() {
    echo "| $1 | $2 | $3 | $4 | $(awk "BEGIN { printf \"%.2fx\", $2 / $base_med }") | $(awk "BEGIN { printf \"%.2fx\", $4 / $base_cpu }") |"
}

echo "machine: $(nproc) CPUs, $(uname -r), $(ldd --version | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "program: malloc_heavy $STEPS ($((2 * STEPS)) allocator calls), $RUNS runs each"
echo
if command -v hyperfine >/dev/null 2>&1; then
    set -- "$PROG" "$REC $PROG" "$REC_NULL $PROG"
    [ -n "$HT" ] && set -- "$@" "$HT $PROG"
    hyperfine --warmup 1 --runs "$RUNS" --prepare "rm -f $WORK/trace.mrec" --export-markdown "$WORK/table.md" "$@" >/dev/null
    cat "$WORK/table.md"
    exit 0
fi
plain=$(measure "$PROG")
set -- $plain; base_med=$1; base_cpu=$3
echo "| run | median wall (s) | min wall (s) | median CPU (s) | wall vs. plain | CPU vs. plain |"
echo "|---|---|---|---|---|---|"
row "plain" $plain
row "recorder ($FORMAT)" $(measure "$REC $PROG")
echo "| (trace size: $(( $(stat -c %s "$WORK/trace.mrec") / 1048576 )) MiB) | | | | | |"
row "recorder ($FORMAT) to /dev/null" $(measure "$REC_NULL $PROG")
if [ -n "$HT" ]; then
    row "heaptrack" $(measure "$HT $PROG")
fi

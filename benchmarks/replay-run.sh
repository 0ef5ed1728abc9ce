#!/usr/bin/env bash
# Whole replays in fresh JVMs against the native replayer, in one run: ROUNDS rounds, each
# replaying every trace once with `mallocsim replay --json` (the glibc policy, through the
# ./mallocsim launcher and its JVM options) and once with `mallocsim native --json` (the C
# replayer over this machine's glibc), interleaved so both sides see the same moments of the
# host. Prints one table: trace, calls, threads, best and median ns per call of each side, the
# ratio of the best (and of the medians), the goal (at most 3x) and whether the best meets it.
#   benchmarks/replay-run.sh                       3 rounds over traces/*.mrec.zst
#   ROUNDS=5 benchmarks/replay-run.sh traces/bash.mrec.zst traces/pythr.mrec.zst
#   benchmarks/replay-run.sh --table               the table again from the last run's results
# nsPerCall is the replay loop's wall time over its calls (decoding the trace included, JVM
# start and the process's setup not); ns_per_call is the native calls alone, each timed with
# clock_gettime. A replay that is not 100 % faithful is marked in the table.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
ROUNDS=${ROUNDS:-3}
GOAL=${GOAL:-3}
out=benchmarks/target/replay-run
mkdir -p "$out"

if [ "${1:-}" != "--table" ]; then
  if [ $# -gt 0 ]; then traces=("$@"); else traces=(traces/*.mrec.zst); fi
  ./mallocsim native "${traces[0]}" --json >/dev/null || true # builds what is missing first
  : >"$out/pieces.txt"
  for round in $(seq "$ROUNDS"); do
    for t in "${traces[@]}"; do
      name=$(basename "$t" .mrec.zst)
      # "<trace> replay <ns per call> <calls> <faithful>" and "<trace> native <ns> <calls> <threads>"
      ./mallocsim replay "$t" --allocator glibc --json | awk -v n="$name" '
        /^  "calls": / { gsub(/,/, "", $2); calls = $2 }
        /"faithful": false/ { bad = 1 }
        /"nsPerCall": / { v = $2 }
        END { print n, "replay", v, calls, (bad ? "unfaithful" : "faithful") }' >>"$out/pieces.txt"
      ./mallocsim native "$t" --json --no-compare | sed -n \
        's/^{[^{]*"calls":\([0-9]*\),"threads":\([0-9]*\),[^{]*"ns_per_call":\([0-9]*\),.*/'"$name"' native \3 \1 \2/p' \
        >>"$out/pieces.txt"
      echo "round $round $name: $(tail -2 "$out/pieces.txt" | awk '{ printf "%s %s  ", $2, $3 }')load $(cut -d' ' -f1 /proc/loadavg)" >&2
    done
  done
  {
    echo "rounds $ROUNDS"
    echo "machine $(nproc) cores, $(uname -sr), $(java -version 2>&1 | head -1)"
    echo "load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  } >"$out/meta.txt"
fi

awk -v goal="$GOAL" "$MEDIAN_AWK"'
  {
    if (!($1 in seen)) { seen[$1] = 1; order[++names] = $1 }
    if ($2 == "replay") { rep[$1] = rep[$1] " " $3; calls[$1] = $4; if ($5 != "faithful") unfaithful[$1] = 1 }
    else { nat[$1] = nat[$1] " " $3; threads[$1] = $5 }
  }
  END {
    printf "| trace | calls | threads | mallocsim best | median | native best | median | ratio of best (median) | goal | met |\n"
    printf "|---|---|---|---|---|---|---|---|---|---|\n"
    for (i = 1; i <= names; i++) {
      t = order[i]
      if (rep[t] == "" || nat[t] == "") { printf "| %s | | | | | | | missing | | |\n", t; continue }
      sorted(rep[t], r); sorted(nat[t], n)
      rb = r[1]; rm = median(rep[t]); nb = n[1]; nm = median(nat[t])
      ratio = rb / nb
      printf "| %s%s | %\047d | %d | %\047.1f | %\047.1f | %\047d | %\047d | %.2fx (%.2fx) | <= %dx | %s |\n",
        t, (t in unfaithful ? " (NOT faithful)" : ""), calls[t], threads[t], rb, rm, nb, nm, ratio, rm / nm, goal,
        (ratio <= goal && !(t in unfaithful) ? "yes" : "no")
    }
  }' "$out/pieces.txt" | tee "$out/table.txt"
echo
echo "ns per call; best and median of the rounds' single replays"
cat "$out/meta.txt"
echo "raw: $out/pieces.txt"

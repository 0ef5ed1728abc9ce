#!/usr/bin/env bash
# Runs the allocator benchmarks (emulated ptmalloc, the "glibc" policy) with the real glibc's
# figures in the same run, and prints one table of figures and ratios, read as run.sh's kernel
# table is (best and median one-second pieces, the goal judged on the ratio of the best):
#   - whole replays of traces/bash.mrec.zst and of the four-thread traces/pythr.mrec.zst:
#     ReplayBenchmark (JMH, ns per call) and `mallocsim replay --json` (a fresh JVM each time)
#     against `mallocsim native --json`;
#   - free+malloc pairs on the tcache, fastbin, smallbin and large paths: PtmallocPathBenchmark
#     against alloc_baseline.c (the same calls on this machine's glibc);
#   - the same pairs timed by the thread's CPU clock: PairCpuTime against
#     ALLOC_CLOCK=cpu alloc_baseline (a second table; on a loaded host the wall clock is mostly
#     time spent descheduled).
#   benchmarks/alloc-run.sh             the short configuration (about 8 minutes)
#   FORKS=2 benchmarks/alloc-run.sh     two rounds, each one fork of every benchmark, then the
#                                       glibc figures, so each is sampled at two times of the run
#   benchmarks/alloc-run.sh --table     the table again from the last run's results
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
FORKS=${FORKS:-1}
WI=${WI:-5}
ITER=${ITER:-5}
NATIVE=${NATIVE:-5}
out=benchmarks/target/alloc-run
mkdir -p "$out"
# the launcher, with the JVM options every user of `mallocsim replay` gets
cli() { ./mallocsim "$@"; }

if [ "${1:-}" != "--table" ]; then
./mvnw -q -B -ntp -pl benchmarks,cli -am package -DskipTests
gcc -O2 -Wall -Wextra -o "$out/alloc_baseline" benchmarks/src/main/c/alloc_baseline.c
cli native traces/bash.mrec.zst --json >/dev/null # builds the native replayer if needed

rm -f "$out"/jmh*.csv "$out"/jmh*.log
: >"$out/native.txt"
: >"$out/cpu.txt"
for round in $(seq "$FORKS"); do
  java -jar benchmarks/target/benchmarks.jar 'PtmallocPathBenchmark|ReplayBenchmark.(bash|pythr)Glibc' \
    -bm avgt -tu ns -f 1 -wi "$WI" -i "$ITER" -w 1s -r 1s -prof gc \
    -rf csv -rff "$out/jmh-$round.csv" >"$out/jmh-$round.log" 2>&1 || { tail -30 "$out/jmh-$round.log"; exit 1; }
  for p in tcache fastbin smallbin large; do "$out/alloc_baseline" "$p" 1 >>"$out/native.txt"; done
  # a JVM per path, as JMH forks one per path: in one JVM the later paths run code the JIT shaped for the earlier
  for p in tcache fastbin smallbin large; do
    java -cp benchmarks/target/benchmarks.jar org.mallocsim.benchmarks.PairCpuTime "$p" >>"$out/cpu.txt"
  done
  for p in tcache fastbin smallbin large; do ALLOC_CLOCK=cpu "$out/alloc_baseline" "$p" 1 >>"$out/cpu.txt"; done
  # one piece per replay: "<name> <ns per call>"
  for k in $(seq "$NATIVE"); do
    for t in bash pythr; do
      cli native traces/$t.mrec.zst --json --no-compare | sed -n "s/^{[^{]*\"ns_per_call\":\([0-9]*\),.*/native-$t \1/p" >>"$out/native.txt"
    done
  done
  for k in $(seq 3); do
    for t in bash pythr; do
      cli replay traces/$t.mrec.zst --allocator glibc --json \
        | awk -v t="$t" '/"faithful": false/ { bad = 1 } /"nsPerCall": / { v = $2 } END { print (bad ? "unfaithful-cli" : "cli-" t), v }' >>"$out/native.txt"
    done
  done
done
fi
cat "$out"/jmh-*.log >"$out/jmh.log"

awk -v native="$out/native.txt" -v jmhlog="$out/jmh.log" "$MEDIAN_AWK"'
  function key(b, p) { return p == "" ? b : b "@" p }
  BEGIN {
    FS = ","
    # native.txt: "<name> <best window> <median window>" (alloc_baseline, per round) or
    # "<name> <figure>" (one replay each)
    while ((getline line < native) > 0) {
      n = split(line, f, " ")
      if (n >= 3) { pieces[f[1]] = pieces[f[1]] " " f[2]; medians[f[1]] = medians[f[1]] " " f[3] }
      else { pieces[f[1]] = pieces[f[1]] " " f[2]; medians[f[1]] = medians[f[1]] " " f[2] }
    }
    for (k in pieces) { sorted(pieces[k], v); natBest[k] = v[1]; natMedian[k] = median(medians[k]) }
    while ((getline line < jmhlog) > 0) {
      if (line ~ /^# Benchmark: /) { b = line; sub(/^# Benchmark: org\.mallocsim\.benchmarks\./, "", b); p = "" }
      else if (line ~ /^# Parameters: /) { p = line; sub(/^.*path = /, "", p); sub(/[,)].*$/, "", p) }
      else if (line ~ /^Iteration +[0-9]+: [0-9.]+ ns\/op/) { split(line, f, " "); its[key(b, p)] = its[key(b, p)] " " f[3] }
    }
    for (k in its) { sorted(its[k], v); best[k] = v[1]; med[k] = median(its[k]) }
  }
  FNR == 1 { next }
  {
    sub(/\r$/, "")
    for (i = 1; i <= NF; i++) gsub(/"/, "", $i)
    name = $1
    sub(/^org\.mallocsim\.benchmarks\./, "", name)
    param = NF >= 8 ? $8 : ""
    if (name ~ /:gc\.alloc\.rate\.norm$/) {
      sub(/:gc\.alloc\.rate\.norm$/, "", name)
      if ($5 + 0 > alloc[key(name, param)] + 0) alloc[key(name, param)] = $5
    }
  }
  function row(what, b, bm, bytes, basename, bbest, bmedian, goal,   r, ok) {
    if (b == "" || bbest == "") { printf "%-30s %8s %8s %7s  %-28s %s\n", what, "-", "-", "-", basename, "missing"; return }
    r = b / bbest
    ok = r <= goal ? "yes" : "NO"
    printf "%-30s %8.1f %8.1f %7s  %-28s %8.1f %8.1f %6.2fx %6.2fx  <= %sx %4s\n", what, b, bm, bytes, basename,
           bbest, bmedian, r, bm / bmedian, goal, ok
  }
  END {
    printf "%-30s %8s %8s %7s  %-28s %8s %8s %7s %7s  %s\n", "benchmark (ns)", "best", "median", "B/op",
           "baseline (ns)", "best", "median", "ratio", "median", "goal on best"
    k = "ReplayBenchmark.bashGlibc"
    row("replay bash, JMH (per call)", best[k], med[k], sprintf("%.1f", alloc[k]), "native replayer (per call)",
        natBest["native-bash"], natMedian["native-bash"], 3)
    if ("unfaithful-cli" in natBest) print "replay --json: a replay was NOT faithful"
    row("replay bash, replay --json", natBest["cli-bash"], natMedian["cli-bash"], "-", "native replayer (per call)",
        natBest["native-bash"], natMedian["native-bash"], 3)
    k = "ReplayBenchmark.pythrGlibc"
    row("replay pythr, JMH (per call)", best[k], med[k], sprintf("%.1f", alloc[k]), "native replayer (per call)",
        natBest["native-pythr"], natMedian["native-pythr"], 3)
    row("replay pythr, replay --json", natBest["cli-pythr"], natMedian["cli-pythr"], "-", "native replayer (per call)",
        natBest["native-pythr"], natMedian["native-pythr"], 3)
    split("tcache fastbin smallbin large", paths, " ")
    for (i = 1; i <= 4; i++) {
      k = "PtmallocPathBenchmark.mallocFree@" paths[i]
      row("free+malloc " paths[i], best[k], med[k], sprintf("%.3f", alloc[k]), "glibc free+malloc",
          natBest["alloc-" paths[i]], natMedian["alloc-" paths[i]], 3)
    }
  }' "$out"/jmh-*.csv | tee "$out/table.txt"
echo
# thread CPU time: "cpu-<path> <best> <median>" (PairCpuTime) and "alloc-<path> ..." (glibc), per round
awk '{ if (!($1 in best) || $2 + 0 < best[$1] + 0) best[$1] = $2; med[$1] = med[$1] " " $3 }
  END {
    printf "%-30s %8s  %-28s %8s %7s  %s\n", "thread CPU time (ns)", "best", "baseline (ns)", "best", "ratio", "goal on best"
    split("tcache fastbin smallbin large", paths, " ")
    for (i = 1; i <= 4; i++) {
      e = best["cpu-" paths[i]]; g = best["alloc-" paths[i]]
      if (e == "" || g == "") { printf "%-30s missing\n", "free+malloc " paths[i]; continue }
      printf "%-30s %8.1f  %-28s %8.1f %6.2fx  <= 3x %4s\n", "free+malloc " paths[i], e, "glibc free+malloc", g, e / g, e / g <= 3 ? "yes" : "NO"
    }
  }' "$out/cpu.txt" | tee "$out/cpu-table.txt"
echo
echo "best, median: of the one-second measured iterations (JMH; a replay iteration is one replay), the"
echo "glibc windows (alloc_baseline) and the single replays (mallocsim native/replay --json)"
echo "machine: $(nproc) cores, $(uname -sr), $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "raw: $out/jmh-*.csv $out/native.txt $out/jmh.log"

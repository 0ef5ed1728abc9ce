#!/usr/bin/env bash
# Runs the kernel-sim benchmarks with a short JMH configuration and the real kernel's figures
# from kernel_baseline.c in the same run, and prints one table of figures and ratios.
#   benchmarks/run.sh            the short configuration (about 4 minutes)
#   FORKS=2 ITER=5 benchmarks/run.sh   closer figures
#   benchmarks/run.sh --table     the table again from the last run's results
set -euo pipefail
cd "$(dirname "$0")/.."
FORKS=${FORKS:-1}
WI=${WI:-3}
ITER=${ITER:-5}
out=benchmarks/target/run
mkdir -p "$out"

if [ "${1:-}" != "--table" ]; then
if [ ! -f benchmarks/target/benchmarks.jar ] || [ -n "$(find kernel-sim benchmarks -name '*.java' -newer benchmarks/target/benchmarks.jar -print -quit)" ]; then
  ./mvnw -q -B -ntp -pl benchmarks -am package -DskipTests
fi
gcc -O2 -Wall -Wextra -o "$out/kernel_baseline" benchmarks/src/main/c/kernel_baseline.c

java -jar benchmarks/target/benchmarks.jar \
  'VmaLookupBenchmark|VmaUpdateBenchmark|MmuBenchmark|PageFaultBenchmark' \
  -bm avgt -tu ns -f "$FORKS" -wi "$WI" -i "$ITER" -w 1s -r 1s -prof gc \
  -rf csv -rff "$out/jmh.csv" >"$out/jmh.log" 2>&1 || { tail -30 "$out/jmh.log"; exit 1; }

: >"$out/native.txt"
for n in 16 1024 65530; do "$out/kernel_baseline" mmap-munmap "$n" 2 >>"$out/native.txt"; done
"$out/kernel_baseline" fault 2 >>"$out/native.txt"
fi

# jmh.csv: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"[,"Param: size"]
# The table's figure for a JMH benchmark is the median of its measured iterations, read from
# jmh.log ("Iteration   3: 14.366 ns/op"): other guests on a shared host slow single iterations
# and whole forks by up to 80 %, which moves a mean far more than a median. JMH's means and
# errors stay in jmh.csv.
awk -v native="$out/native.txt" -v jmhlog="$out/jmh.log" '
  function key(b, p) { return p == "" ? b : b "@" p }
  function median(list,   v, n, i, j, x) {
    n = split(list, v, " ")
    for (i = 2; i <= n; i++) { x = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  BEGIN {
    FS = ","
    while ((getline line < native) > 0) { split(line, f, " "); nat[f[1]] = f[2] }
    while ((getline line < jmhlog) > 0) {
      if (line ~ /^# Benchmark: /) { b = line; sub(/^# Benchmark: org\.mallocsim\.benchmarks\./, "", b); p = "" }
      else if (line ~ /^# Parameters: /) { p = line; sub(/^.*size = /, "", p); sub(/[,)].*$/, "", p) }
      else if (line ~ /^Iteration +[0-9]+: [0-9.]+ ns\/op/) { split(line, f, " "); its[key(b, p)] = its[key(b, p)] " " f[3] }
    }
  }
  NR == 1 { next }
  {
    sub(/\r$/, "")
    for (i = 1; i <= NF; i++) gsub(/"/, "", $i)
    name = $1
    sub(/^org\.mallocsim\.benchmarks\./, "", name)
    param = NF >= 8 ? $8 : ""
    if (name ~ /:gc\.alloc\.rate\.norm$/) { sub(/:gc\.alloc\.rate\.norm$/, "", name); alloc[key(name, param)] = $5 }
    else if ($7 == "ns/op") { score[key(name, param)] = $5; err[key(name, param)] = $6; order[++cnt] = key(name, param) }
  }
  function row(what, k, base, basename, goal, cmp,   r, ok) {
    if (!(k in score) || base == "") { printf "%-48s %10s %8s  %-32s %s\n", what, "-", "-", basename, "missing"; return }
    r = cmp == "faster" ? base / score[k] : score[k] / base
    ok = cmp == "faster" ? (r >= goal ? "yes" : "NO") : (r <= goal ? "yes" : "NO")
    printf "%-48s %10.2f %8.1f  %-32s %8.2f %6.2fx %s %4s  %s\n", what, score[k], alloc[k] + 0, basename, base, r,
           cmp == "faster" ? ">=" : "<=", goal "x", ok
  }
  END {
    for (k in its) score[k] = median(its[k])
    printf "%-48s %10s %8s  %-32s %8s %7s %8s\n", "benchmark", "ns/op", "B/op", "baseline", "ns/op", "ratio", "goal"
    split("16 1024 65530", sizes, " ")
    for (i = 1; i <= 3; i++) {
      s = sizes[i]
      row("VmaLookupBenchmark.findVma size=" s, "VmaLookupBenchmark.findVma@" s,
          score["VmaLookupBenchmark.treeMapFloorEntry@" s], "treeMapFloorEntry (speedup)", 4, "faster")
      row("VmaLookupBenchmark.findVma size=" s, "VmaLookupBenchmark.findVma@" s,
          score["VmaLookupBenchmark.sortedArrayBinarySearch@" s], "sortedArrayBinarySearch (cost)", 1.3, "slower")
    }
    for (i = 1; i <= 3; i++) {
      s = sizes[i]
      row("VmaUpdateBenchmark.mmapMunmap size=" s, "VmaUpdateBenchmark.mmapMunmap@" s,
          nat["mmap-munmap-" s], "Linux mmap+munmap (speedup)", 4, "faster")
    }
    row("MmuBenchmark.load64", "MmuBenchmark.load64", score["MmuBenchmark.byteBufferGetLong"], "byteBufferGetLong (cost)", 2, "slower")
    row("MmuBenchmark.store64", "MmuBenchmark.store64", score["MmuBenchmark.byteBufferPutLong"], "byteBufferPutLong (cost)", 2, "slower")
    row("PageFaultBenchmark.demandZeroWriteFault", "PageFaultBenchmark.demandZeroWriteFault", nat["fault"],
        "Linux minor fault (speedup)", 3, "faster")
  }' "$out/jmh.csv" | tee "$out/table.txt"
echo
echo "ns/op: the median iteration of each JMH benchmark (means in jmh.csv); Linux: kernel_baseline's mean"
echo "machine: $(nproc) cores, $(uname -sr), $(java -version 2>&1 | head -1)"
echo "raw: $out/jmh.csv $out/native.txt $out/jmh.log"

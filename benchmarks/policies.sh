#!/usr/bin/env bash
# Replays bundled traces under every allocation policy and prints one table per trace: peak heap,
# fragmentation at peak live and at peak heap (Johnstone and Wilson's measures #2 and #3), peak
# RSS, syscalls, emulated memory accesses per call and wall ns per call. Every figure but ns/call
# is deterministic; ns/call is one run on a shared machine, compare it only within one table.
#   benchmarks/policies.sh                 every trace, bash (the largest) included
#   benchmarks/policies.sh grep diff       the named traces
set -euo pipefail
cd "$(dirname "$0")/.."
jar=cli/target/mallocsim.jar
if [ ! -f "$jar" ] || [ -n "$(find allocator replay cli kernel-sim -name '*.java' -newer "$jar" -print -quit)" ]; then
  ./mvnw -q -B -ntp -pl cli -am package -DskipTests
fi
traces=("$@")
[ ${#traces[@]} -gt 0 ] || traces=(grep diff git pyxml tar pythr bash)
policies=$(java -jar "$jar" replay traces/grep.mrec.zst --allocator nonesuch 2>&1 | sed -n 's/.*(known: \(.*\))/\1/p' | tr -d ,; true)
out=benchmarks/target/policies
mkdir -p "$out"
for t in "${traces[@]}"; do
  printf '\n%s\n' "$t"
  printf '%-10s %12s %12s %9s %9s %9s %5s %6s %7s %9s %9s\n' policy peakLiveB peakHeapB @live% @heap% rssPeakKB brk mmap madv acc/call ns/call
  for p in $policies; do
    f="$out/$t-$p.json"
    if ! java -jar "$jar" replay "traces/$t.mrec.zst" --allocator "$p" --json >"$f" 2>"$out/$t-$p.err"; then
      printf '%-10s failed: %s\n' "$p" "$(head -1 "$out/$t-$p.err")"
      continue
    fi
    awk -v p="$p" -F': ' '
      # the first of a name: the fidelity table further down has a "brk" class of its own
      { gsub(/[ ,"]/, "", $1); v = $2; gsub(/[ ,]/, "", v); if (!($1 in f)) f[$1] = v }
      /"completed": false/ { dead = 1 }
      END {
        printf "%-10s %12s %12s %9s %9s %9s %5s %6s %7s %9s %9s%s\n", p, f["peakLiveBytes"], f["peakHeapBytes"],
          f["atPeakLivePercent"], f["atPeakHeapPercent"], f["rssPeakSampledKiB"], f["brk"], f["mmap"], f["madvise"],
          f["accessesPerCall"], f["nsPerCall"], dead ? "  (died)" : ""
      }' "$f"
  done
done

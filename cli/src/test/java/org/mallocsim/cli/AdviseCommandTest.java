package org.mallocsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.cli.BundledTraces.trace;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code mallocsim advise --verify} on git's trace (6,042 calls), the real glibc beside the prediction. */
class AdviseCommandTest {
    @Test
    void verifyPrintsEachKindOfSyscallPredictedAndMeasuredAndTheyMatchExactlyForOneThread() {
        Cli.Result r = Cli.run("advise", trace("git").toString(), "--verify", "--top", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("to cut peak RSS")
                .contains("to cut syscalls")
                .contains("must match exactly (one thread)")
                .contains("best for peak RSS: glibc.malloc.")
                .containsPattern("peak RSS change  predicted [-+][\\d,]+ KiB, measured [-+][\\d,]+ KiB: ");
        // every kind's line: "brk   182 -> 180   182 -> 180", predicted then measured
        Matcher m = Pattern.compile(
                        "(?m)^ {4}(brk|mmap|munmap|mprotect|mremap|madvise) +(\\d+) -> (\\d+) +(\\d+) -> (\\d+)$")
                .matcher(r.out());
        int lines = 0;
        while (m.find()) {
            lines++;
            assertThat(m.group(4) + " -> " + m.group(5))
                    .as("%s measured as predicted", m.group(1))
                    .isEqualTo(m.group(2) + " -> " + m.group(3));
        }
        assertThat(lines).as("six kinds for each verified candidate").isIn(6, 12);
        // the peak RSS verdicts depend on the machine's noise; the syscall verdicts may not
        assertThat(r.out().lines().filter(l -> l.startsWith("    syscalls ")))
                .isNotEmpty()
                .allMatch(l -> l.endsWith("measured: agree exactly"));
    }

    @Test
    void aMissingTraceIsOneLineNamingIt(@org.junit.jupiter.api.io.TempDir Path dir) {
        Cli.Result r = Cli.run("advise", dir.resolve("none.mrec").toString(), "--verify");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("none.mrec").contains("no such file").doesNotContain("Exception");
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonHasTheCandidatesWithPredictedAndMeasuredFigures() {
        Cli.Result r = Cli.run("advise", trace("git").toString(), "--verify", "--top", "2", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Object> j = JsonParser.object(r.out());
        assertThat(j.keySet()).containsExactly("trace", "calls", "baseline", "byPeakRss", "bySyscalls", "verify");
        assertThat(j).containsEntry("calls", 6042L);
        Map<String, Object> base = (Map<String, Object>) j.get("baseline");
        assertThat(base).containsEntry("tunables", "");
        long baseRss = (Long) base.get("peakRssBytes");
        List<Map<String, Object>> byRss = (List<Map<String, Object>>) j.get("byPeakRss");
        assertThat(byRss).hasSize(2);
        assertThat((Long) byRss.get(0).get("peakRssBytes"))
                .isLessThanOrEqualTo((Long) byRss.get(1).get("peakRssBytes"));
        assertThat((String) byRss.get(0).get("tunables")).startsWith("glibc.malloc.");
        assertThat((List<?>) j.get("bySyscalls")).hasSize(2);
        Map<String, Object> v = (Map<String, Object>) j.get("verify");
        assertThat(v).containsEntry("syscallTolerance", 0L);
        List<Map<String, Object>> picks = (List<Map<String, Object>>) v.get("candidates");
        assertThat(picks).hasSize(2);
        Map<String, Object> best = picks.get(0);
        assertThat(best)
                .containsEntry("goal", "best for peak RSS")
                .containsEntry("tunables", byRss.get(0).get("tunables"))
                .containsEntry("sameCandidate", false)
                .containsEntry(
                        "predictedPeakRssChangeBytes", (Long) byRss.get(0).get("peakRssBytes") - baseRss)
                .containsEntry("syscallsAgree", true)
                .containsKeys("measuredPeakRssChangeBytes", "peakRssAgrees");
        // one thread: every kind measured exactly as predicted
        assertThat(best.get("measuredSyscalls")).isEqualTo(best.get("predictedSyscalls"));
        assertThat(v.get("baselineMeasuredSyscalls")).isEqualTo(base.get("syscallsByKind"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyCandidateListedCutsItsGoalBelowTheDefaults() {
        Cli.Result r = Cli.run("advise", trace("git").toString(), "--top", "1000", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Object> j = JsonParser.object(r.out());
        Map<String, Object> base = (Map<String, Object>) j.get("baseline");
        List<Map<String, Object>> byRss = (List<Map<String, Object>>) j.get("byPeakRss");
        List<Map<String, Object>> bySys = (List<Map<String, Object>>) j.get("bySyscalls");
        assertThat(byRss).isNotEmpty().allMatch(c -> (Long) c.get("peakRssBytes") < (Long) base.get("peakRssBytes"));
        assertThat(bySys).isNotEmpty().allMatch(c -> (Long) c.get("syscalls") < (Long) base.get("syscalls"));
    }

    @Test
    void aTraceNoTunableHelpsGetsNoAdviceAndNothingToVerify(@org.junit.jupiter.api.io.TempDir Path dir) {
        Path tiny = dir.resolve("tiny.mrec");
        Cli.Result g = Cli.run("generate", "-o", tiny.toString(), "--calls", "20", "--shape", "SIMPLE");
        assertThat(g.code()).as(g.err()).isZero();
        Cli.Result r = Cli.run("advise", tiny.toString(), "--verify");
        assertThat(r.code()).as(r.err()).isZero();
        String none =
                "  none: no tunable of the grid, alone or with the others that helped, does better than the defaults\n";
        assertThat(r.out())
                .contains("to cut peak RSS (predicted, emulated glibc 2.36, pages touched):\n" + none)
                .contains("to cut syscalls:\n" + none)
                .contains("best for peak RSS: no candidate cuts it; nothing to measure")
                .contains("best for syscalls: no candidate cuts them; nothing to measure")
                .doesNotContain("glibc.malloc.");
    }
}

package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mallocsim.traces.natives.FidelityReport.Kind;

/**
 * The traces recorded with {@code mallocsim record} and kept in {@code traces/} (see
 * {@code traces/README.md}): a database, an interpreter, a threaded interpreter, threads that are
 * replaced and threads that outnumber the arena limit replay under ptmalloc in every class, on
 * any machine. Each row also pins what makes the trace worth keeping (its threads and calls
 * answered from thread arenas), so a re-recording that lost it fails here.
 */
class MachineTracesFidelityTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // trace, calls, threads started, thread-arena calls at least, thread heaps
        "sqlite3, 40504, 0, 0, 0",
        "perl, 64467, 0, 0, 0",
        "python3-threads, 133654, 9, 10000, 3",
        // 4 waves of 3 threads: each wave takes the arenas the last one left on the free list
        "threads-churn, 40795, 12, 10000, 1",
        // 20 threads at once on 2 CPUs: 15 thread arenas + main_arena = the limit 8 x 2, then reused_arena
        "threads-many, 65927, 20, 10000, 15",
    })
    void aTraceRecordedOnDebian12ReplaysUnderPtmallocAt100Percent(
            String trace, long calls, int threads, long threadArenaCalls, int threadHeaps) throws IOException {
        TraceFidelity.Outcome o = TraceFidelity.replay(trace, "glibc");
        System.out.print(o.describe());

        assertThat(o.faithful()).as(o.describe()).isTrue();
        assertThat(o.report().recordedCalls()).isEqualTo(calls);
        assertThat(o.counts().get(Kind.THREAD_ARENA).total()).isGreaterThanOrEqualTo(threadArenaCalls);
        assertThat(TraceFidelity.threadsStarted(TraceFidelity.trace(trace))).isEqualTo(threads);
        assertThat(TraceFidelity.threadHeaps(TraceFidelity.trace(trace))).isEqualTo(threadHeaps);
    }
}

package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The seven reference traces reproduce glibc's answers call for call (pythr with its three thread arenas). */
class TraceFidelityTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"grep", "diff", "tar", "git", "pyxml", "bash", "pythr"})
    void everyRecordedCallGetsGlibcsPointerChunkWordAndBreak(String trace) throws Exception {
        TraceReplay r = TraceReplay.run(trace, 0);
        System.out.println(trace + ": " + r);
        assertThat(r.perfect()).as(r.toString()).isTrue();
    }
}

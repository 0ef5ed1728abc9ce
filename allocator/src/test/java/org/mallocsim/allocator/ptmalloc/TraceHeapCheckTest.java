package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The heap checker finds every invariant intact while the reference traces replay. */
class TraceHeapCheckTest {

    @ParameterizedTest(name = "{0} checked every {1} calls")
    @CsvSource({"grep, 1", "diff, 1", "git, 1", "pyxml, 1", "tar, 3", "bash, 2000", "pythr, 7"})
    void heapInvariantsHoldThroughoutEveryTrace(String trace, int every) throws Exception {
        TraceReplay r = TraceReplay.run(trace, every);
        assertThat(r.perfect()).as(r.toString()).isTrue();
    }
}

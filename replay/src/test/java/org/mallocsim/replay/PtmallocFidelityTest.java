package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * glibc's malloc as ptmalloc emulates it reproduces the seven reference traces in every class
 * FidelityReport counts; pythr's threads get their own arenas, heaps and tcaches.
 */
class PtmallocFidelityTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"grep", "diff", "tar", "git", "pyxml", "bash", "pythr"})
    void ptmallocAnswersEveryRecordedCallAsGlibcDid(String trace) throws IOException {
        TraceFidelity.Outcome o = TraceFidelity.replay(trace, "glibc");
        System.out.print(o.describe());
        assertThat(o.faithful()).as(o.describe()).isTrue();
    }
}

package org.mallocsim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.Allocators;
import org.mallocsim.allocator.HeapCheck;

/** The heap checker finds every invariant intact while the bundled traces replay with glibc's malloc. */
class TraceHeapCheckTest {

    @ParameterizedTest(name = "{0} checked every {1} calls")
    @CsvSource({"grep, 1", "diff, 1", "git, 1", "pyxml, 1", "tar, 3", "bash, 2000", "pythr, 7"})
    void heapInvariantsHoldThroughoutEveryTrace(String trace, int every) throws IOException {
        List<HeapChecked> made = new ArrayList<>();
        TraceFidelity.Outcome o =
                TraceFidelity.replay(TraceFidelity.trace(trace), ReplayOptions.of("glibc", (space, options) -> {
                    HeapChecked h = new HeapChecked(Allocators.factory("glibc").create(space, options), every);
                    made.add(h);
                    return h;
                }));
        assertThat(o.faithful()).as(o.describe()).isTrue();
        assertThat(made).hasSize(1);
        HeapChecked checked = made.get(0);
        checked.checkHeap(); // after the last call too

        assertThat(checked.checks).isEqualTo((o.result().calls() + every - 1) / every + 1);
    }

    /** glibc's malloc with its heap checker run before every {@code every}-th call (from the first on). */
    private static final class HeapChecked extends ForwardingAllocator implements HeapCheck {
        private final int every;
        private long calls;
        long checks;

        HeapChecked(Allocator glibc, int every) {
            super(glibc);
            this.every = every;
        }

        @Override
        long interpose() {
            if (calls++ % every == 0) {
                checkHeap();
            }
            return 0;
        }

        @Override
        public void checkHeap() {
            ((HeapCheck) delegate()).checkHeap();
            checks++;
        }
    }
}

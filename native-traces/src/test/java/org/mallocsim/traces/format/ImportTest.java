package org.mallocsim.traces.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImportTest {
    static List<String> events(String resource) throws IOException {
        List<String> out = new ArrayList<>();
        InputStream in = ImportTest.class.getResourceAsStream(resource);
        assertThat(in).as(resource).isNotNull();
        try (TraceReader r = Traces.open(in, resource, false)) {
            TraceEvent e = new TraceEvent();
            while (r.next(e)) {
                out.add(e.toString());
            }
        }
        return out;
    }

    @Test
    void realMtraceBecomesMallocFreeAndReallocEvents() throws IOException {
        assertThat(events("real.mtrace"))
                .containsExactly(
                        "0 m 100 0 = 0x55a5ddfa34a0 0x0 0x0",
                        "0 m 120 0 = 0x55a5ddfa3510 0x0 0x0",
                        "0 r " + 0x55a5ddfa34a0L + " 5000 = 0x55a5ddfa3590 0x0 0x0",
                        "0 m 200 0 = 0x55a5ddfa4940 0x0 0x0",
                        "0 m 16 0 = 0x55a5ddfa4920 0x0 0x0",
                        "0 f " + 0x55a5ddfa3510L + " 0 = 0x0 0x0 0x0",
                        "0 f " + 0x55a5ddfa4940L + " 0 = 0x0 0x0 0x0",
                        "0 f " + 0x55a5ddfa4920L + " 0 = 0x0 0x0 0x0",
                        "0 m 4611686018427387903 0 = 0x0 0x0 0x0",
                        "0 m 0 0 = 0x55a5ddfa4920 0x0 0x0",
                        "0 f " + 0x55a5ddfa4920L + " 0 = 0x0 0x0 0x0",
                        "0 f " + 0x55a5ddfa3590L + " 0 = 0x0 0x0 0x0");
    }

    @Test
    void mtraceCallerPrefixesZeroSizesAndFailedReallocAreUnderstood() throws IOException {
        assertThat(events("handwritten.mtrace"))
                .containsExactly(
                        "0 m 4096 0 = 0x561a11267020 0x0 0x0",
                        "0 m 100 0 = 0x561a112664a0 0x0 0x0",
                        "0 m 0 0 = 0x561a11268030 0x0 0x0",
                        "0 r " + 0x561a112664a0L + " 512 = 0x561a11269000 0x0 0x0",
                        "0 r " + 0x561a11269000L + " 281474976710655 = 0x0 0x0 0x0",
                        "0 f " + 0x561a11268030L + " 0 = 0x0 0x0 0x0",
                        "0 m 9223372036854775807 0 = 0x0 0x0 0x0");
    }

    @Test
    void rawHeaptrackGivesSizesAndPointers() throws IOException {
        assertThat(events("raw.heaptrack"))
                .containsExactly(
                        "0 m 64 0 = 0x5000 0x0 0x0",
                        "0 m 32 0 = 0x5040 0x0 0x0",
                        "0 f 20480 0 = 0x0 0x0 0x0",
                        "0 f 20544 0 = 0x0 0x0 0x0");
    }

    @Test
    void interpretedHeaptrackGetsSyntheticPointersFreedPerAllocationInfo() throws IOException {
        List<String> ev = events("real.heaptrack.zst");
        assertThat(ev).hasSize(11);
        assertThat(ev.get(1)).isEqualTo("0 m 100 0 = 0x2000000 0x0 0x0");
        assertThat(ev.get(3)).isEqualTo("0 f " + 0x2000000L + " 0 = 0x0 0x0 0x0");
        TraceValidator v = new TraceValidator("real.heaptrack.zst", false);
        TraceEvent e = new TraceEvent();
        try (TraceReader r = Traces.open(ImportTest.class.getResourceAsStream("real.heaptrack.zst"), "h", false)) {
            while (r.next(e)) {
                v.check(e);
            }
        }
        // realloc(p, 0) of the fixture program left no '-' line in heaptrack's output.
        assertThat(v.liveCount()).isEqualTo(1);
    }
}

package org.mallocsim.traces.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every field of an event goes into its slot and comes back out as it went in. */
class TraceColumnsTest {
    /** An event whose every field differs from slot to slot and uses the whole width of its type. */
    private static TraceEvent event(int i) {
        TraceEvent e = new TraceEvent()
                .set(
                        -1 - i,
                        TraceEvent.MEMALIGN_FAMILY,
                        0x8000_0000_0000_0000L + i,
                        0x7fff_ffff_ffff_0000L + i,
                        0x55dd_085a_c2a0L + 16L * i,
                        0x21L + 16L * i,
                        0x55dd_0860_0000L + 4096L * i);
        e.alignKind = (byte) (1 + i % 3);
        e.position = 1_000_000_000_000L + i;
        return e;
    }

    private static void assertSame(TraceEvent actual, TraceEvent expected, boolean answers) {
        assertThat(actual.tid).isEqualTo(expected.tid);
        assertThat(actual.op).isEqualTo(expected.op);
        assertThat(actual.alignKind).isEqualTo(expected.alignKind);
        assertThat(actual.arg0).isEqualTo(expected.arg0);
        assertThat(actual.arg1).isEqualTo(expected.arg1);
        assertThat(actual.result).isEqualTo(expected.result);
        assertThat(actual.position).isEqualTo(expected.position);
        assertThat(actual.chunkWord).isEqualTo(answers ? expected.chunkWord : 0);
        assertThat(actual.brk).isEqualTo(answers ? expected.brk : 0);
    }

    @Test
    void aGrowableStoreWithAnswersGivesBackEveryFieldPastItsFirstGrowth() {
        TraceColumns c = TraceColumns.growable(true);
        for (int i = 0; i < 3000; i++) {
            assertThat(c.add(event(i))).isEqualTo(i);
        }
        assertThat(c.size()).isEqualTo(3000);
        TraceEvent out = new TraceEvent();
        for (int i = 0; i < 3000; i++) {
            c.load(i, out);
            assertSame(out, event(i), true);
            assertThat(c.tid(i)).isEqualTo(-1 - i);
            assertThat(c.chunkWord(i)).isEqualTo(event(i).chunkWord);
            assertThat(c.brk(i)).isEqualTo(event(i).brk);
        }
    }

    @Test
    void aStoreWithoutAnswersLoadsChunkWordAndBreakAsZero() {
        TraceColumns c = TraceColumns.growable(false);
        c.add(event(7));
        TraceEvent out = event(9); // stale answers must be overwritten
        c.load(0, out);
        assertSame(out, event(7), false);
        assertThat(c.chunkWord(0)).isZero();
        assertThat(c.brk(0)).isZero();
    }
}

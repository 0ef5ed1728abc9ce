package org.mallocsim.traces.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Pins the record layout drawn in {@link BinaryLayout} and docs/trace-format.md. */
class BinaryLayoutTest {
    private static byte[] bytes(int... b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = (byte) b[i];
        }
        return r;
    }

    @Test
    void theDocumentedExampleRecordHasExactlyTheDocumentedBytes() throws IOException {
        long brk = 0x55d860bce000L;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TraceWriter w = Traces.create(out, TraceFormat.BINARY)) {
            w.writeHeader(new TraceHeader().startBrk(brk));
            w.write(new TraceEvent().set(1234, TraceEvent.MALLOC, 24, 0, brk + 0x2a0, 0x21, brk));
        }
        byte[] all = out.toByteArray();
        byte[] header = bytes(0x89, 'M', 'R', 'E', 'C', 'B', 0x0d, 0x0a, 1, 8, 1, 3);
        assertThat(Arrays.copyOf(all, header.length)).isEqualTo(header);
        byte[] record = bytes(0x11, 0x00, 0xd2, 0x09, 0x18, 0xc0, 0x0a, 0x02);
        byte[] trailer = bytes(0, 1, 'E', 'N', 'D', 'M', 'R', 'E', 'C', 'B');
        byte[] tail = Arrays.copyOfRange(all, all.length - record.length - trailer.length, all.length);
        byte[] expected = new byte[record.length + trailer.length];
        System.arraycopy(record, 0, expected, 0, record.length);
        System.arraycopy(trailer, 0, expected, record.length, trailer.length);
        assertThat(tail).isEqualTo(expected);

        try (TraceReader r = Traces.open(new ByteArrayInputStream(all), "example", false)) {
            TraceEvent e = new TraceEvent();
            assertThat(r.next(e)).isTrue();
            assertThat(e.toString())
                    .isEqualTo("1234 m 24 0 = 0x" + Long.toHexString(brk + 0x2a0) + " 0x21 0x" + Long.toHexString(brk));
            assertThat(r.next(e)).isFalse();
        }
    }

    @Test
    void aSuccessfulReallocKeepsItsSlotAndAFreedSlotIsReusedLastInFirstOut() {
        SlotTable s = new SlotTable();
        TraceEvent e = new TraceEvent();
        s.update(e.set(1, TraceEvent.MALLOC, 8, 0, 0x1000, 0x21, 0));
        s.update(e.set(1, TraceEvent.MALLOC, 8, 0, 0x2000, 0x21, 0));
        s.update(e.set(1, TraceEvent.REALLOC, 0x1000, 100, 0x3000, 0x71, 0));
        assertThat(s.slot(0x3000)).isZero();
        s.update(e.set(1, TraceEvent.FREE, 0x2000, 0, 0, 0, 0));
        s.update(e.set(1, TraceEvent.MEMALIGN_FAMILY, 64, 8, 0x4000, 0x21, 0));
        assertThat(s.slot(0x4000)).isEqualTo(1);
        s.update(e.set(1, TraceEvent.REALLOC, 0x4000, 1000, 0, 0, 0));
        assertThat(s.slot(0x4000))
                .as("a failed realloc keeps the old pointer live")
                .isEqualTo(1);
        s.update(e.set(1, TraceEvent.REALLOC, 0x4000, 0, 0, 0, 0));
        assertThat(s.slot(0x4000)).as("realloc to 0 frees").isEqualTo(LongIntMap.MISSING);
    }

    @Test
    void everyEventShapeSurvivesTheBinaryRoundTripIncludingIrregularOnes() throws IOException {
        TraceEvent[] events = {
            new TraceEvent().set(7, TraceEvent.THREAD_START, 1, 0, 0, 0, 0x1000),
            new TraceEvent().set(7, TraceEvent.MALLOC, 5, 0, 0x7f0000001000L, 0x25, 0x1000),
            new TraceEvent().set(7, TraceEvent.FREE, 0xdead0, 0, 0, 0, 0x1000),
            new TraceEvent().set(7, TraceEvent.FREE, 0x7f0000001000L, 0, 0, 0, 0x1000),
            new TraceEvent().set(7, TraceEvent.FREE, 0x7f0000001000L, 0, 0, 0, 0x1000),
            new TraceEvent().set(8, TraceEvent.CALLOC, -1L, 16, 0, 0, 0x0),
            new TraceEvent().set(8, TraceEvent.FORK, 99, 0, 0, 0, 0x900000),
            new TraceEvent().set(7, TraceEvent.MALLOC, 5, 3, 1, 2, 3),
            new TraceEvent().set(8, TraceEvent.THREAD_EXIT, 0, 0, 0, 0, 0x900000),
            new TraceEvent().set(-1, TraceEvent.REALLOC, 0x1234, 8, 0x1234, 0x21, 0),
        };
        events[2].alignKind = 0;
        TraceEvent aligned = new TraceEvent().set(7, TraceEvent.MEMALIGN_FAMILY, 4096, 10, 0x40000, 0x1011, 0);
        aligned.alignKind = TraceEvent.ALIGN_POSIX_MEMALIGN;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TraceWriter w = Traces.create(out, TraceFormat.BINARY)) {
            w.writeHeader(new TraceHeader());
            for (TraceEvent e : events) {
                w.write(e);
            }
            w.write(aligned);
        }
        try (TraceReader r = Traces.open(new ByteArrayInputStream(out.toByteArray()), "shapes", false)) {
            TraceEvent e = new TraceEvent();
            for (TraceEvent expected : events) {
                assertThat(r.next(e)).isTrue();
                assertThat(e.toString()).isEqualTo(expected.toString());
            }
            assertThat(r.next(e)).isTrue();
            assertThat(e.alignKind).isEqualTo(TraceEvent.ALIGN_POSIX_MEMALIGN);
            assertThat(e.toString()).isEqualTo(aligned.toString());
            assertThat(r.next(e)).isFalse();
        }
    }

    private static TraceEvent[] read(byte[] file, int count) throws IOException {
        TraceEvent[] events = new TraceEvent[count];
        try (TraceReader r = Traces.open(new ByteArrayInputStream(file), "v2", false)) {
            for (int i = 0; i < count; i++) {
                events[i] = new TraceEvent();
                assertThat(r.next(events[i])).isTrue();
            }
            assertThat(r.next(new TraceEvent())).isFalse();
        }
        return events;
    }

    @Test
    void versionTwoFlagANamesFreedAndReallocatedPointersByTheirDistanceFromP() throws IOException {
        // start-brk 0x1000; malloc(24) at 0x12a0 (P becomes 0x12c0); free(0x12a0): zz(-0x20) = 0x3f;
        // realloc(0x12a0, 40): zz(-0x20), 40, result Q = old + 0x40 -> zz(0x40) = 0x80 0x01,
        // chunk word 0x31 = R(40) + 1 -> 2; free(0x5000), never returned: zz(0x5000 - 0x1310) = zz(0x3cf0).
        byte[] file = bytes(
                0x89, 'M', 'R', 'E', 'C', 'B', 0x0d, 0x0a, 2, 3, 0x80, 0x20, 0, 0x11, 0x00, 0x07, 0x18, 0xc0, 0x0a,
                0x02, 0x84, 0x3f, 0x83, 0x3f, 0x28, 0x80, 0x01, 0x02, 0x84, 0xe0, 0xf3, 0x01, 0, 4, 'E', 'N', 'D', 'M',
                'R', 'E', 'C', 'B');
        TraceEvent[] e = read(file, 4);
        assertThat(e[0].toString()).isEqualTo("7 m 24 0 = 0x12a0 0x21 0x1000");
        assertThat(e[1].toString()).isEqualTo("7 f 4768 0 = 0x0 0x0 0x1000");
        assertThat(e[2].toString()).isEqualTo("7 r 4768 40 = 0x12e0 0x31 0x1000");
        assertThat(e[3].toString()).isEqualTo("7 f 20480 0 = 0x0 0x0 0x1000");
    }

    @Test
    void flagAIsAnErrorInVersionOneAndOnOtherRecords() {
        byte[] v1 = bytes(
                0x89, 'M', 'R', 'E', 'C', 'B', 0x0d, 0x0a, 1, 0, 0x94, 0x00, 0x07, 0x3f, 0, 1, 'E', 'N', 'D', 'M', 'R',
                'E', 'C', 'B');
        byte[] onMalloc = bytes(
                0x89, 'M', 'R', 'E', 'C', 'B', 0x0d, 0x0a, 2, 0, 0x91, 0x00, 0x07, 0x18, 0x00, 0x02, 0, 1, 'E', 'N',
                'D', 'M', 'R', 'E', 'C', 'B');
        for (byte[] file : new byte[][] {v1, onMalloc}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> read(file, 1))
                    .isInstanceOf(TraceFormatException.class)
                    .hasMessageContaining("byte offset 10")
                    .hasMessageContaining("flag 0x80");
        }
    }
}

package org.mallocsim.traces.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The read-ahead reader gives exactly what its source gives: events, warnings, end and errors. */
class ReadAheadTraceReaderTest {
    private static final String HEAD = "# mrec 1 glibc 2.36 nprocs 2 start-brk 0x1000 end line\n";

    /**
     * A text trace of {@code events} seeded random events spanning several batches; with
     * {@code bad} > 0, every bad-th line is malformed.
     */
    private static byte[] trace(long seed, int events, int bad, boolean endLine) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder(endLine ? HEAD : HEAD.replace(" end line", ""));
        for (int i = 1; i <= events; i++) {
            if (bad > 0 && i % bad == 0) {
                sb.append("1 q ").append(i).append('\n');
                continue;
            }
            long p = 0x1000 + 16L * r.nextInt(1 << 20);
            switch (r.nextInt(4)) {
                case 0:
                    sb.append(r.nextInt(3) + 1).append(" f 0x").append(Long.toHexString(p));
                    sb.append(" = 0x0 0x0 0x21000\n");
                    break;
                case 1:
                    sb.append("2 r 0x").append(Long.toHexString(p)).append(' ').append(r.nextInt(5000));
                    sb.append(" = 0x").append(Long.toHexString(p + 32)).append(" 0x31 0x21000\n");
                    break;
                case 2:
                    sb.append("3 a 64 ").append(r.nextInt(300)).append(" = 0x").append(Long.toHexString(p));
                    sb.append(" 0x151 0x21000\n");
                    break;
                default:
                    sb.append("1 m ").append(r.nextInt(100_000)).append(" = 0x").append(Long.toHexString(p));
                    sb.append(" 0x21 0x21000\n");
            }
        }
        if (endLine) {
            sb.append("# end ").append(bad > 0 ? events - events / bad : events).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static TraceReader plain(byte[] bytes, boolean lenient) throws IOException {
        InputStream in = new ByteArrayInputStream(bytes);
        return Traces.open(in, "t.mrec", lenient);
    }

    /** Reads both readers in step and checks every event, warning count, end and error agree. */
    private static long sameAsSource(byte[] bytes, boolean lenient) throws IOException {
        try (TraceReader expected = plain(bytes, lenient);
                TraceReader ahead = new ReadAheadTraceReader(plain(bytes, lenient))) {
            assertThat(ahead.header().startBrk).isEqualTo(expected.header().startBrk);
            TraceEvent want = new TraceEvent();
            TraceEvent got = new TraceEvent();
            long n = 0;
            while (true) {
                IOException wantError = null;
                boolean wantMore = false;
                try {
                    wantMore = expected.next(want);
                } catch (IOException e) {
                    wantError = e;
                }
                if (wantError != null) {
                    String message = wantError.getMessage();
                    assertThatThrownBy(() -> ahead.next(got))
                            .isInstanceOf(wantError.getClass())
                            .hasMessage(message);
                    return -n - 1;
                }
                assertThat(ahead.next(got)).as("event %d", n).isEqualTo(wantMore);
                assertThat(ahead.warnings()).as("warnings after event %d", n).isEqualTo(expected.warnings());
                if (!wantMore) {
                    return n;
                }
                assertThat(got.toString()).isEqualTo(want.toString());
                assertThat(got.position).isEqualTo(want.position);
                assertThat(got.alignKind).isEqualTo(want.alignKind);
                assertThat(got.chunkWord).isEqualTo(want.chunkWord);
                assertThat(got.brk).isEqualTo(want.brk);
                n++;
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void aWholeTraceOfSeveralBatchesComesThroughUnchanged(long seed) throws IOException {
        int events = 2 * ReadAheadTraceReader.BATCH + 17 * (int) seed;
        assertThat(sameAsSource(trace(seed, events, 0, true), false)).isEqualTo(events);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5})
    void lenientWarningsAreCountedAfterTheSameEventsAsTheSourceCountsThem(long seed) throws IOException {
        int events = ReadAheadTraceReader.BATCH + 999;
        long n = sameAsSource(trace(seed, events, 97, true), true);
        assertThat(n).isEqualTo(events - events / 97);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {6, 7})
    void aMalformedLineFailsAfterTheEventsBeforeItWithTheSourcesError(long seed) throws IOException {
        int badAt = ReadAheadTraceReader.BATCH + 5 + (int) seed;
        long n = sameAsSource(trace(seed, 3 * ReadAheadTraceReader.BATCH, badAt, true), false);
        assertThat(n).as("events delivered before the error, encoded as -n-1").isEqualTo(-(badAt - 1) - 1);
    }

    @ParameterizedTest(name = "lenient {0}")
    @ValueSource(booleans = {false, true})
    void aTruncatedTraceEndsAsTheSourceEnds(boolean lenient) throws IOException {
        byte[] whole = trace(8, 1000, 0, true);
        String text = new String(whole, StandardCharsets.US_ASCII);
        byte[] cut = text.substring(0, text.lastIndexOf("# end")).getBytes(StandardCharsets.US_ASCII);
        long n = sameAsSource(cut, lenient);
        assertThat(n).isEqualTo(lenient ? 1000 : -1000 - 1);
    }

    @ParameterizedTest(name = "after {0} events")
    @ValueSource(ints = {0, 1, ReadAheadTraceReader.BATCH + 1})
    void closingBeforeTheEndStopsTheReaderThread(int read) throws IOException, InterruptedException {
        byte[] bytes = trace(9, 6 * ReadAheadTraceReader.BATCH, 0, false);
        ReadAheadTraceReader ahead = new ReadAheadTraceReader(plain(bytes, false));
        TraceEvent e = new TraceEvent();
        for (int i = 0; i < read; i++) {
            assertThat(ahead.next(e)).isTrue();
        }
        ahead.close();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("trace-read-ahead")) {
                t.join(10_000);
                assertThat(t.isAlive())
                        .as("a reader thread still runs after close")
                        .isFalse();
            }
        }
    }
}

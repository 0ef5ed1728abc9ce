package org.mallocsim.replay;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;

/** Reads a {@link CallSeries} stream back, as the report's script does, for the tests. */
final class CallSeriesDecoder {
    private CallSeriesDecoder() {}

    static byte[] inflate(byte[] gzip) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Change points expanded to the value after each of {@code calls} calls. */
    static long[] steps(byte[] b, int calls) {
        long[] out = new long[calls];
        int[] at = {0};
        long call = 0;
        long value = 0;
        long from = 0;
        while (at[0] < b.length) {
            long next = call + varint(b, at);
            java.util.Arrays.fill(out, (int) from, (int) next, value);
            value += zigzag(varint(b, at));
            call = next;
            from = next;
        }
        java.util.Arrays.fill(out, (int) from, calls, value);
        return out;
    }

    /** Per-call deltas summed into the value after each call. */
    static long[] running(byte[] b, int calls) {
        long[] out = new long[calls];
        int[] at = {0};
        long v = 0;
        for (int i = 0; i < calls; i++) {
            v += zigzag(varint(b, at));
            out[i] = v;
        }
        return out;
    }

    /** Syscall records expanded to each kind's count up to each call. */
    static long[][] syscalls(byte[] b, int calls, int kinds) {
        long[][] out = new long[kinds][calls];
        long[] now = new long[kinds];
        int[] at = {0};
        long call = 0;
        int from = 0;
        while (at[0] < b.length) {
            call += varint(b, at);
            for (int k = 0; k < kinds; k++) {
                java.util.Arrays.fill(out[k], from, (int) call, now[k]);
                now[k] += varint(b, at);
            }
            from = (int) call;
        }
        for (int k = 0; k < kinds; k++) {
            java.util.Arrays.fill(out[k], from, calls, now[k]);
        }
        return out;
    }

    static long varint(byte[] b, int[] at) {
        long v = 0;
        int shift = 0;
        int c;
        do {
            c = b[at[0]++] & 0xff;
            v |= (long) (c & 0x7f) << shift;
            shift += 7;
        } while ((c & 0x80) != 0);
        return v;
    }

    static long zigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }
}

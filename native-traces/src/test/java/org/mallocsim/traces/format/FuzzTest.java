package org.mallocsim.traces.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Corrupts shared traces at random and checks that only TraceFormatException escapes. */
class FuzzTest {
    private static byte[] text;
    private static byte[] binary;

    static LongStream seeds() {
        return LongStream.range(1, 41);
    }

    private static synchronized void load() throws IOException {
        if (text != null) {
            return;
        }
        try (InputStream in = SharedTraces.decompressed(SharedTraces.named("git"))) {
            text = in.readAllBytes();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TraceReader r = Traces.open(new ByteArrayInputStream(text), "git", false);
                TraceWriter w = Traces.create(out, TraceFormat.BINARY)) {
            Traces.copy(r, w);
        }
        binary = out.toByteArray();
    }

    private static byte[] corrupt(byte[] original, SplittableRandom rnd) {
        switch (rnd.nextInt(3)) {
            case 0 -> {
                byte[] b = original.clone();
                int flips = 1 + rnd.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
                return b;
            }
            case 1 -> {
                return java.util.Arrays.copyOf(original, rnd.nextInt(original.length));
            }
            default -> {
                int at = rnd.nextInt(original.length);
                byte[] garbage = new byte[1 + rnd.nextInt(64)];
                for (int i = 0; i < garbage.length; i++) {
                    garbage[i] =
                            (byte) (rnd.nextBoolean() ? rnd.nextInt(256) : " 0x=mfr\n123abc".charAt(rnd.nextInt(14)));
                }
                byte[] b = new byte[original.length + garbage.length];
                System.arraycopy(original, 0, b, 0, at);
                System.arraycopy(garbage, 0, b, at, garbage.length);
                System.arraycopy(original, at, b, at + garbage.length, original.length - at);
                return b;
            }
        }
    }

    private static void readExpectingOnlyFormatErrors(byte[] bytes, boolean lenient) {
        try (TraceReader r = Traces.open(new ByteArrayInputStream(bytes), "fuzz", lenient)) {
            TraceEvent e = new TraceEvent();
            TraceValidator v = new TraceValidator("fuzz", true);
            while (r.next(e)) {
                v.check(e);
            }
        } catch (TraceFormatException expected) {
            assertThat(expected.getMessage()).startsWith("fuzz: ");
        } catch (Throwable t) {
            throw new AssertionError("a corrupted trace escaped with " + t, t);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aCorruptedTextTraceFailsOnlyWithTraceFormatException(long seed) throws IOException {
        load();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 5; i++) {
            byte[] b = corrupt(text, rnd);
            readExpectingOnlyFormatErrors(b, false);
            readExpectingOnlyFormatErrors(b, true);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aCorruptedBinaryTraceFailsOnlyWithTraceFormatException(long seed) throws IOException {
        load();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 5; i++) {
            readExpectingOnlyFormatErrors(corrupt(binary, rnd), false);
        }
    }
}

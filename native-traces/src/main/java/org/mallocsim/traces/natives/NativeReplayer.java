package org.mallocsim.traces.natives;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceFormat;
import org.mallocsim.traces.format.TraceFormatException;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.TraceWriter;
import org.mallocsim.traces.format.Traces;

/**
 * Replays a trace against the real glibc with the {@code mallocsim-replay} program, in a fresh
 * process: the trace is read and checked here and streamed as text into the program's standard
 * input, which writes its own answers (the reference format) and its timing. glibc's malloc
 * settings come from the trace's header ({@link TraceHeader#mallocEnvironment()}), never from
 * this JVM's environment, so the replay starts in the recorded program's configuration.
 */
public final class NativeReplayer {
    /** How the replayer writes into each block after allocating it (page faults, cache misses). */
    public enum Touch {
        /** Never. */
        NONE,
        /** The first byte. */
        FIRST,
        /** One byte per 4 KiB page. */
        PAGE,
        /** Every byte. */
        BYTE;

        String flag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * What a replay produced.
     *
     * @param answersFile the replay's answers in the reference format (header, one line per call)
     * @param stats the program's "key value" statistics: events, threads, calls, wall-ns,
     *     call-ns, ns-per-call, unknown-pointers, failed-allocations; rss-start-kib, rss-peak-kib
     *     and rss-end-kib (VmRSS before the first call, VmHWM reset then and read after the last
     *     call, VmRSS after it)
     * @param nsPerCallByOp mean nanoseconds per call by operation letter, with call counts
     */
    public record Result(Path answersFile, Map<String, Long> stats, Map<Character, long[]> nsPerCallByOp) {
        /** A statistic, or 0 when absent. */
        public long stat(String key) {
            return stats.getOrDefault(key, 0L);
        }
    }

    private NativeReplayer() {}

    /** As {@link #replay(Path, Path, Touch, LongConsumer)} without progress reports. */
    public static Result replay(Path trace, Path answersFile, Touch touch) throws IOException {
        return replay(trace, answersFile, touch, n -> {});
    }

    /**
     * Replays a trace file (any format {@link Traces#open} reads) and writes the answers to
     * {@code answersFile}. The trace is read strictly and sent to the replayer as canonical text;
     * the replayer reads all of its input before it makes the first call, so a malformed trace
     * (a number beyond 2^64, a line over 1 MiB, a truncated file) stops everything before any
     * call is replayed: the replayer is killed and nothing is written.
     *
     * @param eventsSent told how many events have been sent to the replayer, every so often
     * @throws IOException when the trace cannot be read or the replayer fails (its message included)
     */
    public static Result replay(Path trace, Path answersFile, Touch touch, LongConsumer eventsSent) throws IOException {
        return replay(trace, answersFile, touch, "", eventsSent);
    }

    /**
     * As {@link #replay(Path, Path, Touch, LongConsumer)}, with {@code extraTunables} (a
     * {@code GLIBC_TUNABLES} value, "" for none) appended to the recorded ones: glibc reads the
     * list left to right, so these win where both name a tunable.
     */
    public static Result replay(
            Path trace, Path answersFile, Touch touch, String extraTunables, LongConsumer eventsSent)
            throws IOException {
        return replay(trace, answersFile, touch, extraTunables, List.of(), eventsSent);
    }

    /**
     * As {@link #replay(Path, Path, Touch, String, LongConsumer)}, with {@code rss-peak-kib} the
     * exact peak of a single-threaded replay: the replayer samples its resident set before every
     * call that can give memory back, instead of reading VmHWM, which Linux updates from per-CPU
     * counters that can leave up to a batch of pages per CPU unread, and runs without address-space
     * randomization, so that every run touches the same pages. The samples take a few
     * microseconds a call, outside the timed calls but in the caches they find.
     */
    public static Result replayExactPeak(
            Path trace, Path answersFile, Touch touch, String extraTunables, LongConsumer eventsSent)
            throws IOException {
        return replay(trace, answersFile, touch, extraTunables, List.of(), List.of("--exact-peak"), eventsSent);
    }

    /**
     * As {@link #replay(Path, Path, Touch, String, LongConsumer)}, with the replayer started
     * through {@code wrapper} (a command and its arguments that run the rest of the line, such as
     * {@code strace -f -o FILE}; empty for none).
     */
    public static Result replay(
            Path trace,
            Path answersFile,
            Touch touch,
            String extraTunables,
            List<String> wrapper,
            LongConsumer eventsSent)
            throws IOException {
        return replay(trace, answersFile, touch, extraTunables, wrapper, List.of(), eventsSent);
    }

    private static Result replay(
            Path trace,
            Path answersFile,
            Touch touch,
            String extraTunables,
            List<String> wrapper,
            List<String> flags,
            LongConsumer eventsSent)
            throws IOException {
        Path stats = Files.createTempFile("mallocsim-replay-", ".stats");
        try (TraceReader reader = Traces.open(trace)) {
            List<String> cmd = new ArrayList<>(wrapper);
            cmd.addAll(List.of(
                    NativeBinaries.path("mallocsim-replay").toString(),
                    "--emit",
                    answersFile.toString(),
                    "--stats",
                    stats.toString(),
                    "--touch",
                    touch.flag()));
            cmd.addAll(flags);
            cmd.add("-");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.equals("GLIBC_TUNABLES") || k.startsWith("MALLOC_"));
            env.putAll(reader.header().mallocEnvironment());
            if (!extraTunables.isEmpty()) {
                String recorded = env.get("GLIBC_TUNABLES");
                env.put(
                        "GLIBC_TUNABLES",
                        recorded == null || recorded.isEmpty() ? extraTunables : recorded + ":" + extraTunables);
            }
            Process p = pb.start();
            CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            TraceWriter out = Traces.create(new BufferedOutputStream(p.getOutputStream(), 1 << 16), TraceFormat.TEXT);
            try {
                send(reader, out, eventsSent);
            } catch (TraceFormatException | RuntimeException e) {
                // Killed before its input is closed: a replayer that saw the end of a cut-short
                // trace would replay what it had.
                p.destroyForcibly();
                waitFor(p);
                closeQuietly(out);
                throw e;
            } catch (IOException e) {
                // The replayer stopped reading (it failed): its message below says why.
                if (p.isAlive() && !String.valueOf(e.getMessage()).contains("Broken pipe")) {
                    p.destroyForcibly();
                    closeQuietly(out);
                    throw e;
                }
            }
            closeQuietly(out);
            int exit = waitFor(p);
            if (exit != 0) {
                throw new IOException("mallocsim-replay failed on " + trace + " (" + NativeBinaries.exitStatus(exit)
                        + "): " + errors.join().strip());
            }
            List<String> lines = Files.readAllLines(stats);
            return new Result(answersFile, parseStats(lines), parseOps(lines));
        } finally {
            Files.deleteIfExists(stats);
        }
    }

    /** Closes the replayer's input; a replayer that has already failed says so in its exit status. */
    private static void closeQuietly(TraceWriter out) {
        try {
            out.close();
        } catch (IOException e) {
            // a broken pipe: the exit status and the replayer's message report the failure
        }
    }

    private static void send(TraceReader in, TraceWriter out, LongConsumer eventsSent) throws IOException {
        out.writeHeader(in.header());
        TraceEvent e = new TraceEvent();
        long n = 0;
        while (in.next(e)) {
            out.write(e);
            if ((++n & 0xffff) == 0) {
                eventsSent.accept(n);
            }
        }
        eventsSent.accept(n);
    }

    private static int waitFor(Process p) throws IOException {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while replaying", e);
        }
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Long> parseStats(List<String> lines) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+", -1);
            if (f.length == 2) {
                m.put(f[0], Long.parseLong(f[1]));
            }
        }
        return m;
    }

    private static Map<Character, long[]> parseOps(List<String> lines) {
        Map<Character, long[]> m = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+", -1);
            if (f.length == 4 && f[0].equals("op")) {
                m.put(f[1].charAt(0), new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
            }
        }
        return m;
    }
}

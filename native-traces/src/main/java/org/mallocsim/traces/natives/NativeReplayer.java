package org.mallocsim.traces.natives;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Replays a trace against the real glibc with the {@code mallocsim-replay} program, in a fresh
 * process: the trace is decompressed here and streamed into the program's standard input, which
 * writes its own answers (the reference format) and its timing. glibc's malloc settings come
 * from the trace's header ({@code # tunables}, {@code # env MALLOC_...}), never from this JVM's
 * environment, so the replay starts in the recorded program's configuration.
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
     *     call-ns, ns-per-call, unknown-pointers, failed-allocations
     * @param nsPerCallByOp mean nanoseconds per call by operation letter, with call counts
     */
    public record Result(Path answersFile, Map<String, Long> stats, Map<Character, long[]> nsPerCallByOp) {
        /** A statistic, or 0 when absent. */
        public long stat(String key) {
            return stats.getOrDefault(key, 0L);
        }
    }

    private NativeReplayer() {}

    /**
     * Replays a trace file (plain or zstd reference text) and writes the answers to
     * {@code answersFile}.
     *
     * @throws IOException when the trace cannot be read or the replayer fails (its message included)
     */
    public static Result replay(Path trace, Path answersFile, Touch touch) throws IOException {
        Path stats = Files.createTempFile("mallocsim-replay-", ".stats");
        try {
            List<String> cmd = new ArrayList<>(List.of(NativeBinaries.path("mallocsim-replay").toString(),
                    "--emit", answersFile.toString(), "--stats", stats.toString(),
                    "--touch", touch.flag(), "-"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.equals("GLIBC_TUNABLES") || k.startsWith("MALLOC_"));
            env.putAll(mallocSettings(trace));
            Process p = pb.start();
            CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (InputStream in = ReferenceTrace.openText(trace); OutputStream out = p.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // The replayer stopped reading (it failed): its message below says why.
                if (p.isAlive() && !e.getMessage().contains("Broken pipe")) {
                    p.destroy();
                    throw e;
                }
            }
            int exit = waitFor(p);
            if (exit != 0) {
                throw new IOException("mallocsim-replay failed (exit " + exit + "): " + errors.join().strip());
            }
            return new Result(answersFile, parseStats(Files.readAllLines(stats)), parseOps(Files.readAllLines(stats)));
        } finally {
            Files.deleteIfExists(stats);
        }
    }

    /**
     * The glibc malloc settings a trace was recorded with: {@code GLIBC_TUNABLES} from its
     * {@code # tunables} line and each {@code # env NAME=VALUE} line, read from the header only.
     */
    static Map<String, String> mallocSettings(Path trace) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(ReferenceTrace.openText(trace),
                StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null && line.startsWith("#")) {
                if (line.startsWith("# tunables ")) {
                    env.put("GLIBC_TUNABLES", line.substring(11).trim());
                } else if (line.startsWith("# env MALLOC_") && line.indexOf('=') > 0) {
                    String setting = line.substring(6).trim();
                    int eq = setting.indexOf('=');
                    env.put(setting.substring(0, eq), setting.substring(eq + 1));
                }
            }
        }
        return env;
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
            String[] f = line.trim().split("\\s+");
            if (f.length == 2) {
                m.put(f[0], Long.parseLong(f[1]));
            }
        }
        return m;
    }

    private static Map<Character, long[]> parseOps(List<String> lines) {
        Map<Character, long[]> m = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 4 && f[0].equals("op")) {
                m.put(f[1].charAt(0), new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
            }
        }
        return m;
    }
}

package org.mallocsim.traces.natives;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs a program under the LD_PRELOAD recorder ({@code libmallocsim-record.so}). Every process
 * of the run (the program, its forked children, programs it execs) writes its own trace: the
 * program's goes to the requested file, every other one beside it as {@code FILE.PID} (a forked
 * child or a spawned program) or {@code FILE.PID.execN} (the N-th program a process exec'd).
 */
public final class Recorder {
    /** The recorder's output encodings. */
    public enum Format {
        /** The compact binary format mrecb (docs/trace-format.md); about 5 bytes per call. */
        BINARY("binary"),
        /** The reference text format (traces/REFERENCE-FORMAT.md) with mallocsim's thread lines. */
        TEXT("text");

        private final String env;

        Format(String env) {
            this.env = env;
        }
    }

    /** strace's view of the memory syscalls, for {@link #record} with strace. */
    static final String STRACE_SYSCALLS = "trace=brk,mmap,munmap,mprotect,mremap,madvise";

    /**
     * The outcome of a recording.
     *
     * @param exitCode the program's exit code (128 + signal when it was killed by one)
     * @param trace the program's own trace (absent if it never allocated)
     * @param otherTraces the traces of forked children and exec'd programs, by pid
     * @param strace the strace log, or null when strace was not requested
     */
    public record Recording(int exitCode, Path trace, List<Path> otherTraces, Path strace) {}

    private Recorder() {}

    /**
     * Runs {@code command} with the recorder preloaded, inheriting this process's terminal.
     *
     * @param output where the program's trace goes
     * @param strace when true, also runs the program under {@code strace -f} and writes
     *     {@code OUTPUT.strace}
     */
    public static Recording record(List<String> command, Path output, Format format, boolean strace)
            throws IOException {
        return record(command, output, format, strace, ProcessBuilder.Redirect.INHERIT);
    }

    /** As {@link #record(List, Path, Format, boolean)}, with the program's stdout sent to {@code stdout}. */
    public static Recording record(List<String> command, Path output, Format format, boolean strace,
            ProcessBuilder.Redirect stdout) throws IOException {
        return record(command, output, format, strace, stdout, Map.of());
    }

    /**
     * As {@link #record(List, Path, Format, boolean, ProcessBuilder.Redirect)}, with extra
     * environment variables for the program (e.g. {@code GLIBC_TUNABLES}).
     */
    public static Recording record(List<String> command, Path output, Format format, boolean strace,
            ProcessBuilder.Redirect stdout, Map<String, String> extraEnv) throws IOException {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no program to record");
        }
        Path out = output.toAbsolutePath();
        String stem = out.getFileName().toString();
        Files.createDirectories(out.getParent());
        deleteTraces(out);
        String library = NativeBinaries.path("libmallocsim-record.so").toString();
        // Every process writes OUTPUT.PID; the program's own file is renamed to OUTPUT afterwards.
        String template = out + ".%p";
        List<String> cmd = new ArrayList<>();
        Path straceLog = null;
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(stdout)
                .redirectError(ProcessBuilder.Redirect.INHERIT).redirectInput(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = pb.environment();
        if (strace) {
            // -E puts the recorder into the traced program only, not into strace itself.
            straceLog = out.resolveSibling(stem + ".strace");
            cmd.addAll(List.of("strace", "-f", "-e", STRACE_SYSCALLS, "-o", straceLog.toString(),
                    "-E", "LD_PRELOAD=" + library, "-E", "MALLOCSIM_TRACE=" + template,
                    "-E", "MALLOCSIM_TRACE_FORMAT=" + format.env));
            extraEnv.forEach((k, v) -> cmd.addAll(List.of("-E", k + "=" + v)));
        } else {
            env.put("LD_PRELOAD", library);
            env.put("MALLOCSIM_TRACE", template);
            env.put("MALLOCSIM_TRACE_FORMAT", format.env);
            env.putAll(extraEnv);
        }
        cmd.addAll(command);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        }
        int exit;
        try {
            exit = p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while recording", e);
        }
        List<Path> traces = traces(out);
        Path root = strace ? firstProgramTrace(traces) : out.resolveSibling(stem + "." + p.pid());
        List<Path> others = new ArrayList<>(traces);
        if (root != null && Files.exists(root)) {
            others.remove(root);
            Files.move(root, out, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Recording(exit, out, others, straceLog);
    }

    /** OUTPUT.PID and OUTPUT.PID.execN files, by pid then exec generation. */
    private static List<Path> traces(Path out) throws IOException {
        String prefix = out.getFileName().toString() + ".";
        try (Stream<Path> s = Files.list(out.getParent())) {
            return s.filter(f -> {
                String n = f.getFileName().toString();
                return n.startsWith(prefix) && n.substring(prefix.length()).matches("\\d+(\\.exec\\d+)?");
            }).sorted(Comparator.comparingLong((Path f) -> pidOf(f, prefix))
                    .thenComparing(f -> f.getFileName().toString().length())
                    .thenComparing(Path::toString)).toList();
        }
    }

    private static long pidOf(Path f, String prefix) {
        String rest = f.getFileName().toString().substring(prefix.length());
        int dot = rest.indexOf('.');
        return Long.parseLong(dot < 0 ? rest : rest.substring(0, dot));
    }

    /** Under strace the program's pid is unknown here: it is the first trace not from a fork. */
    private static Path firstProgramTrace(List<Path> traces) throws IOException {
        for (Path t : traces) {
            if (!TraceHeaders.isForkChild(t)) {
                return t;
            }
        }
        return null;
    }

    private static void deleteTraces(Path out) throws IOException {
        Files.deleteIfExists(out);
        for (Path t : traces(out)) {
            Files.delete(t);
        }
    }
}

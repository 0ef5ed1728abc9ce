package org.mallocsim.traces.natives;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;
import org.mallocsim.traces.io.OutputFile;

/**
 * Runs a program under the LD_PRELOAD recorder ({@code libmallocsim-record.so}). Every process
 * of the run (the program, its forked children, programs it execs) writes its own trace: the
 * program's goes to the requested file, every other one beside it as {@code FILE.PID} (a forked
 * child or a spawned program) or {@code FILE.PID.execN} (the N-th program a process exec'd).
 *
 * <p>The processes write into a temporary directory beside FILE; only what they produced is then
 * moved into place ({@link OutputFile}), so an existing FILE survives a program that never
 * allocates, and FILE's directory must already exist. A FILE named {@code *.zst} is compressed.
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
     * @param trace the program's own trace, or null when it made no allocator call (FILE is then
     *     left as it was)
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
    public static Recording record(
            List<String> command, Path output, Format format, boolean strace, ProcessBuilder.Redirect stdout)
            throws IOException {
        return record(command, output, format, strace, stdout, Map.of());
    }

    /**
     * As {@link #record(List, Path, Format, boolean, ProcessBuilder.Redirect)}, with extra
     * environment variables for the program (e.g. {@code GLIBC_TUNABLES}).
     */
    public static Recording record(
            List<String> command,
            Path output,
            Format format,
            boolean strace,
            ProcessBuilder.Redirect stdout,
            Map<String, String> extraEnv)
            throws IOException {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no program to record");
        }
        OutputFile.check(output, program(command.get(0)));
        Path target = output.toAbsolutePath().normalize();
        Path work = OutputFile.temporaryDirectory(target);
        try {
            return record(command, target, work, format, strace, stdout, extraEnv);
        } finally {
            OutputFile.deleteTree(work);
        }
    }

    private static Recording record(
            List<String> command,
            Path target,
            Path work,
            Format format,
            boolean strace,
            ProcessBuilder.Redirect stdout,
            Map<String, String> extraEnv)
            throws IOException {
        String stem = target.getFileName().toString();
        Path out = work.resolve(stem);
        String library = NativeBinaries.path("libmallocsim-record.so").toString();
        // Every process writes OUTPUT.PID; the program's own file is renamed to OUTPUT afterwards.
        String template = out + ".%p";
        List<String> cmd = new ArrayList<>();
        Path straceLog = null;
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(stdout)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = pb.environment();
        if (strace) {
            // -E puts the recorder into the traced program only, not into strace itself.
            straceLog = out.resolveSibling(stem + ".strace");
            cmd.addAll(List.of(
                    "strace",
                    "-f",
                    "-e",
                    STRACE_SYSCALLS,
                    "-o",
                    straceLog.toString(),
                    "-E",
                    "LD_PRELOAD=" + library,
                    "-E",
                    "MALLOCSIM_TRACE=" + template,
                    "-E",
                    "MALLOCSIM_TRACE_FORMAT=" + format.env));
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
        List<Path> others = new ArrayList<>();
        for (Path t : traces) {
            if (!t.equals(root)) {
                others.add(moveBeside(t, target));
            }
        }
        Path trace = null;
        if (root != null && Files.exists(root)) {
            try (OutputFile f = OutputFile.create(target)) {
                f.commitFrom(root);
            }
            trace = target;
        }
        if (straceLog != null && Files.exists(straceLog)) {
            straceLog = moveBeside(straceLog, target);
        }
        return new Recording(exit, trace, others, straceLog);
    }

    /** The program file a command name runs: as given when it has a '/', else found on the PATH. */
    private static Path program(String name) {
        if (name.contains("/")) {
            return Path.of(name);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Moves a file the run produced in the work directory to the target's directory. */
    private static Path moveBeside(Path produced, Path target) throws IOException {
        Path to = target.resolveSibling(produced.getFileName());
        try (OutputFile f = OutputFile.create(to)) {
            f.commitFrom(produced);
        }
        return to;
    }

    /** OUTPUT.PID and OUTPUT.PID.execN files, by pid then exec generation. */
    private static List<Path> traces(Path out) throws IOException {
        String prefix = out.getFileName().toString() + ".";
        try (Stream<Path> s = Files.list(out.getParent())) {
            return s.filter(f -> {
                        String n = f.getFileName().toString();
                        return n.startsWith(prefix)
                                && n.substring(prefix.length()).matches("\\d+(\\.exec\\d+)?");
                    })
                    .sorted(Comparator.comparingLong((Path f) -> pidOf(f, prefix))
                            .thenComparing(f -> f.getFileName().toString().length())
                            .thenComparing(Path::toString))
                    .toList();
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
            try (TraceReader r = Traces.open(t, true)) {
                if (!r.header().forkChild()) {
                    return t;
                }
            }
        }
        return null;
    }
}

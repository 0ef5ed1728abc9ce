package org.mallocsim.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mallocsim.traces.io.Json;
import org.mallocsim.traces.natives.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mallocsim record -o FILE [--strace] -- PROG ARGS...}: runs a program with the LD_PRELOAD
 * recorder and writes every allocator call it makes, with glibc's answers, to FILE in the binary
 * mrecb format (or the reference text format with {@code --text}), zstd-compressed when FILE ends
 * in {@code .zst}; forked children and exec'd programs go beside it as FILE.PID, FILE.PID.execN.
 * FILE's directory must exist; FILE is replaced only by a finished trace.
 */
@Command(
        name = "record",
        mixinStandardHelpOptions = true,
        description = "Run a program under the malloc recorder (LD_PRELOAD) and write its trace.")
public final class RecordCommand implements Callable<Integer> {
    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "FILE",
            description = "the trace to write")
    Path output;

    @Option(names = "--text", description = "write the reference text format instead of the binary mrecb format")
    boolean text;

    @Option(names = "--strace", description = "also log brk/mmap/munmap/mprotect/mremap/madvise to FILE.strace")
    boolean strace;

    @Option(
            names = "--json",
            description = "print one JSON object (program, trace, otherTraces, exitCode, strace) on stdout; "
                    + "the program's own stdout then goes to stderr")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "PROG", description = "the program and its arguments (after --)")
    List<String> command;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            Recorder.Format format = text ? Recorder.Format.TEXT : Recorder.Format.BINARY;
            // With --json, stdout carries the JSON alone, so the program's own output goes to stderr.
            Recorder.Recording r = json
                    ? Recorder.record(
                            command, output, format, strace, ProcessBuilder.Redirect.appendTo(new File("/dev/stderr")))
                    : Recorder.record(command, output, format, strace);
            if (json) {
                printJson(r);
            }
            String others = r.otherTraces().isEmpty()
                    ? ""
                    : " (+" + r.otherTraces().size() + " from children/exec: "
                            + r.otherTraces().stream()
                                    .map(p -> p.getFileName().toString())
                                    .toList() + ")";
            String syscalls = r.strace() == null ? "" : ", syscalls " + r.strace();
            if (r.trace() == null) {
                // Nothing to write is not a trace of nothing: the recorder saw no call and no header.
                err.println("mallocsim record: " + command.get(0) + " made no allocator call, so no trace was written"
                        + (Files.exists(output) ? " (" + output + " is left as it was)" : "") + others + syscalls);
                return Main.FAILED;
            }
            err.println("mallocsim record: trace " + r.trace() + others + syscalls);
            return r.exitCode();
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            err.println("mallocsim record: " + Main.describe(e));
            return Main.FAILED;
        }
    }

    private void printJson(Recorder.Recording r) {
        List<String> others = new ArrayList<>();
        for (Path p : r.otherTraces()) {
            others.add(Json.str(p.toString()));
        }
        spec.commandLine()
                .getOut()
                .println(new Json.Obj()
                        .put("program", command.get(0))
                        .put("trace", r.trace() == null ? null : r.trace().toString())
                        .raw("otherTraces", Json.array(others))
                        .put("exitCode", r.exitCode())
                        .put("strace", r.strace() == null ? null : r.strace().toString()));
    }

    /** Runs the command on its own (for manual use; {@code Main} registers it as a subcommand). */
    public static void main(String[] args) {
        System.exit(Main.run(new CommandLine(new RecordCommand()), args));
    }
}

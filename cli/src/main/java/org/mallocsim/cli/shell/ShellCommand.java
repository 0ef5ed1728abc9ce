package org.mallocsim.cli.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.mallocsim.cli.LayoutOption;
import org.mallocsim.cli.PolicyOptions;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;
import org.mallocsim.replay.ReplayOptions;
import org.mallocsim.traces.io.OutputFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mallocsim shell}: one process, driven a syscall at a time from a script, a pipe or the
 * terminal, on the emulated kernel or ({@code --native}) on this machine's. On a terminal lines
 * are read with JLine (editing, history); scripts and pipes are read as plain lines.
 */
@Command(
        name = "shell",
        mixinStandardHelpOptions = true,
        description = "Runs syscalls, loads and stores, and /proc reads in one emulated "
                + "process (or a real one with --native), printing each as strace does. Type 'help' for the commands. "
                + "--allocator, --tunable and --layout go with --trace.")
public final class ShellCommand implements Callable<Integer> {
    @Option(
            names = "--maps",
            paramLabel = "FILE",
            description = "start from a recorded process: a trace (any format, plain or compressed), "
                    + "--native's listing, or /proc/PID/maps lines")
    Path maps;

    @Option(names = "--script", paramLabel = "FILE", description = "read commands from FILE instead of the terminal")
    Path script;

    @Option(names = "--native", description = "run the commands in a real process on this machine's kernel")
    boolean nativeRun;

    @Option(
            names = "--listing-out",
            paramLabel = "FILE",
            description = "with --native: also write the listing to start an emulated run from to FILE")
    Path listingOut;

    @Option(
            names = "--no-zero-page",
            description = "read faults allocate pages, as on kernels that forbid the zero page (pvm_no_zero_page=1)")
    boolean noZeroPage;

    @Option(
            names = "--trace",
            paramLabel = "TRACE",
            description = "the process of a replay of TRACE, stopped at a call: step, goto, back, where, at move in it")
    Path trace;

    @Option(
            names = "--at",
            paramLabel = "N",
            defaultValue = "0",
            description = "with --trace: start after the trace's call N (default: ${DEFAULT-VALUE}, before the first)")
    long at;

    /** With --trace only. */
    @Mixin
    PolicyOptions policy;

    /** With --trace only. */
    @Mixin
    LayoutOption layout;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        List<String> lines = script == null ? null : readScript(script);
        if (trace != null) {
            return run(new Shell(openTrace(), out), lines, out);
        }
        if (at != 0 || !policy.isDefault() || !layout.isDefault()) {
            throw new IllegalArgumentException("--at, --allocator, --tunable and --layout go with --trace");
        }
        try (Backend backend = open(out)) {
            return run(new Shell(backend, out), lines, out);
        }
    }

    /** The replayed trace's process, at call --at, with the replay's options. */
    private TraceSession openTrace() throws IOException {
        if (maps != null || nativeRun || listingOut != null) {
            throw new IllegalArgumentException(
                    "--trace starts from the trace's process: no --maps, --native or " + "--listing-out with it");
        }
        if (!Files.isRegularFile(trace)) {
            throw new IOException(trace + ": " + (Files.exists(trace) ? "not a regular file" : "no such file"));
        }
        ReplayOptions options = policy.options().withCleanLayout(layout.clean());
        if (noZeroPage) {
            options = options.withKernel(KernelConfig.builder().zeroPage(false).build());
        }
        return TraceSession.open(trace, options, at);
    }

    private static int run(Shell shell, List<String> lines, PrintStream out) throws IOException {
        if (lines != null) {
            for (int i = 0; i < lines.size() && !shell.finished(); i++) {
                shell.execute(lines.get(i), i + 1);
            }
        } else if (System.console() != null) {
            interactive(shell);
        } else {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            int n = 0;
            for (String line; !shell.finished() && (line = in.readLine()) != null; ) {
                shell.execute(line, ++n);
            }
        }
        out.flush();
        return shell.exitCode();
    }

    /** Lines from a terminal with editing and history; Ctrl-C drops the line, Ctrl-D ends. */
    private static void interactive(Shell shell) throws IOException {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            // History is kept across sessions, as bash and jshell keep theirs.
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("mallocsim")
                    .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".mallocsim_history"))
                    .build();
            int n = 0;
            while (!shell.finished()) {
                String line;
                try {
                    line = reader.readLine(shell.prompt());
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    return;
                }
                shell.execute(line, ++n);
            }
        }
    }

    private static List<String> readScript(Path script) throws IOException {
        try {
            return Files.readAllLines(script, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw OutputFile.failure(script, e);
        }
    }

    private Backend open(PrintStream out) throws IOException {
        if (nativeRun) {
            NativeBackend b = new NativeBackend();
            try {
                List<String> listing = b.listing();
                listing.forEach(out::println);
                if (listingOut != null) {
                    try (OutputFile f = OutputFile.create(listingOut, script, maps)) {
                        f.open().write((String.join("\n", listing) + "\n").getBytes(StandardCharsets.UTF_8));
                        f.commit();
                    }
                }
                return b;
            } catch (IOException | RuntimeException e) {
                b.close();
                throw e;
            }
        }
        if (maps == null) {
            KernelConfig config = KernelConfig.builder().zeroPage(!noZeroPage).build();
            return new EmulatedBackend(() -> new AddressSpace(config));
        }
        Listing l = Listing.read(maps);
        KernelConfig.Builder builder = l.configure(KernelConfig.builder());
        if (noZeroPage) {
            builder.zeroPage(false);
        }
        KernelConfig config = builder.build();
        l.start(config, maps); // its errors name the file, before any line runs
        return new EmulatedBackend(() -> AddressSpace.fromMaps(config, l.maps(), l.startBrk()));
    }

    /** Runs the command on its own (the mallocsim command registers it as {@code shell}). */
    public static void main(String[] args) {
        System.exit(org.mallocsim.cli.Main.run(new CommandLine(new ShellCommand()), args));
    }
}

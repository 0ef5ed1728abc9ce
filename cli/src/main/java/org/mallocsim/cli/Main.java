package org.mallocsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mallocsim.traces.io.OutputFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mallocsim} command. Each subcommand is its own class; errors reach the user as one
 * line on stderr and an exit code, never as a Java stack trace: whatever a command throws, even
 * an {@link Error}, is caught here and said in one line.
 */
@Command(
        name = "mallocsim",
        mixinStandardHelpOptions = true,
        version = "mallocsim 0.1.0",
        description = "Emulates one Linux process's memory: the kernel's VMAs, page tables and faults, "
                + "and glibc's malloc, call for call.",
        subcommands = {
            DemoCommand.class,
            org.mallocsim.cli.shell.ShellCommand.class,
            NativeCommand.class,
            ReplayCommand.class,
            CompareCommand.class,
            ConvertCommand.class,
            SweepCommand.class,
            AdviseCommand.class,
            RecordCommand.class,
            GenerateCommand.class
        })
public final class Main implements Runnable {
    /** The exit code of a command that failed (as opposed to 1, "ran, and found differences"). */
    public static final int FAILED = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    public static int run(String... args) {
        return run(new CommandLine(new Main()), args);
    }

    /** Runs a configured command line: the exception handling every entry point shares. */
    public static int run(CommandLine cl, String... args) {
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println(prefix(line) + describe(ex));
            line.getErr().flush();
            return FAILED;
        });
        try {
            return cl.execute(args);
        } catch (Throwable t) { // an Error (OutOfMemoryError, StackOverflowError) passes picocli's handler
            PrintWriter err = cl.getErr();
            err.println("mallocsim: " + describe(t));
            err.flush();
            return FAILED;
        }
    }

    private static String prefix(CommandLine line) {
        String name = line.getCommandName();
        return name.equals("mallocsim") || name.equals("<main class>") ? "mallocsim: " : "mallocsim " + name + ": ";
    }

    /** Fails with the input's name and why when {@code input} is not a readable regular file. */
    static void checkReadable(Path input) throws IOException {
        if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
            throw new IOException(
                    input + ": cannot read " + (Files.exists(input) ? "(not a readable file)" : "(no such file)"));
        }
    }

    /** One line for a user: what failed and why, never a class name alone when a reason is known. */
    public static String describe(Throwable ex) {
        if (ex instanceof UncheckedIOException && ex.getCause() != null) {
            return describe(ex.getCause());
        }
        if (ex instanceof OutOfMemoryError) {
            return "out of Java heap memory (" + ex.getMessage() + "); give the JVM more with "
                    + "MALLOCSIM_JAVA_OPTS=-Xmx..., or ask for less";
        }
        if (ex instanceof StackOverflowError) {
            return "the input nests too deeply (stack overflow)";
        }
        if (ex instanceof IOException) {
            IOException io = (IOException) ex;
            String file = io instanceof java.nio.file.FileSystemException
                    ? ((java.nio.file.FileSystemException) io).getFile()
                    : null;
            return file == null ? OutputFile.reason(io) : file + ": " + OutputFile.reason(io);
        }
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

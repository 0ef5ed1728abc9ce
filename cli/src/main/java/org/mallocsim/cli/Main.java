package org.mallocsim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mallocsim} command. Each subcommand is its own class; errors reach the user as one
 * line on stderr and an exit code, never as a Java stack trace.
 */
@Command(name = "mallocsim", mixinStandardHelpOptions = true, version = "mallocsim 0.1.0",
        description = "Emulates one Linux process's memory: the kernel's VMAs, page tables and faults, "
                + "and glibc's malloc, call for call.",
        subcommands = {DemoCommand.class, org.mallocsim.cli.shell.ShellCommand.class, NativeCommand.class, ReplayCommand.class, RecordCommand.class, GenerateCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println("mallocsim: " + describe(ex));
            return 2;
        });
        return cl.execute(args);
    }

    static String describe(Throwable ex) {
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

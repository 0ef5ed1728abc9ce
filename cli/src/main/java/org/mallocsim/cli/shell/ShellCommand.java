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
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mallocsim shell}: one process, driven a syscall at a time from a script or the
 * terminal, on the emulated kernel or ({@code --native}) on this machine's.
 */
@Command(name = "shell", description = "Runs syscalls, loads and stores, and /proc reads in one emulated "
        + "process (or a real one with --native), printing each as strace does.")
public final class ShellCommand implements Callable<Integer> {
    @Option(names = "--maps", paramLabel = "FILE",
            description = "start from a recorded listing: /proc/PID/maps lines, a trace header, or --native's listing")
    Path maps;

    @Option(names = "--script", paramLabel = "FILE", description = "read commands from FILE instead of the terminal")
    Path script;

    @Option(names = "--native", description = "run the commands in a real process on this machine's kernel")
    boolean nativeRun;

    @Option(names = "--listing-out", paramLabel = "FILE",
            description = "with --native: also write the listing to start an emulated run from to FILE")
    Path listingOut;

    @Option(names = "--no-zero-page",
            description = "read faults allocate pages, as on kernels that forbid the zero page (pvm_no_zero_page=1)")
    boolean noZeroPage;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        List<String> lines = script == null ? null : Files.readAllLines(script, StandardCharsets.UTF_8);
        try (Backend backend = open(out)) {
            Shell shell = new Shell(backend, out);
            if (lines != null) {
                for (int i = 0; i < lines.size(); i++) {
                    shell.execute(lines.get(i), i + 1);
                }
                out.flush();
                return shell.errors() == 0 ? 0 : 1;
            }
            boolean terminal = System.console() != null;
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            int n = 0;
            for (String line; prompt(out, terminal) && (line = in.readLine()) != null; ) {
                shell.execute(line, ++n);
            }
            return 0;
        }
    }

    private Backend open(PrintStream out) throws IOException {
        if (nativeRun) {
            NativeBackend b = new NativeBackend();
            List<String> listing = b.listing();
            listing.forEach(out::println);
            if (listingOut != null) {
                Files.write(listingOut, listing, StandardCharsets.UTF_8);
            }
            return b;
        }
        if (maps == null) {
            return new EmulatedBackend(new AddressSpace(KernelConfig.builder().zeroPage(!noZeroPage).build()));
        }
        Listing l = Listing.read(maps);
        KernelConfig config = l.configure(KernelConfig.builder()).build();
        if (noZeroPage) {
            config = config.toBuilder().zeroPage(false).build();
        }
        return new EmulatedBackend(AddressSpace.fromMaps(config, l.maps(), l.startBrk()));
    }

    private static boolean prompt(PrintStream out, boolean terminal) {
        if (terminal) {
            out.print("mallocsim> ");
            out.flush();
        }
        return true;
    }

    /** Runs the command on its own (the mallocsim command registers it as {@code shell}). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ShellCommand()).execute(args));
    }
}

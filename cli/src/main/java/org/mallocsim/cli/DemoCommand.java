package org.mallocsim.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code mallocsim demo}: a tour of the emulated kernel on bundled data. */
@Command(name = "demo", description = "Walks through the emulated kernel: a mapping, its faults, its page-table entries.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("mallocsim demo: (the kernel tour lands with the kernel)");
        return 0;
    }
}

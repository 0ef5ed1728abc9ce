package org.mallocsim.cli;

import java.util.ArrayList;
import java.util.List;
import org.mallocsim.replay.ReplayOptions;
import picocli.CommandLine.Option;

/**
 * {@code --allocator} and {@code --tunable}, the same in every command that replays one trace
 * under one policy ({@code replay}, {@code compare}, {@code shell --trace}); a picocli mixin, so
 * the options, their defaults and their help read the same everywhere. {@code sweep} takes lists
 * of policies and tunable values instead and keeps its own.
 */
public final class PolicyOptions {
    @Option(
            names = "--allocator",
            paramLabel = "NAME",
            defaultValue = "glibc",
            description = "allocation policy (default: ${DEFAULT-VALUE})")
    String allocator;

    @Option(
            names = "--tunable",
            paramLabel = "glibc.malloc.NAME=VALUE",
            description = "a malloc tunable as GLIBC_TUNABLES names it, after the trace's own, e.g. "
                    + "glibc.malloc.tcache_count=0 (the glibc.malloc. prefix may be left out); repeatable")
    List<String> tunables = new ArrayList<>();

    /** True when neither option was given. */
    public boolean isDefault() {
        return tunables.isEmpty() && allocator.equals("glibc");
    }

    /** The replay's options with the policy and the tunables, checked by {@link TunableOptions#check}. */
    public ReplayOptions options() {
        return ReplayOptions.of(allocator).withTunables(TunableOptions.check(tunables));
    }
}

package org.mallocsim.cli;

import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code --layout recorded|clean}, a picocli mixin shared by {@code replay} and
 * {@code shell --trace}: whether the emulated process starts from the trace's recorded map or from
 * a fresh default layout.
 */
public final class LayoutOption {
    @Option(
            names = "--layout",
            paramLabel = "LAYOUT",
            defaultValue = "recorded",
            description =
                    "recorded: start from the trace's map when it has one (default); clean: a fresh default layout")
    String layout;

    /** True when the option was left at its default. */
    public boolean isDefault() {
        return layout.equals("recorded");
    }

    /** recorded or clean: true for a clean layout. */
    public boolean clean() {
        return parse(layout);
    }

    static boolean parse(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "recorded":
                return false;
            case "clean":
                return true;
            default:
                throw new IllegalArgumentException("--layout: expected recorded or clean, not '" + s + "'");
        }
    }
}

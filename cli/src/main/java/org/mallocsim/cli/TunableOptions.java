package org.mallocsim.cli;

import java.util.ArrayList;
import java.util.List;
import org.mallocsim.allocator.ptmalloc.Tunables;

/**
 * The {@code --tunable} items of {@code replay} and {@code compare}, checked in one place: each
 * must name a malloc tunable mallocsim knows, with a value glibc accepts ({@link Tunables#parse},
 * which follows glibc's own ranges), since glibc would silently ignore a typo. The replay appends
 * them to the recorded GLIBC_TUNABLES, so they win.
 */
public final class TunableOptions {
    private TunableOptions() {}

    /** The items as {@code glibc.malloc.NAME=VALUE}; the prefix may be left out. */
    public static List<String> check(List<String> items) {
        List<String> full = new ArrayList<>(items.size());
        for (String item : items) {
            String t = item.startsWith("glibc.malloc.") ? item : "glibc.malloc." + item;
            if (t.indexOf('=') < 0 || Tunables.parse(t).toString().isEmpty()) {
                throw new IllegalArgumentException("--tunable " + item + ": expected NAME=VALUE with a glibc.malloc "
                        + "tunable (top_pad, perturb, mmap_threshold, trim_threshold, mmap_max, arena_max, arena_test, "
                        + "tcache_max, tcache_count, tcache_unsorted_limit, mxfast) and a value in its range");
            }
            full.add(t);
        }
        return full;
    }
}

package org.mallocsim.replay.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mallocsim.allocator.Allocators;

/**
 * Every combination of traces, policies and tunable values a sweep replays, in one fixed order:
 * trace, then policy, then the tunables' values (the first tunable varying slowest). The order
 * is the order of the rows, whatever order the replays finish in. The tunables vary only the
 * {@code glibc} policy; every other policy is replayed once per trace.
 */
public final class SweepPlan {
    /** The malloc tunables glibc 2.36 reads (elf/dl-tunables.list), without the prefix. */
    public static final Set<String> KNOWN_TUNABLES = Set.of(
            "arena_max",
            "arena_test",
            "check",
            "hugetlb",
            "mmap_max",
            "mmap_threshold",
            "mxfast",
            "perturb",
            "tcache_count",
            "tcache_max",
            "tcache_unsorted_limit",
            "top_pad",
            "trim_threshold");

    private static final String PREFIX = "glibc.malloc.";
    /** The policy whose tunables the sweep varies. */
    static final String GLIBC = "glibc";

    private final List<String> traces;
    private final List<String> policies;
    private final Map<String, List<String>> tunables;

    private SweepPlan(List<String> traces, List<String> policies, Map<String, List<String>> tunables) {
        this.traces = List.copyOf(traces);
        this.policies = List.copyOf(policies);
        this.tunables = tunables;
    }

    /**
     * A plan over {@code traces} and {@code policies}; each of {@code tunableSpecs} is
     * {@code glibc.malloc.NAME=v1,v2,...} (the prefix may be left out).
     *
     * @throws IllegalArgumentException naming the bad policy, tunable or value
     */
    public static SweepPlan of(List<String> traces, List<String> policies, List<String> tunableSpecs) {
        if (traces.isEmpty()) {
            throw new IllegalArgumentException("no trace to sweep");
        }
        if (policies.isEmpty()) {
            throw new IllegalArgumentException("no policy to sweep");
        }
        for (String p : policies) {
            Allocators.factory(p); // names the known policies when p is not one
        }
        Map<String, List<String>> t = new LinkedHashMap<>();
        for (String spec : tunableSpecs) {
            int eq = spec.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("--tunable " + spec + ": expected glibc.malloc.NAME=v1,v2,...");
            }
            String name = spec.substring(0, eq).trim();
            String bare = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
            if (!KNOWN_TUNABLES.contains(bare)) {
                throw new IllegalArgumentException(
                        "--tunable " + name + ": glibc 2.36 has no such malloc tunable (known: "
                                + String.join(", ", sorted(KNOWN_TUNABLES)) + ")");
            }
            List<String> values = new ArrayList<>();
            for (String v : spec.substring(eq + 1).split(",")) {
                String s = v.trim();
                try {
                    if (Long.decode(s) < 0) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "--tunable " + name + ": '" + s + "' is not a non-negative integer");
                }
                values.add(s);
            }
            if (t.put(PREFIX + bare, values) != null) {
                throw new IllegalArgumentException("--tunable " + name + " is given twice");
            }
        }
        return new SweepPlan(traces, policies, t);
    }

    private static List<String> sorted(Set<String> s) {
        List<String> l = new ArrayList<>(s);
        l.sort(null);
        return l;
    }

    /** Every cell, in row order. */
    public List<SweepCell> cells() {
        List<Map<String, String>> combos = new ArrayList<>();
        combos.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> e : tunables.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> c : combos) {
                for (String v : e.getValue()) {
                    Map<String, String> m = new LinkedHashMap<>(c);
                    m.put(e.getKey(), v);
                    next.add(m);
                }
            }
            combos = next;
        }
        List<SweepCell> cells = new ArrayList<>();
        for (String trace : traces) {
            for (String policy : policies) {
                // Only the glibc policy reads glibc's tunables: another policy gets one row, not copies.
                for (Map<String, String> c : policy.equals(GLIBC) ? combos : List.of(Map.<String, String>of())) {
                    cells.add(new SweepCell(cells.size(), trace, policy, c));
                }
            }
        }
        return cells;
    }

    /** A {@code GLIBC_TUNABLES} value for these settings, names sorted so equal maps give equal strings. */
    static String tunableString(Map<String, String> t) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(t).entrySet()) {
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }
}

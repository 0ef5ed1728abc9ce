package org.mallocsim.cli.shell;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shell's malloc-family calls, printed as ltrace prints them ({@code malloc(24) = 0x5555555592a0},
 * {@code free(0x5555555592a0) = <void>}, NULL as {@code nil}). posix_memalign takes the variable the
 * C call would write through: {@code p = posix_memalign(16, 100)} prints
 * {@code posix_memalign(&p, 16, 100) = 0 (p = 0x...)}; mallinfo2 prints the struct on one line.
 */
final class Allocation {
    /** The calls, by their C names. */
    static final Set<String> NAMES = Set.of(
            "malloc",
            "free",
            "calloc",
            "realloc",
            "reallocarray",
            "memalign",
            "aligned_alloc",
            "posix_memalign",
            "valloc",
            "pvalloc",
            "malloc_usable_size",
            "malloc_trim",
            "mallopt",
            "mallinfo2",
            "malloc_stats",
            "malloc_info",
            "thread",
            "exit_thread");

    /** mallopt's parameters (malloc/malloc.h). */
    static final Map<String, Long> MALLOPT = Map.ofEntries(
            Map.entry("M_MXFAST", 1L),
            Map.entry("M_NLBLKS", 2L),
            Map.entry("M_GRAIN", 3L),
            Map.entry("M_KEEP", 4L),
            Map.entry("M_TRIM_THRESHOLD", -1L),
            Map.entry("M_TOP_PAD", -2L),
            Map.entry("M_MMAP_THRESHOLD", -3L),
            Map.entry("M_MMAP_MAX", -4L),
            Map.entry("M_CHECK_ACTION", -5L),
            Map.entry("M_PERTURB", -6L),
            Map.entry("M_ARENA_TEST", -7L),
            Map.entry("M_ARENA_MAX", -8L));

    private static final String[] MALLINFO2 = {
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost"
    };

    /** What a call printed (whole lines) and the value a variable takes (null: none). */
    record Result(String text, Long value) {}

    private Allocation() {}

    /** Runs {@code name(a)} on {@code backend}; IllegalArgumentException for a wrong argument count. */
    static Result run(Backend backend, String name, String target, List<Long> a) {
        switch (name) {
            case "malloc":
            case "valloc":
            case "pvalloc": {
                arity(name, a, 1);
                long r = backend.alloc(name, a.get(0), 0);
                return new Result(name + "(" + Strace.dec(a.get(0)) + ") = " + ptr(r) + "\n", r);
            }
            case "free": {
                arity(name, a, 1);
                backend.alloc(name, a.get(0), 0);
                return new Result("free(" + ptr(a.get(0)) + ") = <void>\n", null);
            }
            case "calloc":
            case "memalign":
            case "aligned_alloc": {
                arity(name, a, 2);
                long r = backend.alloc(name, a.get(0), a.get(1));
                return new Result(
                        name + "(" + Strace.dec(a.get(0)) + ", " + Strace.dec(a.get(1)) + ") = " + ptr(r) + "\n", r);
            }
            case "realloc": {
                arity(name, a, 2);
                long r = backend.alloc(name, a.get(0), a.get(1));
                return new Result("realloc(" + ptr(a.get(0)) + ", " + Strace.dec(a.get(1)) + ") = " + ptr(r) + "\n", r);
            }
            case "reallocarray": {
                arity(name, a, 3);
                long r = backend.alloc(name, a.get(0), a.get(1), a.get(2));
                return new Result(
                        "reallocarray(" + ptr(a.get(0)) + ", " + Strace.dec(a.get(1)) + ", " + Strace.dec(a.get(2))
                                + ") = " + ptr(r) + "\n",
                        r);
            }
            case "malloc_info": {
                arity(name, a, 1);
                StringBuilder xml = new StringBuilder();
                int r = backend.mallocInfo((int) (long) a.get(0), xml);
                return new Result(
                        xml + "malloc_info(" + (int) (long) a.get(0) + ", stderr) = " + r
                                + (r == 0 ? "" : " (" + org.mallocsim.kernel.Errno.name(r) + ")") + "\n",
                        (long) r);
            }
            case "posix_memalign": {
                arity(name, a, 2);
                long r = backend.alloc(name, a.get(0), a.get(1));
                String call = "posix_memalign(&" + (target == null ? "p" : target) + ", " + Strace.dec(a.get(0)) + ", "
                        + Strace.dec(a.get(1)) + ") = ";
                if (r < 0 && r > -4096) {
                    return new Result(call + (-r) + " (" + org.mallocsim.kernel.Errno.name((int) -r) + ")\n", null);
                }
                return new Result(call + "0 (" + (target == null ? "p" : target) + " = " + ptr(r) + ")\n", r);
            }
            case "malloc_usable_size":
            case "malloc_trim": {
                arity(name, a, 1);
                long r = backend.alloc(name, a.get(0), 0);
                String arg = name.equals("malloc_trim") ? Strace.dec(a.get(0)) : ptr(a.get(0));
                return new Result(name + "(" + arg + ") = " + r + "\n", r);
            }
            case "mallopt": {
                arity(name, a, 2);
                long r = backend.alloc(name, a.get(0), a.get(1));
                return new Result(
                        "mallopt(" + malloptName(a.get(0)) + ", " + (int) (long) a.get(1) + ") = " + r + "\n", r);
            }
            case "mallinfo2": {
                arity(name, a, 0);
                long[] f = backend.mallinfo2();
                StringBuilder sb = new StringBuilder("mallinfo2() = {");
                for (int i = 0; i < MALLINFO2.length && i < f.length; i++) {
                    sb.append(i == 0 ? "" : ", ")
                            .append(MALLINFO2[i])
                            .append('=')
                            .append(Long.toUnsignedString(f[i]));
                }
                return new Result(sb.append("}\n").toString(), null);
            }
            case "thread":
            case "exit_thread": {
                arity(name, a, 1);
                long id = a.get(0);
                long r = id < 0 || id > 15
                        ? -22
                        : name.equals("thread") ? backend.thread((int) id) : backend.exitThread((int) id);
                return new Result(
                        name + "(" + id + ") = " + (r == 0 ? "0" : "-1 EINVAL (no such thread)") + "\n", null);
            }
            default: {
                arity(name, a, 0);
                return new Result(backend.mallocStats() + "malloc_stats() = <void>\n", null);
            }
        }
    }

    private static String malloptName(long param) {
        for (Map.Entry<String, Long> e : MALLOPT.entrySet()) {
            if (e.getValue() == (int) param) {
                return e.getKey();
            }
        }
        return Integer.toString((int) param);
    }

    private static String ptr(long v) {
        return v == 0 ? "nil" : "0x" + Long.toHexString(v);
    }

    private static void arity(String name, List<Long> a, int n) {
        if (a.size() != n) {
            throw new IllegalArgumentException(
                    "expected " + n + " argument" + (n == 1 ? "" : "s") + " to " + name + ", got " + a.size());
        }
    }
}

package org.mallocsim.allocator.ptmalloc.glibc;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/**
 * A fresh emulated process running glibc's malloc, as each of glibc's malloc tests runs in a process
 * of its own (support/test-driver.c): an {@link AddressSpace} with a default {@link KernelConfig}
 * and {@code org.mallocsim.allocator.ptmalloc.Ptmalloc} on it, optionally started with a
 * {@code GLIBC_TUNABLES} string as the tests' {@code -ENV} lines in malloc/Makefile set one.
 *
 * <p>The tests speak only the {@link Allocator} interface. Ptmalloc's constructor is found by
 * reflection, so these tests compile whatever factory shape the implementation settles on: a public
 * constructor or static factory taking {@code (AddressSpace)} or {@code (AddressSpace, Tunables)},
 * with {@code Tunables.parse(String)} / {@code Tunables.defaults()} making the second argument.
 * When no Ptmalloc is on the class path the test fails, saying so.
 */
final class GlibcTestProcess {
    static final String PTMALLOC = "org.mallocsim.allocator.ptmalloc.Ptmalloc";
    static final String TUNABLES = "org.mallocsim.allocator.ptmalloc.Tunables";

    static final int ENOMEM = 12;
    static final int EINVAL = 22;
    static final long PAGESIZE = 4096;
    /** {@code SIZE_MAX} as a Java long. */
    static final long SIZE_MAX = -1L;

    private GlibcTestProcess() {}

    /** A fresh process with glibc's default malloc settings. */
    static Allocator ptmalloc() {
        return ptmalloc(KernelConfig.defaults(), "");
    }

    /** A fresh process started with {@code GLIBC_TUNABLES=glibcTunables}. */
    static Allocator ptmalloc(String glibcTunables) {
        return ptmalloc(KernelConfig.defaults(), glibcTunables);
    }

    /** A fresh process on a configured kernel, started with {@code GLIBC_TUNABLES=glibcTunables}. */
    static Allocator ptmalloc(KernelConfig config, String glibcTunables) {
        return ptmalloc(new AddressSpace(config), glibcTunables);
    }

    /** Ptmalloc on a given address space. */
    static Allocator ptmalloc(AddressSpace as, String glibcTunables) {
        Class<?> ptmalloc = load(PTMALLOC);
        Object tunables = glibcTunables.isEmpty() ? null : tunables(glibcTunables);
        try {
            for (Constructor<?> c : ptmalloc.getConstructors()) {
                Object[] args = arguments(c.getParameterTypes(), as, tunables, glibcTunables);
                if (args != null) {
                    return (Allocator) c.newInstance(args);
                }
            }
            for (Method m : ptmalloc.getMethods()) {
                if (Modifier.isStatic(m.getModifiers()) && Allocator.class.isAssignableFrom(m.getReturnType())) {
                    Object[] args = arguments(m.getParameterTypes(), as, tunables, glibcTunables);
                    if (args != null) {
                        return (Allocator) m.invoke(null, args);
                    }
                }
            }
        } catch (InvocationTargetException e) {
            throw new AssertionError("creating Ptmalloc failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot create Ptmalloc", e);
        }
        throw new AssertionError(PTMALLOC + " has no public constructor or factory taking (AddressSpace)"
                + (glibcTunables.isEmpty() ? "" : " and tunables"));
    }

    private static Object[] arguments(Class<?>[] types, AddressSpace as, Object tunables, String glibcTunables) {
        if (types.length == 1 && types[0] == AddressSpace.class && glibcTunables.isEmpty()) {
            return new Object[] {as};
        }
        if (types.length == 2 && types[0] == AddressSpace.class) {
            if (types[1].getName().equals(TUNABLES)) {
                return new Object[] {as, tunables != null ? tunables : defaultTunables()};
            }
            if (types[1] == String.class) {
                return new Object[] {as, glibcTunables};
            }
        }
        return null;
    }

    private static Object tunables(String glibcTunables) {
        try {
            return load(TUNABLES).getMethod("parse", String.class).invoke(null, glibcTunables);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot parse GLIBC_TUNABLES " + glibcTunables, e);
        }
    }

    private static Object defaultTunables() {
        try {
            return load(TUNABLES).getMethod("defaults").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot make default tunables", e);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(name + " is not on this branch yet", e);
        }
    }

    // ---- the C library calls the tests make on the memory they get ------------------------------

    /** {@code memset(p, c, n)}. */
    static void memset(Allocator a, long p, int c, long n) {
        a.addressSpace().fill(p, c, n);
    }

    /** {@code memcpy(dst, src, n)}. */
    static void memcpy(Allocator a, long dst, long src, long n) {
        a.addressSpace().copy(dst, src, n);
    }

    /** The {@code n} bytes at {@code p}. */
    static byte[] bytes(Allocator a, long p, int n) {
        byte[] b = new byte[n];
        a.addressSpace().read(p, b, 0, n);
        return b;
    }

    /** The chunk's size word, 8 bytes below the user pointer. */
    static long chunkWord(Allocator a, long p) {
        return a.addressSpace().load64(p - 8);
    }

    /** An array of {@code n} bytes of value {@code c}, to compare memory with. */
    static byte[] filled(int n, int c) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) c);
        return b;
    }
}

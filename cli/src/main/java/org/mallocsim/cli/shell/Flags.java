package org.mallocsim.cli.shell;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import org.mallocsim.kernel.Mman;

/**
 * Linux's constant names, for reading them in arguments and printing them back as strace does:
 * known bits by name joined with {@code |}, what is left as hex after them.
 */
final class Flags {
    /** Every PROT_, MAP_, MREMAP_ and MADV_ constant of {@link Mman} by name. */
    static final Map<String, Long> BY_NAME = new HashMap<>();

    static {
        for (Field f : Mman.class.getFields()) {
            String n = f.getName();
            if (Modifier.isStatic(f.getModifiers())
                    && f.getType() == int.class
                    && (n.startsWith("PROT_")
                            || n.startsWith("MAP_")
                            || n.startsWith("MREMAP_")
                            || n.startsWith("MADV_"))) {
                try {
                    BY_NAME.put(n, (long) f.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    private static final String[] PROT = {
        "PROT_READ", "PROT_WRITE", "PROT_EXEC", "PROT_SEM", "PROT_GROWSDOWN", "PROT_GROWSUP"
    };
    private static final String[] MAP_TYPES = {"MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE", "MAP_DROPPABLE"};
    private static final String[] MAP_BITS = {
        "MAP_FIXED",
        "MAP_ANONYMOUS",
        "MAP_32BIT",
        "MAP_GROWSDOWN",
        "MAP_DENYWRITE",
        "MAP_EXECUTABLE",
        "MAP_LOCKED",
        "MAP_NORESERVE",
        "MAP_POPULATE",
        "MAP_NONBLOCK",
        "MAP_STACK",
        "MAP_HUGETLB",
        "MAP_SYNC",
        "MAP_FIXED_NOREPLACE",
        "MAP_UNINITIALIZED"
    };
    private static final String[] MREMAP = {"MREMAP_MAYMOVE", "MREMAP_FIXED", "MREMAP_DONTUNMAP"};

    private Flags() {}

    static String prot(long v) {
        return v == 0 ? "PROT_NONE" : bits(v, PROT, "");
    }

    /** strace's mmap flags: the mapping type first, then the flag bits. */
    static String map(long v) {
        String type = null;
        long t = v & Mman.MAP_TYPE;
        for (String n : MAP_TYPES) {
            if (BY_NAME.get(n) == t) {
                type = n;
            }
        }
        long rest = type == null ? v : v & ~Mman.MAP_TYPE;
        String bits = rest == 0 ? "" : bits(rest, MAP_BITS, "");
        if (type == null) {
            return bits.isEmpty() ? "0" : bits;
        }
        return bits.isEmpty() ? type : type + "|" + bits;
    }

    static String mremap(long v) {
        return v == 0 ? "0" : bits(v, MREMAP, "");
    }

    static String madvise(long v) {
        for (Map.Entry<String, Long> e : BY_NAME.entrySet()) {
            if (e.getKey().startsWith("MADV_") && e.getValue() == v) {
                return e.getKey();
            }
        }
        return "0x" + Long.toHexString(v) + " /* MADV_??? */";
    }

    private static String bits(long v, String[] names, String sep) {
        StringBuilder sb = new StringBuilder(sep);
        long left = v;
        for (String n : names) {
            long b = BY_NAME.get(n);
            if (b != 0 && (left & b) == b) {
                sb.append(sb.length() == 0 ? "" : "|").append(n);
                left &= ~b;
            }
        }
        if (left != 0) {
            sb.append(sb.length() == 0 ? "" : "|").append("0x").append(Long.toHexString(left));
        }
        return sb.toString();
    }
}

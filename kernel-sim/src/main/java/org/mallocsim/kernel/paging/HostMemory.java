package org.mallocsim.kernel.paging;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * The host side of the {@link Mmu}'s hit path: {@code sun.misc.Unsafe} for loads and stores at a
 * host address, and the host address of a direct slab. Only the MMU uses it, and only at
 * addresses inside a slab that a valid TLB entry reaches (see {@link Mmu}).
 */
final class HostMemory {
    static final sun.misc.Unsafe UNSAFE;
    /** Where a direct buffer keeps its host address ({@code java.nio.Buffer.address}). */
    private static final long BUFFER_ADDRESS;

    static {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            UNSAFE = (sun.misc.Unsafe) f.get(null);
            BUFFER_ADDRESS = UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("address"));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private HostMemory() {}

    /** The host address of a direct buffer's first byte. */
    static long address(ByteBuffer directBuffer) {
        if (!directBuffer.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return UNSAFE.getLong(directBuffer, BUFFER_ADDRESS);
    }
}

package org.mallocsim.kernel.paging;

import java.lang.ref.Cleaner;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The host side of the {@link Mmu}'s hit path: {@code sun.misc.Unsafe} for loads and stores at a
 * host address, the host address of a direct slab, and the reservation that holds
 * {@link PhysicalMemory}'s home frames. Loads and stores go only to addresses inside a slab that
 * a valid TLB entry reaches (see {@link Mmu}).
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

    private static final long BUFFER_LIMIT;
    private static final long BUFFER_CAPACITY;
    /** Frees what {@link #reserve} took once its buffer and every slice of it are unreachable. */
    private static final Cleaner CLEANER = Cleaner.create();
    /** The size of the reservations worth keeping: {@link PhysicalMemory#HOME_BYTES}. */
    private static final int SPARE_BYTES = (int) PhysicalMemory.HOME_BYTES;

    private static final int MAX_SPARES = 2;
    /**
     * glibc's malloc takes a block this large straight from mmap, whose pages read zero, unless
     * MALLOC_PERTURB_ (or its tunable) has it fill every block it returns.
     */
    private static final boolean FRESH_MEMORY_IS_ZERO = System.getenv("MALLOC_PERTURB_") == null
            && !String.valueOf(System.getenv("GLIBC_TUNABLES")).contains("perturb");

    private static final ConcurrentLinkedQueue<Long> SPARES = new ConcurrentLinkedQueue<>();

    static {
        try {
            BUFFER_LIMIT = UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("limit"));
            BUFFER_CAPACITY = UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("capacity"));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private HostMemory() {}

    /**
     * A direct buffer over {@code bytes} of host memory that is reserved ({@code malloc}, which
     * maps so large a block) but neither touched nor zeroed: the host commits a page when it is
     * first written. {@code allocateDirect} would zero, and so commit, all of it. The buffer is a
     * one-byte direct buffer pointed at the reservation; its slices keep it reachable, as any
     * slice keeps its parent.
     *
     * @throws OutOfMemoryError when the host refuses the reservation
     */
    static Reservation reserve(int bytes) {
        Long spare = bytes == SPARE_BYTES ? SPARES.poll() : null;
        long address = spare != null ? spare : UNSAFE.allocateMemory(bytes);
        boolean zeroed = spare == null && FRESH_MEMORY_IS_ZERO;
        ByteBuffer view = ByteBuffer.allocateDirect(1);
        UNSAFE.putLong(view, BUFFER_ADDRESS, address);
        UNSAFE.putInt(view, BUFFER_CAPACITY, bytes);
        UNSAFE.putInt(view, BUFFER_LIMIT, bytes);
        return new Reservation(view, zeroed, CLEANER.register(view, () -> release(address, bytes)));
    }

    /**
     * A reservation, whether its bytes are known to be zero (a fresh block, not a recycled one),
     * and its release, which runs once: when its owner calls it (the memory must not be reached
     * through the buffer after that), or else after the buffer and every slice of it are collected.
     */
    record Reservation(ByteBuffer buffer, boolean zeroed, Cleaner.Cleanable release) {}

    /**
     * Keeps a few released reservations of the home frames' size for the next processes: their
     * pages are already committed, where a fresh reservation takes a host page fault on every
     * page a process touches (a JVM that replays trace after trace, a sweep, the shell's goto).
     */
    private static void release(long address, int bytes) {
        if (bytes == SPARE_BYTES && SPARES.size() < MAX_SPARES) {
            SPARES.offer(address);
        } else {
            UNSAFE.freeMemory(address);
        }
    }

    /** The host address of a direct buffer's first byte. */
    static long address(ByteBuffer directBuffer) {
        if (!directBuffer.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return UNSAFE.getLong(directBuffer, BUFFER_ADDRESS);
    }
}

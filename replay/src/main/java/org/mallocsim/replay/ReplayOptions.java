package org.mallocsim.replay;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.mallocsim.allocator.AllocatorFactory;
import org.mallocsim.allocator.Allocators;
import org.mallocsim.kernel.mm.KernelConfig;
import org.mallocsim.traces.natives.NativeReplayer.Touch;

/**
 * How to replay a trace.
 *
 * @param allocatorName the policy's name, as reports print it
 * @param factory       makes the policy for the emulated process
 * @param touch         how each new block is written into (as the native replayer's {@code --touch})
 * @param emit          where to write the emulated answers (reference format; {@code .zst} compresses,
 *                      {@code .mrecb} is binary), or null
 * @param kernel        the emulated kernel's configuration
 * @param lenient       skip malformed text lines with a counted warning instead of failing
 * @param tunables      {@code glibc.malloc.NAME=VALUE} settings added after the trace's own
 *                      GLIBC_TUNABLES (so they win), or empty
 * @param cleanLayout   start from a fresh default layout even when the trace records its map
 * @param heapMaps      keep what a report draws: the heap maps (at the largest heap and at the end)
 *                      and every call's values ({@link CallSeries}, about a byte of heap per call)
 */
public record ReplayOptions(
        String allocatorName,
        AllocatorFactory factory,
        Touch touch,
        Path emit,
        KernelConfig kernel,
        boolean lenient,
        List<String> tunables,
        boolean cleanLayout,
        boolean heapMaps) {
    public ReplayOptions {
        Objects.requireNonNull(allocatorName, "allocatorName");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(touch, "touch");
        Objects.requireNonNull(kernel, "kernel");
        tunables = List.copyOf(tunables);
    }

    /**
     * The registered policy {@code name}, no touching, no emit, the default kernel, strict reading.
     *
     * @throws IllegalArgumentException when no policy has that name
     */
    public static ReplayOptions of(String name) {
        return new ReplayOptions(
                name,
                Allocators.factory(name),
                Touch.NONE,
                null,
                KernelConfig.defaults(),
                false,
                List.of(),
                false,
                false);
    }

    /** An unregistered policy (a test double, an experiment) under a name of its own. */
    public static ReplayOptions of(String name, AllocatorFactory factory) {
        return new ReplayOptions(
                name, factory, Touch.NONE, null, KernelConfig.defaults(), false, List.of(), false, false);
    }

    public ReplayOptions withTouch(Touch t) {
        return new ReplayOptions(allocatorName, factory, t, emit, kernel, lenient, tunables, cleanLayout, heapMaps);
    }

    public ReplayOptions withEmit(Path file) {
        return new ReplayOptions(allocatorName, factory, touch, file, kernel, lenient, tunables, cleanLayout, heapMaps);
    }

    public ReplayOptions withKernel(KernelConfig k) {
        return new ReplayOptions(allocatorName, factory, touch, emit, k, lenient, tunables, cleanLayout, heapMaps);
    }

    public ReplayOptions withLenient(boolean l) {
        return new ReplayOptions(allocatorName, factory, touch, emit, kernel, l, tunables, cleanLayout, heapMaps);
    }

    /** Adds {@code glibc.malloc.NAME=VALUE} settings, applied after the trace's own. */
    public ReplayOptions withTunables(List<String> t) {
        return new ReplayOptions(allocatorName, factory, touch, emit, kernel, lenient, t, cleanLayout, heapMaps);
    }

    /** Starts from a fresh default layout instead of the recorded map. */
    public ReplayOptions withCleanLayout(boolean clean) {
        return new ReplayOptions(allocatorName, factory, touch, emit, kernel, lenient, tunables, clean, heapMaps);
    }

    /** Keeps what a report draws: heap maps and every call's values. */
    public ReplayOptions withHeapMaps(boolean maps) {
        return new ReplayOptions(allocatorName, factory, touch, emit, kernel, lenient, tunables, cleanLayout, maps);
    }
}

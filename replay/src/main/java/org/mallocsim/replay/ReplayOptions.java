package org.mallocsim.replay;

import java.nio.file.Path;
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
 */
public record ReplayOptions(String allocatorName, AllocatorFactory factory, Touch touch, Path emit,
                            KernelConfig kernel, boolean lenient) {
    public ReplayOptions {
        Objects.requireNonNull(allocatorName, "allocatorName");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(touch, "touch");
        Objects.requireNonNull(kernel, "kernel");
    }

    /**
     * The registered policy {@code name}, no touching, no emit, the default kernel, strict reading.
     *
     * @throws IllegalArgumentException when no policy has that name
     */
    public static ReplayOptions of(String name) {
        return new ReplayOptions(name, Allocators.factory(name), Touch.NONE, null, KernelConfig.defaults(), false);
    }

    /** An unregistered policy (a test double, an experiment) under a name of its own. */
    public static ReplayOptions of(String name, AllocatorFactory factory) {
        return new ReplayOptions(name, factory, Touch.NONE, null, KernelConfig.defaults(), false);
    }

    public ReplayOptions withTouch(Touch t) {
        return new ReplayOptions(allocatorName, factory, t, emit, kernel, lenient);
    }

    public ReplayOptions withEmit(Path file) {
        return new ReplayOptions(allocatorName, factory, touch, file, kernel, lenient);
    }

    public ReplayOptions withKernel(KernelConfig k) {
        return new ReplayOptions(allocatorName, factory, touch, emit, k, lenient);
    }

    public ReplayOptions withLenient(boolean l) {
        return new ReplayOptions(allocatorName, factory, touch, emit, kernel, l);
    }
}

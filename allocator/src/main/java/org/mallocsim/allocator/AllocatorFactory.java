package org.mallocsim.allocator;

import java.util.Map;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * Makes one allocator for one emulated process. The options are the recorded process's malloc
 * settings, by name: {@link #TUNABLES} ({@code GLIBC_TUNABLES}), {@link #NPROCS} (CPUs online,
 * which sizes glibc's arena limit) and each {@code MALLOC_*} environment variable verbatim
 * ({@code MALLOC_ARENA_MAX}, {@code MALLOC_TOP_PAD_}, ...). A policy ignores the ones it has no use for.
 */
@FunctionalInterface
public interface AllocatorFactory {
    /** Option key: the {@code GLIBC_TUNABLES} string of the recorded process. */
    String TUNABLES = "GLIBC_TUNABLES";
    /** Option key: CPUs online in the recorded process, decimal. */
    String NPROCS = "nprocs";

    /**
     * A fresh allocator serving {@code space}, which has made no allocator call yet.
     *
     * @throws IllegalArgumentException for an option value the policy cannot accept
     */
    Allocator create(AddressSpace space, Map<String, String> options);
}

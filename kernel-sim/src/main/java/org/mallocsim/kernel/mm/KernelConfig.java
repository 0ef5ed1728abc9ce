package org.mallocsim.kernel.mm;

/**
 * The tunables of the emulated kernel and process: sysctls, rlimits and layout choices.
 * Defaults are those of x86-64 Linux with address-space randomization off.
 *
 * @param ramBytes          emulated physical memory
 * @param maxMapCount       {@code vm.max_map_count}
 * @param overcommitMemory  {@code vm.overcommit_memory}: 0 guess, 1 always, 2 never
 * @param overcommitRatio   {@code vm.overcommit_ratio} (percent, mode 2)
 * @param mmapMinAddr       {@code vm.mmap_min_addr}
 * @param stackGuardGap     {@code stack_guard_gap} in bytes
 * @param rlimitAs          RLIMIT_AS in bytes, -1 for infinity
 * @param rlimitData        RLIMIT_DATA in bytes, -1 for infinity
 * @param rlimitStack       RLIMIT_STACK in bytes (sets mmap_base)
 * @param randomizeSeed     0 for no randomization, else the seed of a reproducible ASLR
 * @param thpAlign          2 MiB-align anonymous mappings whose length is a multiple of 2 MiB (Linux 6.7+)
 * @param zeroPage          map the shared zero page on read faults of private anonymous memory (Linux);
 *                          false models kernels booted with {@code pvm_no_zero_page=1}, where a read
 *                          fault allocates a zeroed page and an anon_vma like a write fault
 */
public record KernelConfig(long ramBytes, int maxMapCount, int overcommitMemory, int overcommitRatio,
                           long mmapMinAddr, long stackGuardGap, long rlimitAs, long rlimitData,
                           long rlimitStack, long randomizeSeed, boolean thpAlign, boolean zeroPage) {

    /** The configuration with the zero page in use, as upstream Linux. */
    public KernelConfig(long ramBytes, int maxMapCount, int overcommitMemory, int overcommitRatio,
                        long mmapMinAddr, long stackGuardGap, long rlimitAs, long rlimitData,
                        long rlimitStack, long randomizeSeed, boolean thpAlign) {
        this(ramBytes, maxMapCount, overcommitMemory, overcommitRatio, mmapMinAddr, stackGuardGap, rlimitAs,
                rlimitData, rlimitStack, randomizeSeed, thpAlign, true);
    }

    public static final long GIB = 1L << 30;

    /** x86-64 defaults: 4 GiB of RAM, 65530 maps, overcommit guess, 8 MiB stack, no ASLR. */
    public static KernelConfig defaults() {
        return new KernelConfig(4 * GIB, 65530, 0, 50, 4096, 256 * 4096L, -1, -1, 8L << 20, 0, true);
    }

    public KernelConfig withRamBytes(long v) {
        return new KernelConfig(v, maxMapCount, overcommitMemory, overcommitRatio, mmapMinAddr, stackGuardGap,
                rlimitAs, rlimitData, rlimitStack, randomizeSeed, thpAlign, zeroPage);
    }

    public KernelConfig withMaxMapCount(int v) {
        return new KernelConfig(ramBytes, v, overcommitMemory, overcommitRatio, mmapMinAddr, stackGuardGap,
                rlimitAs, rlimitData, rlimitStack, randomizeSeed, thpAlign, zeroPage);
    }

    public KernelConfig withOvercommit(int mode, int ratio) {
        return new KernelConfig(ramBytes, maxMapCount, mode, ratio, mmapMinAddr, stackGuardGap,
                rlimitAs, rlimitData, rlimitStack, randomizeSeed, thpAlign, zeroPage);
    }

    public KernelConfig withRlimits(long as, long data, long stack) {
        return new KernelConfig(ramBytes, maxMapCount, overcommitMemory, overcommitRatio, mmapMinAddr, stackGuardGap,
                as, data, stack, randomizeSeed, thpAlign, zeroPage);
    }

    public KernelConfig withRandomizeSeed(long seed) {
        return new KernelConfig(ramBytes, maxMapCount, overcommitMemory, overcommitRatio, mmapMinAddr, stackGuardGap,
                rlimitAs, rlimitData, rlimitStack, seed, thpAlign, zeroPage);
    }

    public KernelConfig withThpAlign(boolean v) {
        return new KernelConfig(ramBytes, maxMapCount, overcommitMemory, overcommitRatio, mmapMinAddr, stackGuardGap,
                rlimitAs, rlimitData, rlimitStack, randomizeSeed, v, zeroPage);
    }

    public KernelConfig withZeroPage(boolean v) {
        return new KernelConfig(ramBytes, maxMapCount, overcommitMemory, overcommitRatio, mmapMinAddr, stackGuardGap,
                rlimitAs, rlimitData, rlimitStack, randomizeSeed, thpAlign, v);
    }
}

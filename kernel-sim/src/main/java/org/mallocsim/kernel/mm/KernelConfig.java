package org.mallocsim.kernel.mm;

/**
 * The tunables of the emulated kernel and process: sysctls, rlimits, sysfs settings, CPU features
 * and layout choices. Defaults are those of x86-64 Linux with address-space randomization off;
 * {@link #builder()} starts from them and {@link #toBuilder()} from any configuration, so each
 * tunable is named once where it is set.
 *
 * <pre>
 * KernelConfig c = KernelConfig.builder().maxMapCount(3).rlimitData(16 * 4096).build();
 * </pre>
 */
public final class KernelConfig {
    public static final long GIB = 1L << 30;
    private static final KernelConfig DEFAULTS = new Builder().build();

    private final long ramBytes;
    private final int maxMapCount;
    private final int overcommitMemory;
    private final int overcommitRatio;
    private final long mmapMinAddr;
    private final long stackGuardGap;
    private final long rlimitAs;
    private final long rlimitData;
    private final long rlimitStack;
    private final long randomizeSeed;
    private final boolean thpAlign;
    private final boolean zeroPage;
    private final ThpMode thpEnabled;
    private final boolean pku;

    private KernelConfig(Builder b) {
        ramBytes = b.ramBytes;
        maxMapCount = b.maxMapCount;
        overcommitMemory = b.overcommitMemory;
        overcommitRatio = b.overcommitRatio;
        mmapMinAddr = b.mmapMinAddr;
        stackGuardGap = b.stackGuardGap;
        rlimitAs = b.rlimitAs;
        rlimitData = b.rlimitData;
        rlimitStack = b.rlimitStack;
        randomizeSeed = b.randomizeSeed;
        thpAlign = b.thpAlign;
        zeroPage = b.zeroPage;
        thpEnabled = b.thpEnabled;
        pku = b.pku;
    }

    /** x86-64 defaults: 4 GiB of RAM, 65530 maps, overcommit guess, 8 MiB stack, no ASLR, THP madvise, no PKU. */
    public static KernelConfig defaults() {
        return DEFAULTS;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Emulated physical memory in bytes. */
    public long ramBytes() {
        return ramBytes;
    }

    /** {@code vm.max_map_count}. */
    public int maxMapCount() {
        return maxMapCount;
    }

    /** {@code vm.overcommit_memory}: 0 guess, 1 always, 2 never. */
    public int overcommitMemory() {
        return overcommitMemory;
    }

    /** {@code vm.overcommit_ratio} (percent, mode 2). */
    public int overcommitRatio() {
        return overcommitRatio;
    }

    /** {@code vm.mmap_min_addr}. */
    public long mmapMinAddr() {
        return mmapMinAddr;
    }

    /** {@code stack_guard_gap} in bytes. */
    public long stackGuardGap() {
        return stackGuardGap;
    }

    /** RLIMIT_AS in bytes, -1 for infinity. */
    public long rlimitAs() {
        return rlimitAs;
    }

    /** RLIMIT_DATA in bytes, -1 for infinity. */
    public long rlimitData() {
        return rlimitData;
    }

    /** RLIMIT_STACK in bytes (sets mmap_base). */
    public long rlimitStack() {
        return rlimitStack;
    }

    /** 0 for no randomization, else the seed of a reproducible ASLR. */
    public long randomizeSeed() {
        return randomizeSeed;
    }

    /** 2 MiB-align anonymous mappings whose length is a multiple of 2 MiB (Linux 6.7+). */
    public boolean thpAlign() {
        return thpAlign;
    }

    /**
     * Map the shared zero page on read faults of private anonymous memory (Linux); false models
     * kernels booted with {@code pvm_no_zero_page=1}, where a read fault allocates a zeroed page and
     * an anon_vma like a write fault.
     */
    public boolean zeroPage() {
        return zeroPage;
    }

    /** {@code /sys/kernel/mm/transparent_hugepage/enabled}: smaps' THPeligible follows it. */
    public ThpMode thpEnabled() {
        return thpEnabled;
    }

    /**
     * The CPU has memory protection keys and the kernel uses them ({@code pku} and {@code ospke}
     * in /proc/cpuinfo, {@code arch_pkeys_enabled}): PROT_EXEC alone is then execute-only
     * (loads and stores fault with SEGV_PKUERR) and smaps shows {@code ProtectionKey:}.
     */
    public boolean pku() {
        return pku;
    }

    @Override
    public String toString() {
        return "KernelConfig[ramBytes=" + ramBytes + ", maxMapCount=" + maxMapCount + ", overcommitMemory="
                + overcommitMemory + ", overcommitRatio=" + overcommitRatio + ", mmapMinAddr=" + mmapMinAddr
                + ", stackGuardGap=" + stackGuardGap + ", rlimitAs=" + rlimitAs + ", rlimitData=" + rlimitData
                + ", rlimitStack=" + rlimitStack + ", randomizeSeed=" + randomizeSeed + ", thpAlign=" + thpAlign
                + ", zeroPage=" + zeroPage + ", thpEnabled=" + thpEnabled + ", pku=" + pku + "]";
    }

    /** Collects the tunables; each setter names one, and {@link #build()} freezes them. */
    public static final class Builder {
        private long ramBytes = 4 * GIB;
        private int maxMapCount = 65530;
        private int overcommitMemory = 0;
        private int overcommitRatio = 50;
        private long mmapMinAddr = 4096;
        private long stackGuardGap = 256 * 4096L;
        private long rlimitAs = -1;
        private long rlimitData = -1;
        private long rlimitStack = 8L << 20;
        private long randomizeSeed = 0;
        private boolean thpAlign = true;
        private boolean zeroPage = true;
        private ThpMode thpEnabled = ThpMode.MADVISE;
        private boolean pku = false;

        private Builder() {}

        private Builder(KernelConfig c) {
            ramBytes = c.ramBytes;
            maxMapCount = c.maxMapCount;
            overcommitMemory = c.overcommitMemory;
            overcommitRatio = c.overcommitRatio;
            mmapMinAddr = c.mmapMinAddr;
            stackGuardGap = c.stackGuardGap;
            rlimitAs = c.rlimitAs;
            rlimitData = c.rlimitData;
            rlimitStack = c.rlimitStack;
            randomizeSeed = c.randomizeSeed;
            thpAlign = c.thpAlign;
            zeroPage = c.zeroPage;
            thpEnabled = c.thpEnabled;
            pku = c.pku;
        }

        public Builder ramBytes(long v) {
            ramBytes = v;
            return this;
        }

        public Builder maxMapCount(int v) {
            maxMapCount = v;
            return this;
        }

        public Builder overcommitMemory(int v) {
            overcommitMemory = v;
            return this;
        }

        public Builder overcommitRatio(int v) {
            overcommitRatio = v;
            return this;
        }

        public Builder mmapMinAddr(long v) {
            mmapMinAddr = v;
            return this;
        }

        public Builder stackGuardGap(long v) {
            stackGuardGap = v;
            return this;
        }

        public Builder rlimitAs(long v) {
            rlimitAs = v;
            return this;
        }

        public Builder rlimitData(long v) {
            rlimitData = v;
            return this;
        }

        public Builder rlimitStack(long v) {
            rlimitStack = v;
            return this;
        }

        public Builder randomizeSeed(long v) {
            randomizeSeed = v;
            return this;
        }

        public Builder thpAlign(boolean v) {
            thpAlign = v;
            return this;
        }

        public Builder zeroPage(boolean v) {
            zeroPage = v;
            return this;
        }

        public Builder thpEnabled(ThpMode v) {
            thpEnabled = java.util.Objects.requireNonNull(v);
            return this;
        }

        public Builder pku(boolean v) {
            pku = v;
            return this;
        }

        public KernelConfig build() {
            return new KernelConfig(this);
        }
    }
}

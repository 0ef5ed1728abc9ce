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

    /** The values, in a private copy no builder can reach. */
    private final Builder v;

    private KernelConfig(Builder b) {
        v = b.copy();
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
        return v.copy();
    }

    /** Emulated physical memory in bytes. */
    public long ramBytes() {
        return v.ramBytes;
    }

    /** {@code vm.max_map_count}. */
    public int maxMapCount() {
        return v.maxMapCount;
    }

    /** {@code vm.overcommit_memory}: 0 guess, 1 always, 2 never. */
    public int overcommitMemory() {
        return v.overcommitMemory;
    }

    /** {@code vm.overcommit_ratio} (percent, mode 2). */
    public int overcommitRatio() {
        return v.overcommitRatio;
    }

    /** {@code vm.mmap_min_addr}. */
    public long mmapMinAddr() {
        return v.mmapMinAddr;
    }

    /** {@code stack_guard_gap} in bytes. */
    public long stackGuardGap() {
        return v.stackGuardGap;
    }

    /** RLIMIT_AS in bytes, -1 for infinity. */
    public long rlimitAs() {
        return v.rlimitAs;
    }

    /** RLIMIT_DATA in bytes, -1 for infinity. */
    public long rlimitData() {
        return v.rlimitData;
    }

    /** RLIMIT_STACK in bytes (sets mmap_base). */
    public long rlimitStack() {
        return v.rlimitStack;
    }

    /** 0 for no randomization, else the seed of a reproducible ASLR. */
    public long randomizeSeed() {
        return v.randomizeSeed;
    }

    /** 2 MiB-align anonymous mappings whose length is a multiple of 2 MiB (Linux 6.7+). */
    public boolean thpAlign() {
        return v.thpAlign;
    }

    /**
     * Map the shared zero page on read faults of private anonymous memory (Linux); false models
     * kernels booted with {@code pvm_no_zero_page=1}, where a read fault allocates a zeroed page and
     * an anon_vma like a write fault.
     */
    public boolean zeroPage() {
        return v.zeroPage;
    }

    /** {@code /sys/kernel/mm/transparent_hugepage/enabled}: smaps' THPeligible follows it. */
    public ThpMode thpEnabled() {
        return v.thpEnabled;
    }

    /**
     * The CPU has memory protection keys and the kernel uses them ({@code pku} and {@code ospke}
     * in /proc/cpuinfo, {@code arch_pkeys_enabled}): PROT_EXEC alone is then execute-only
     * (loads and stores fault with SEGV_PKUERR) and smaps shows {@code ProtectionKey:}.
     */
    public boolean pku() {
        return v.pku;
    }

    @Override
    public String toString() {
        return "KernelConfig[ramBytes=" + v.ramBytes + ", maxMapCount=" + v.maxMapCount + ", overcommitMemory="
                + v.overcommitMemory + ", overcommitRatio=" + v.overcommitRatio + ", mmapMinAddr=" + v.mmapMinAddr
                + ", stackGuardGap=" + v.stackGuardGap + ", rlimitAs=" + v.rlimitAs + ", rlimitData=" + v.rlimitData
                + ", rlimitStack=" + v.rlimitStack + ", randomizeSeed=" + v.randomizeSeed + ", thpAlign=" + v.thpAlign
                + ", zeroPage=" + v.zeroPage + ", thpEnabled=" + v.thpEnabled + ", pku=" + v.pku + "]";
    }

    /** Collects the tunables; each setter names one, and {@link #build()} freezes them. */
    public static final class Builder implements Cloneable {
        private long ramBytes = 4 * GIB;
        private int maxMapCount = 65530;
        private int overcommitMemory = 0;
        private int overcommitRatio = 50;
        private long mmapMinAddr = 4096; // DEFAULT_MMAP_MIN_ADDR (mm/Kconfig), a sysctl default, not the page size
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

        /** A field-for-field copy (all fields are primitives or an enum). */
        private Builder copy() {
            try {
                return (Builder) clone();
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
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

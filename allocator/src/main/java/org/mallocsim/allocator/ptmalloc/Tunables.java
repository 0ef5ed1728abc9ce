package org.mallocsim.allocator.ptmalloc;

/**
 * The malloc tunables of one emulated process, as {@code GLIBC_TUNABLES=glibc.malloc.NAME=VALUE}
 * sets them (elf/dl-tunables.list): each is either unset (glibc's default applies) or set, and a
 * set one runs the same callback as in {@code ptmalloc_init} (malloc/arena.c). Build with
 * {@link #builder()} or {@link #parse(String)}; {@link #defaults()} sets nothing.
 *
 * <p>Besides glibc's tunables this holds the emulation's own choice of {@code tcache_key}: glibc
 * draws it from getrandom; here it comes from a seeded generator (reproducible by default) or,
 * with {@link Builder#randomTcacheKey()}, from a fresh random seed.
 *
 * <table>
 *  <caption>tunables (name, type, range as dl-tunables.list gives it)</caption>
 *  <tr><td>top_pad</td><td>size_t</td><td>any</td></tr>
 *  <tr><td>perturb</td><td>int32</td><td>0..0xff</td></tr>
 *  <tr><td>mmap_threshold</td><td>size_t</td><td>any</td></tr>
 *  <tr><td>trim_threshold</td><td>size_t</td><td>any</td></tr>
 *  <tr><td>mmap_max</td><td>int32</td><td>&ge; 0</td></tr>
 *  <tr><td>arena_max</td><td>size_t</td><td>&ge; 1</td></tr>
 *  <tr><td>arena_test</td><td>size_t</td><td>&ge; 1</td></tr>
 *  <tr><td>tcache_max</td><td>size_t</td><td>&le; 1032 to take effect</td></tr>
 *  <tr><td>tcache_count</td><td>size_t</td><td>&le; 65535 to take effect</td></tr>
 *  <tr><td>tcache_unsorted_limit</td><td>size_t</td><td>any</td></tr>
 *  <tr><td>mxfast</td><td>size_t</td><td>&le; 160 to take effect</td></tr>
 * </table>
 */
public final class Tunables {
    static final int TOP_PAD = 0;
    static final int PERTURB = 1;
    static final int MMAP_THRESHOLD = 2;
    static final int TRIM_THRESHOLD = 3;
    static final int MMAP_MAX = 4;
    static final int ARENA_MAX = 5;
    static final int ARENA_TEST = 6;
    static final int TCACHE_MAX = 7;
    static final int TCACHE_COUNT = 8;
    static final int TCACHE_UNSORTED_LIMIT = 9;
    static final int MXFAST = 10;
    static final String[] NAMES = {
        "top_pad",
        "perturb",
        "mmap_threshold",
        "trim_threshold",
        "mmap_max",
        "arena_max",
        "arena_test",
        "tcache_max",
        "tcache_count",
        "tcache_unsorted_limit",
        "mxfast"
    };
    private static final long[] MIN = {0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0};
    private static final long[] MAX = {-1, 0xff, -1, -1, Integer.MAX_VALUE, -1, -1, -1, -1, -1, -1};

    /** CPUs online when none is given: the reference machine's 2. */
    public static final int DEFAULT_NPROCS = 2;

    /** The seed of tcache_key when none is given. */
    public static final long DEFAULT_TCACHE_KEY_SEED = 0x6d616c6c6f63L;

    private final long[] values;
    private final int setMask;
    private final long tcacheKeySeed;
    private final int nprocs;

    private Tunables(long[] values, int setMask, long tcacheKeySeed, int nprocs) {
        this.values = values;
        this.setMask = setMask;
        this.tcacheKeySeed = tcacheKeySeed;
        this.nprocs = nprocs;
    }

    /** CPUs online as {@code __get_nprocs} reports them; sizes the arena limit (8 per CPU). */
    public int nprocs() {
        return nprocs;
    }

    /** No tunable set: glibc's defaults, the default tcache_key seed. */
    public static Tunables defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a {@code GLIBC_TUNABLES} value such as {@code glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0}.
     * As glibc does, names it does not know and values out of range are ignored.
     */
    public static Tunables parse(String glibcTunables) {
        Builder b = builder();
        for (String item : glibcTunables.split(":", -1)) {
            int eq = item.indexOf('=');
            if (eq < 0 || !item.startsWith("glibc.malloc.")) {
                continue;
            }
            String name = item.substring("glibc.malloc.".length(), eq);
            for (int i = 0; i < NAMES.length; i++) {
                if (NAMES[i].equals(name)) {
                    try {
                        long v = Long.decode(item.substring(eq + 1));
                        if (inRange(i, v)) {
                            b.set(i, v);
                        }
                    } catch (NumberFormatException ignored) {
                        // glibc ignores a value it cannot read
                    }
                }
            }
        }
        return b.build();
    }

    /** The environment variables glibc reads as aliases of the tunables (elf/dl-tunables.list). */
    private static final String[] ENV_ALIASES = {
        "MALLOC_TOP_PAD_",
        "MALLOC_PERTURB_",
        "MALLOC_MMAP_THRESHOLD_",
        "MALLOC_TRIM_THRESHOLD_",
        "MALLOC_MMAP_MAX_",
        "MALLOC_ARENA_MAX",
        "MALLOC_ARENA_TEST",
        null,
        null,
        null,
        null
    };

    /**
     * The tunables of a process started with these environment variables: the {@code MALLOC_*}
     * aliases first, then {@code GLIBC_TUNABLES}, which wins where both name one tunable. Values
     * glibc would not accept are ignored, as glibc ignores them; other keys are not read.
     */
    public static Tunables fromEnvironment(java.util.Map<String, String> env) {
        Builder b = builder();
        for (int i = 0; i < NAMES.length; i++) {
            String v = ENV_ALIASES[i] == null ? null : env.get(ENV_ALIASES[i]);
            if (v != null) {
                try {
                    long n = Long.decode(v.trim());
                    if (inRange(i, n)) {
                        b.set(i, n);
                    }
                } catch (NumberFormatException ignored) {
                    // ignored, as glibc ignores it
                }
            }
        }
        String np = env.get("nprocs");
        if (np != null) {
            b.nprocs(Integer.parseInt(np.trim()));
        }
        String gt = env.get("GLIBC_TUNABLES");
        if (gt != null) {
            Tunables t = parse(gt);
            for (int i = 0; i < NAMES.length; i++) {
                if (t.isSet(i)) {
                    b.set(i, t.value(i));
                }
            }
        }
        return b.build();
    }

    private static boolean inRange(int i, long v) {
        return Long.compareUnsigned(v, MIN[i]) >= 0 && Long.compareUnsigned(v, MAX[i]) <= 0;
    }

    boolean isSet(int tunable) {
        return (setMask & (1 << tunable)) != 0;
    }

    long value(int tunable) {
        return values[tunable];
    }

    /** The seed of tcache_key. */
    public long tcacheKeySeed() {
        return tcacheKeySeed;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < NAMES.length; i++) {
            if (isSet(i)) {
                if (sb.length() > 0) {
                    sb.append(':');
                }
                sb.append("glibc.malloc.").append(NAMES[i]).append('=').append(Long.toUnsignedString(values[i]));
            }
        }
        return sb.toString();
    }

    /** Builds {@link Tunables}; a value outside the tunable's range is an IllegalArgumentException. */
    public static final class Builder {
        private final long[] values = new long[NAMES.length];
        private int setMask;
        private long seed = DEFAULT_TCACHE_KEY_SEED;
        private int nprocs = DEFAULT_NPROCS;

        private Builder() {}

        private Builder set(int i, long v) {
            if (!inRange(i, v)) {
                throw new IllegalArgumentException("glibc.malloc." + NAMES[i] + "=" + v + " is out of range");
            }
            values[i] = v;
            setMask |= 1 << i;
            return this;
        }

        public Builder topPad(long v) {
            return set(TOP_PAD, v);
        }

        public Builder perturb(int v) {
            return set(PERTURB, v);
        }

        public Builder mmapThreshold(long v) {
            return set(MMAP_THRESHOLD, v);
        }

        public Builder trimThreshold(long v) {
            return set(TRIM_THRESHOLD, v);
        }

        public Builder mmapMax(int v) {
            return set(MMAP_MAX, v);
        }

        public Builder arenaMax(long v) {
            return set(ARENA_MAX, v);
        }

        public Builder arenaTest(long v) {
            return set(ARENA_TEST, v);
        }

        public Builder tcacheMax(long v) {
            return set(TCACHE_MAX, v);
        }

        public Builder tcacheCount(long v) {
            return set(TCACHE_COUNT, v);
        }

        public Builder tcacheUnsortedLimit(long v) {
            return set(TCACHE_UNSORTED_LIMIT, v);
        }

        public Builder mxfast(long v) {
            return set(MXFAST, v);
        }

        /** tcache_key drawn from a generator seeded with {@code seed}. */
        public Builder tcacheKeySeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** tcache_key drawn from a fresh random seed, as glibc's getrandom makes it differ per run. */
        public Builder randomTcacheKey() {
            this.seed = new java.security.SecureRandom().nextLong();
            return this;
        }

        /** CPUs online in the emulated machine (default 2, as on the reference machine). */
        public Builder nprocs(int n) {
            this.nprocs = n;
            return this;
        }

        public Tunables build() {
            return new Tunables(values.clone(), setMask, seed, nprocs);
        }
    }
}

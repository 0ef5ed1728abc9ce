package org.mallocsim.kernel.proc;

/**
 * The two-letter {@code VmFlags:} codes of smaps, {@code show_smap_vma_flags} (fs/proc/task_mmu.c),
 * for the configuration of the reference machine (Linux 6.18, x86-64): soft-dirty tracking and user
 * shadow stacks are compiled out, so bits 27 and 37 are unknown ({@code ??}) there; protection-key
 * bits 32..35 print nothing (they go to {@code ProtectionKey:}); userfaultfd minor mode is bit 41
 * since v6.16. Every bit without a name prints {@code ??}, as the kernel's table does.
 */
final class VmFlagNames {

    private static final String[] MNEMONICS = new String[Long.SIZE];

    static {
        java.util.Arrays.fill(MNEMONICS, "??");
        String[] low = {
            "rd", "wr", "ex", "sh", "mr", "mw", "me", "ms", // 0..7: READ .. MAYSHARE
            "gd", "um", "pf", null, "uw", "lo", "io",
            "sr", // 8..15: GROWSDOWN, UFFD_MISSING, PFNMAP, -, UFFD_WP, LOCKED, IO, SEQ_READ
            "rr", "dc", "de", "lf", "ac", "nr", "ht", "sf", // 16..23: RAND_READ .. HUGETLB, SYNC
            "ar", "wf", "dd", null, "mm", "hg", "nh",
            "mg", // 24..31: ARCH_1 (PAT), WIPEONFORK, DONTDUMP, SOFTDIRTY (off), MIXEDMAP .. MERGEABLE
        };
        for (int bit = 0; bit < low.length; bit++) {
            if (low[bit] != null) {
                MNEMONICS[bit] = low[bit];
            }
        }
        for (int bit = 32; bit <= 35; bit++) {
            MNEMONICS[bit] = ""; // VM_PKEY_BIT0..3: shown by ProtectionKey, never here
        }
        MNEMONICS[40] = "dp"; // VM_DROPPABLE
        MNEMONICS[41] = "ui"; // VM_UFFD_MINOR
        MNEMONICS[42] = "sl"; // VM_SEALED
    }

    private VmFlagNames() {}

    /** The code printed for one flag bit: two letters, {@code ??}, or empty for a silent bit. */
    static String mnemonic(int bit) {
        return MNEMONICS[bit];
    }

    /** {@code show_smap_vma_flags}: {@code VmFlags: } then each set bit's code and a space, in bit order. */
    static void appendVmFlagsLine(StringBuilder sb, long flags) {
        sb.append("VmFlags: ");
        for (int bit = 0; bit < Long.SIZE; bit++) {
            if ((flags & (1L << bit)) != 0 && !MNEMONICS[bit].isEmpty()) {
                sb.append(MNEMONICS[bit]).append(' ');
            }
        }
        sb.append('\n');
    }
}

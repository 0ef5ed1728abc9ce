package org.mallocsim.kernel;

/**
 * The x86-64 page geometry, the one home of these facts, with Linux's names and meanings
 * (arch/x86/include/asm/page_types.h, pgtable_64_types.h): {@link #PAGE_MASK} keeps the page
 * number (high bits), {@code ~PAGE_MASK} the offset within the page.
 */
public final class Page {
    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    /** {@code ~(PAGE_SIZE - 1)}: {@code addr & PAGE_MASK} is the page's first byte. */
    public static final long PAGE_MASK = ~(PAGE_SIZE - 1);
    /** A PMD entry maps 2 MiB: the size of a PMD-mapped transparent huge page. */
    public static final int PMD_SHIFT = 21;

    public static final long PMD_SIZE = 1L << PMD_SHIFT;
    public static final long PMD_MASK = ~(PMD_SIZE - 1);

    private Page() {}

    /** {@code PAGE_ALIGN(x)}: rounds up to a page; wraps to 0 near 2^64 exactly as the C macro. */
    public static long pageAlign(long x) {
        return (x + PAGE_SIZE - 1) & PAGE_MASK;
    }

    /** {@code offset_in_page(x)}. */
    public static long offsetInPage(long x) {
        return x & ~PAGE_MASK;
    }
}

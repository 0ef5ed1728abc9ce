package org.mallocsim.kernel.mm;

/**
 * What a page-table walk over one VMA finds, in pages, for /proc/PID/smaps.
 *
 * @param rss          pages mapped by normal PTEs (the zero page excluded)
 * @param anonymous    anonymous pages among them
 * @param privateDirty dirty pages mapped only here
 * @param privateClean clean pages mapped only here
 * @param referenced   pages with the accessed bit
 * @param lazyFree     pages given MADV_FREE and not written since
 */
public record PageStats(
        long rss, long anonymous, long privateDirty, long privateClean, long referenced, long lazyFree) {}

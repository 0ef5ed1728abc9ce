package org.mallocsim.traces.io;

import java.nio.file.Path;

/**
 * The one place that knows how mallocsim tells compressed files apart: by their first bytes when
 * reading (zstd's frame magic, gzip's), by the name when writing ({@code .zst} means zstd).
 */
public final class Compression {
    /** zstd's frame magic, {@code 28 b5 2f fd} (RFC 8878, section 3.1.1). */
    private static final int[] ZSTD_MAGIC = {0x28, 0xb5, 0x2f, 0xfd};
    /** gzip's member header, {@code 1f 8b} (RFC 1952, section 2.3.1). */
    private static final int[] GZIP_MAGIC = {0x1f, 0x8b};

    private Compression() {}

    /** True when {@code head}, a file's first bytes, starts a zstd frame. */
    public static boolean isZstd(byte[] head) {
        return startsWith(head, ZSTD_MAGIC);
    }

    /** True when {@code head}, a file's first bytes, starts a gzip member. */
    public static boolean isGzip(byte[] head) {
        return startsWith(head, GZIP_MAGIC);
    }

    /** True when a file of this name is written zstd-compressed: its name ends in {@code .zst}. */
    public static boolean zstdByName(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().endsWith(".zst");
    }

    private static boolean startsWith(byte[] b, int[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}

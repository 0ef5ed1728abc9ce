package org.mallocsim.allocator;

/**
 * glibc's {@code struct mallinfo2} (malloc/malloc.h, filled by {@code __libc_mallinfo2} in
 * malloc/malloc.c), field for field, in bytes or counts as glibc defines them.
 *
 * <pre>
 *  offset  field      meaning
 *    0     arena      bytes obtained with brk (the main arena's system_mem, plus other arenas')
 *    8     ordblks    free chunks in bins and top
 *   16     smblks     free chunks in fastbins
 *   24     hblks      chunks obtained with mmap
 *   32     hblkhd     bytes in mmapped chunks
 *   40     usmblks    always 0
 *   48     fsmblks    bytes in free fastbin chunks
 *   56     uordblks   bytes in use (arena - fordblks)
 *   64     fordblks   bytes free (bins, fastbins, top)
 *   72     keepcost   the top chunk's size (what malloc_trim could release)
 *   80     (end)
 * </pre>
 */
public record MallInfo2(
        long arena,
        long ordblks,
        long smblks,
        long hblks,
        long hblkhd,
        long usmblks,
        long fsmblks,
        long uordblks,
        long fordblks,
        long keepcost) {

    /** The size of the C struct: ten 8-byte {@code size_t} fields. */
    public static final int SIZE = 80;

    /** Decodes the C struct from its little-endian bytes. */
    public static MallInfo2 fromBytes(byte[] b) {
        if (b.length < SIZE) {
            throw new IllegalArgumentException("struct mallinfo2 has " + SIZE + " bytes, got " + b.length);
        }
        long[] f = new long[10];
        for (int i = 0; i < 10; i++) {
            long v = 0;
            for (int j = 7; j >= 0; j--) {
                v = (v << 8) | (b[i * 8 + j] & 0xff);
            }
            f[i] = v;
        }
        return new MallInfo2(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]);
    }
}

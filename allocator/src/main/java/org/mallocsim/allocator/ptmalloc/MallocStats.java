package org.mallocsim.allocator.ptmalloc;

import org.mallocsim.allocator.MallInfo2;
import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.mm.AddressSpace;

/**
 * The reporting and trimming entry points (malloc/malloc.c): {@code int_mallinfo} and
 * {@code __libc_mallinfo2}, {@code __malloc_stats}, {@code __malloc_info}, and {@code mtrim} with
 * {@code __malloc_trim}. Not hot paths: they may build strings.
 */
final class MallocStats {
    private MallocStats() {}

    /** The ten sums of int_mallinfo, in MallInfo2's field order. */
    private static void intMallinfo(MallocContext c, long av, long[] m) {
        AddressSpace as = c.as;
        long avail = Chunk.chunksize(as, c.top(av));
        long nblocks = 1;
        long nfastblocks = 0;
        long fastavail = 0;
        for (int i = 0; i < Chunk.NFASTBINS; i++) {
            for (long p = as.load64(MallocState.fastbin(av, i));
                    p != 0;
                    p = Chunk.revealPtr(p + Chunk.FD, Chunk.fd(as, p))) {
                if (Chunk.misaligned(p)) {
                    throw c.printerr("int_mallinfo(): unaligned fastbin chunk detected");
                }
                nfastblocks++;
                fastavail += Chunk.chunksize(as, p);
            }
        }
        avail += fastavail;
        for (int i = 1; i < Chunk.NBINS; i++) {
            long b = MallocState.binAt(av, i);
            for (long p = Chunk.bk(as, b); p != b; p = Chunk.bk(as, p)) {
                nblocks++;
                avail += Chunk.chunksize(as, p);
            }
        }
        long systemMem = c.systemMem(av);
        m[2] += nfastblocks;
        m[1] += nblocks;
        m[8] += avail;
        m[7] += systemMem - avail;
        m[0] += systemMem;
        m[6] += fastavail;
        if (av == c.mainArena) {
            m[3] = c.mpLoad32(MallocPar.N_MMAPS);
            m[4] = c.mpLoad(MallocPar.MMAPPED_MEM);
            m[5] = 0;
            m[9] = Chunk.chunksize(as, c.top(av));
        }
    }

    private static long[] sumArenas(MallocContext c) {
        long[] m = new long[10];
        long av = c.mainArena;
        do {
            intMallinfo(c, av, m);
            av = c.as.load64(av + MallocState.NEXT);
        } while (av != c.mainArena);
        return m;
    }

    /** Follows {@code __libc_mallinfo2}. */
    static MallInfo2 mallinfo2(MallocContext c) {
        long[] m = sumArenas(c);
        return new MallInfo2(m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9]);
    }

    /** Follows {@code __malloc_stats}: per arena and total, as fprintf(stderr) formats them. */
    static String mallocStats(MallocContext c) {
        StringBuilder sb = new StringBuilder();
        int inUseB = (int) c.mpLoad(MallocPar.MMAPPED_MEM);
        int systemB = inUseB;
        long av = c.mainArena;
        for (int i = 0; ; i++) {
            long[] mi = new long[10];
            intMallinfo(c, av, mi);
            sb.append("Arena ").append(i).append(":\n");
            sb.append(String.format("system bytes     = %10s%n", Integer.toUnsignedString((int) mi[0])));
            sb.append(String.format("in use bytes     = %10s%n", Integer.toUnsignedString((int) mi[7])));
            systemB += (int) mi[0];
            inUseB += (int) mi[7];
            av = c.as.load64(av + MallocState.NEXT);
            if (av == c.mainArena) {
                break;
            }
        }
        sb.append("Total (incl. mmap):\n");
        sb.append(String.format("system bytes     = %10s%n", Integer.toUnsignedString(systemB)));
        sb.append(String.format("in use bytes     = %10s%n", Integer.toUnsignedString(inUseB)));
        sb.append(String.format(
                "max mmap regions = %10s%n", Integer.toUnsignedString(c.mpLoad32(MallocPar.MAX_N_MMAPS))));
        sb.append(
                String.format("max mmap bytes   = %10s%n", Long.toUnsignedString(c.mpLoad(MallocPar.MAX_MMAPPED_MEM))));
        return sb.toString().replace(System.lineSeparator(), "\n");
    }

    private static String u(long v) {
        return Long.toUnsignedString(v);
    }

    /** Follows {@code __malloc_info}: options other than 0 write nothing (EINVAL). */
    static String mallocInfo(MallocContext c, int options) {
        if (options != 0) {
            return "";
        }
        AddressSpace as = c.as;
        StringBuilder sb = new StringBuilder("<malloc version=\"1\">\n");
        long totalNblocks = 0, totalNfast = 0, totalAvail = 0, totalFastavail = 0;
        long totalSystem = 0, totalMaxSystem = 0, totalAspace = 0, totalAspaceMprotect = 0;
        int n = 0;
        int nsizes = Chunk.NFASTBINS + Chunk.NBINS - 1;
        long av = c.mainArena;
        do {
            sb.append("<heap nr=\"").append(n++).append("\">\n<sizes>\n");
            long[] from = new long[nsizes];
            long[] to = new long[nsizes];
            long[] total = new long[nsizes];
            long[] count = new long[nsizes];
            long avail = Chunk.chunksize(as, c.top(av));
            long nblocks = 1;
            long nfastblocks = 0;
            long fastavail = 0;
            for (int i = 0; i < Chunk.NFASTBINS; i++) {
                long p = as.load64(MallocState.fastbin(av, i));
                if (p != 0) {
                    long nthis = 0;
                    long thissize = Chunk.chunksize(as, p);
                    while (p != 0) {
                        if (Chunk.misaligned(p)) {
                            throw c.printerr("__malloc_info(): unaligned fastbin chunk detected");
                        }
                        nthis++;
                        p = Chunk.revealPtr(p + Chunk.FD, Chunk.fd(as, p));
                    }
                    fastavail += nthis * thissize;
                    nfastblocks += nthis;
                    from[i] = thissize - (Chunk.MALLOC_ALIGNMENT - 1);
                    to[i] = thissize;
                    count[i] = nthis;
                }
                total[i] = count[i] * to[i];
            }
            for (int i = 1; i < Chunk.NBINS; i++) {
                int k = Chunk.NFASTBINS - 1 + i;
                long bin = MallocState.binAt(av, i);
                from[k] = -1L;
                for (long r = Chunk.fd(as, bin); r != 0 && r != bin; r = Chunk.fd(as, r)) {
                    long rs = Chunk.sizeNomask(as, r);
                    count[k]++;
                    total[k] += rs;
                    if (Long.compareUnsigned(rs, from[k]) < 0) {
                        from[k] = rs;
                    }
                    if (Long.compareUnsigned(rs, to[k]) > 0) {
                        to[k] = rs;
                    }
                }
                if (count[k] == 0) {
                    from[k] = 0;
                }
                nblocks += count[k];
                avail += total[k];
            }
            totalNfast += nfastblocks;
            totalFastavail += fastavail;
            totalNblocks += nblocks;
            totalAvail += avail;
            for (int i = 0; i < nsizes; i++) {
                if (count[i] != 0 && i != Chunk.NFASTBINS) {
                    sb.append("  <size from=\"")
                            .append(u(from[i]))
                            .append("\" to=\"")
                            .append(u(to[i]))
                            .append("\" total=\"")
                            .append(u(total[i]))
                            .append("\" count=\"")
                            .append(u(count[i]))
                            .append("\"/>\n");
                }
            }
            int k = Chunk.NFASTBINS;
            if (count[k] != 0) {
                sb.append("  <unsorted from=\"")
                        .append(u(from[k]))
                        .append("\" to=\"")
                        .append(u(to[k]))
                        .append("\" total=\"")
                        .append(u(total[k]))
                        .append("\" count=\"")
                        .append(u(count[k]))
                        .append("\"/>\n");
            }
            long sys = c.systemMem(av);
            long maxSys = as.load64(av + MallocState.MAX_SYSTEM_MEM);
            totalSystem += sys;
            totalMaxSystem += maxSys;
            sb.append("</sizes>\n<total type=\"fast\" count=\"")
                    .append(u(nfastblocks))
                    .append("\" size=\"")
                    .append(u(fastavail))
                    .append("\"/>\n<total type=\"rest\" count=\"")
                    .append(u(nblocks))
                    .append("\" size=\"")
                    .append(u(avail))
                    .append("\"/>\n<system type=\"current\" size=\"")
                    .append(u(sys))
                    .append("\"/>\n<system type=\"max\" size=\"")
                    .append(u(maxSys))
                    .append("\"/>\n");
            if (av != c.mainArena) {
                long heapSize = 0;
                long heapMprotect = 0;
                long heapCount = 0;
                for (long heap = HeapInfo.heapForPtr(c.top(av)); heap != 0; heap = as.load64(heap + HeapInfo.PREV)) {
                    heapSize += as.load64(heap + HeapInfo.SIZE);
                    heapMprotect += as.load64(heap + HeapInfo.MPROTECT_SIZE);
                    heapCount++;
                }
                sb.append("<aspace type=\"total\" size=\"")
                        .append(u(heapSize))
                        .append("\"/>\n<aspace type=\"mprotect\" size=\"")
                        .append(u(heapMprotect))
                        .append("\"/>\n<aspace type=\"subheaps\" size=\"")
                        .append(u(heapCount))
                        .append("\"/>\n");
                totalAspace += heapSize;
                totalAspaceMprotect += heapMprotect;
            } else {
                sb.append("<aspace type=\"total\" size=\"")
                        .append(u(sys))
                        .append("\"/>\n<aspace type=\"mprotect\" size=\"")
                        .append(u(sys))
                        .append("\"/>\n");
                totalAspace += sys;
                totalAspaceMprotect += sys;
            }
            sb.append("</heap>\n");
            av = as.load64(av + MallocState.NEXT);
        } while (av != c.mainArena);
        sb.append("<total type=\"fast\" count=\"")
                .append(u(totalNfast))
                .append("\" size=\"")
                .append(u(totalFastavail))
                .append("\"/>\n<total type=\"rest\" count=\"")
                .append(u(totalNblocks))
                .append("\" size=\"")
                .append(u(totalAvail))
                .append("\"/>\n<total type=\"mmap\" count=\"")
                .append(c.mpLoad32(MallocPar.N_MMAPS))
                .append("\" size=\"")
                .append(u(c.mpLoad(MallocPar.MMAPPED_MEM)))
                .append("\"/>\n<system type=\"current\" size=\"")
                .append(u(totalSystem))
                .append("\"/>\n<system type=\"max\" size=\"")
                .append(u(totalMaxSystem))
                .append("\"/>\n<aspace type=\"total\" size=\"")
                .append(u(totalAspace))
                .append("\"/>\n<aspace type=\"mprotect\" size=\"")
                .append(u(totalAspaceMprotect))
                .append("\"/>\n</malloc>\n");
        return sb.toString();
    }

    /**
     * Follows {@code mtrim}: consolidate, then MADV_DONTNEED the whole pages inside every free chunk
     * of the unsorted bin and of bins from bin_index(pagesize) up; then systrim the main arena.
     */
    static int mtrim(MallocContext c, long av, long pad) {
        AddressSpace as = c.as;
        IntFree.mallocConsolidate(c, av);
        long ps = MallocContext.PAGESIZE;
        int psindex = Chunk.binIndex(ps);
        long psm1 = ps - 1;
        int result = 0;
        for (int i = 1; i < Chunk.NBINS; i++) {
            if (i == 1 || i >= psindex) {
                long bin = MallocState.binAt(av, i);
                for (long p = Chunk.bk(as, bin); p != bin; p = Chunk.bk(as, p)) {
                    long size = Chunk.chunksize(as, p);
                    if (Long.compareUnsigned(size, psm1 + Chunk.STRUCT_SIZE) > 0) {
                        long paligned = (p + Chunk.STRUCT_SIZE + psm1) & ~psm1;
                        size -= paligned - p;
                        if (Long.compareUnsigned(size, psm1) > 0) {
                            as.madvise(paligned, size & ~psm1, Mman.MADV_DONTNEED);
                            result = 1;
                        }
                    }
                }
            }
        }
        return result | (av == c.mainArena ? SysMalloc.systrim(c, pad, av) : 0);
    }

    /** Follows {@code __malloc_trim}: mtrim every arena, main first. */
    static int mallocTrim(MallocContext c, long pad) {
        int result = 0;
        long av = c.mainArena;
        do {
            result |= mtrim(c, av, pad);
            av = c.as.load64(av + MallocState.NEXT);
        } while (av != c.mainArena);
        return result;
    }
}

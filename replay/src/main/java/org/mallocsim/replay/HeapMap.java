package org.mallocsim.replay;

import java.util.Arrays;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.ptmalloc.Chunk;
import org.mallocsim.allocator.ptmalloc.HeapWalk;
import org.mallocsim.allocator.ptmalloc.Ptmalloc;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.paging.Pte;

/**
 * The heap of the emulated process at one call, chunk by chunk, and where its resident bytes go.
 * For ptmalloc every chunk of every arena comes from {@link Ptmalloc#walkHeap} with the list that
 * holds it, and mmapped chunks from the live blocks; for any other policy the live blocks are the
 * chunks, and the rest of the break is shown as not in use.
 *
 * <pre>
 *  regions:  regionStart[r] .. regionEnd[r]   a heap (main, a thread arena's, the mmapped chunks, ...)
 *  chunk i:  address[i], size[i]              its bytes, header included
 *            state[i]                         a HeapWalk state, or OWN, MMAPPED, UNUSED
 *            call[i], asked[i]                the call that made a live block and the bytes it asked
 *                                             for (-1 and 0 when the chunk is no live block)
 *            region[i]                        the region holding it; chunks are in region order
 * </pre>
 *
 * Taken at most a few dozen times per replay; it allocates.
 */
public final class HeapMap {
    /** An in-use chunk that is no live block of the program: the allocator's own (tcache, arena). */
    public static final int OWN = 7;
    /** A live block in a chunk of its own mapping. */
    public static final int MMAPPED = 8;
    /** Bytes of the break no live block holds (policies whose chunks cannot be walked). */
    public static final int UNUSED = 9;
    /** The number of states. */
    public static final int STATES = UNUSED + 1;

    /** Resident-byte class: data the program asked for, in live blocks. */
    public static final int R_LIVE = 0;
    /** Resident-byte class: headers and padding of live blocks. */
    public static final int R_OVERHEAD = 1;
    /** Resident-byte class: free chunks in the tcache, fastbins and bins. */
    public static final int R_FREE = 2;
    /** Resident-byte class: top chunks, and unused break for other policies. */
    public static final int R_TOP = 3;
    /** Resident-byte class: chunks the allocator keeps for itself. */
    public static final int R_OWN = 4;

    static final int R_CLASSES = 5;

    private static final long PAGE = 4096;

    final long call;
    final long heapPages;
    final long rssPages;
    final long pageTableBytes;
    final long liveBytes;
    final long[] resident = new long[R_CLASSES];
    long[] regionStart = new long[4];
    long[] regionEnd = new long[4];
    String[] regionName = new String[4];
    int regions;
    long[] address = new long[1024];
    long[] size = new long[1024];
    byte[] state = new byte[1024];
    long[] callOf = new long[1024];
    long[] asked = new long[1024];
    int[] regionOf = new int[1024];
    int chunks;

    private final AddressSpace space;
    /** True when chunks start with a malloc header (ptmalloc): the data begins 16 bytes in. */
    private boolean chunkHeaders;

    private long cachedPage = -1;
    private boolean cachedPresent;

    static {
        if (HeapWalk.states() != OWN) {
            throw new ExceptionInInitializerError("HeapWalk's states changed: renumber HeapMap's");
        }
    }

    private HeapMap(AddressSpace space, long call, long heapPages, long liveBytes) {
        this.space = space;
        this.call = call;
        this.heapPages = heapPages;
        this.rssPages = space.rssPages();
        this.pageTableBytes = space.pageTableBytes();
        this.liveBytes = liveBytes;
    }

    /**
     * The heap after call {@code call} (0-based); {@code heapPages} is the allocator's mapped
     * pages. Null when the heap cannot be walked.
     */
    static HeapMap take(Allocator allocator, LiveBlocks blocks, long call, long heapPages) {
        HeapMap m = new HeapMap(allocator.addressSpace(), call, heapPages, blocks.bytes());
        try {
            if (allocator instanceof Ptmalloc) {
                m.chunkHeaders = true;
                m.walkPtmalloc((Ptmalloc) allocator, blocks);
            } else {
                m.fromBlocks(blocks);
            }
        } catch (RuntimeException e) {
            // a heap the program damaged can send the walk into unmapped memory: no map, and the
            // replay goes on as if none had been asked for (the walk only reads)
            return null;
        }
        return m;
    }

    private void walkPtmalloc(Ptmalloc pm, LiveBlocks blocks) {
        pm.walkHeap(new HeapWalk.Visitor() {
            @Override
            public void heap(long start, long end, boolean main) {
                region(start, end, main ? "main heap" : "thread heap");
            }

            @Override
            public void chunk(long chunk, long sz, int st) {
                if (st == HeapWalk.IN_USE) {
                    int slot = blocks.slotOfBlock(Chunk.chunk2mem(chunk));
                    if (slot == LiveBlocks.ABSENT) {
                        add(chunk, sz, OWN, -1, 0);
                    } else {
                        add(chunk, sz, HeapWalk.IN_USE, blocks.callAt(slot), blocks.sizeAt(slot));
                    }
                } else {
                    add(chunk, sz, st, -1, 0);
                }
            }
        });
        long[] mmapped = sortedBlocks(blocks);
        int n = 0;
        for (long mem : mmapped) {
            if (Chunk.isMmapped(space, Chunk.mem2chunk(mem))) {
                mmapped[n++] = mem;
            }
        }
        if (n > 0) {
            long first = Chunk.mem2chunk(mmapped[0]);
            long last = Chunk.mem2chunk(mmapped[n - 1]);
            region(first, last + Chunk.chunksize(space, last), "mmapped chunks");
            for (int i = 0; i < n; i++) {
                int slot = blocks.slotOfBlock(mmapped[i]);
                long p = Chunk.mem2chunk(mmapped[i]);
                add(p, Chunk.chunksize(space, p), MMAPPED, blocks.callAt(slot), blocks.sizeAt(slot));
            }
        }
    }

    /** Any policy: the live blocks, in the break and elsewhere; what lies between is unused. */
    private void fromBlocks(LiveBlocks blocks) {
        long[] sorted = sortedBlocks(blocks);
        long lo = space.startBrk();
        long hi = space.currentBrk();
        if (hi > lo) {
            region(lo, hi, "break");
            long at = lo;
            for (long p : sorted) {
                if (p >= lo && p < hi) {
                    int slot = blocks.slotOfBlock(p);
                    if (p > at) {
                        add(at, p - at, UNUSED, -1, 0);
                    }
                    long end = Math.min(hi, p + Math.max(1, blocks.sizeAt(slot)));
                    add(p, end - p, HeapWalk.IN_USE, blocks.callAt(slot), blocks.sizeAt(slot));
                    at = Math.max(at, end);
                }
            }
            if (at < hi) {
                add(at, hi - at, UNUSED, -1, 0);
            }
        }
        boolean any = false;
        for (long p : sorted) {
            if (p < lo || p >= hi) {
                int slot = blocks.slotOfBlock(p);
                long sz = Math.max(1, blocks.sizeAt(slot));
                if (!any) {
                    region(p, p, "outside the break");
                    any = true;
                }
                regionEnd[regions - 1] = Math.max(regionEnd[regions - 1], p + sz);
                add(p, sz, MMAPPED, blocks.callAt(slot), blocks.sizeAt(slot));
            }
        }
    }

    private static long[] sortedBlocks(LiveBlocks blocks) {
        long[] a = new long[blocks.count()];
        int n = 0;
        for (int i = 0; i < blocks.capacity(); i++) {
            if (blocks.blockAt(i) != 0) {
                a[n++] = blocks.blockAt(i);
            }
        }
        Arrays.sort(a, 0, n);
        return n == a.length ? a : Arrays.copyOf(a, n);
    }

    private void region(long start, long end, String name) {
        if (regions == regionStart.length) {
            regionStart = Arrays.copyOf(regionStart, regions * 2);
            regionEnd = Arrays.copyOf(regionEnd, regions * 2);
            regionName = Arrays.copyOf(regionName, regions * 2);
        }
        regionStart[regions] = start;
        regionEnd[regions] = end;
        regionName[regions] = name;
        regions++;
    }

    private void add(long p, long sz, int st, long madeBy, long askedFor) {
        if (chunks == address.length) {
            int cap = chunks * 2;
            address = Arrays.copyOf(address, cap);
            size = Arrays.copyOf(size, cap);
            state = Arrays.copyOf(state, cap);
            callOf = Arrays.copyOf(callOf, cap);
            asked = Arrays.copyOf(asked, cap);
            regionOf = Arrays.copyOf(regionOf, cap);
        }
        address[chunks] = p;
        size[chunks] = sz;
        state[chunks] = (byte) st;
        callOf[chunks] = madeBy;
        asked[chunks] = askedFor;
        regionOf[chunks] = regions - 1;
        chunks++;
        count(p, sz, st, askedFor);
    }

    /** Adds the chunk's resident bytes to their classes. */
    private void count(long p, long sz, int st, long askedFor) {
        switch (st) {
            case HeapWalk.IN_USE:
            case MMAPPED: {
                long data = chunkHeaders ? Chunk.chunk2mem(p) : p;
                long dataEnd = Math.min(p + sz, data + askedFor);
                if (data != p) {
                    resident[R_OVERHEAD] += resident(p, data);
                }
                resident[R_LIVE] += resident(data, dataEnd);
                resident[R_OVERHEAD] += resident(dataEnd, p + sz);
                break;
            }
            case HeapWalk.TOP:
            case UNUSED:
                resident[R_TOP] += resident(p, p + sz);
                break;
            case OWN:
                resident[R_OWN] += resident(p, p + sz);
                break;
            default:
                resident[R_FREE] += resident(p, p + sz);
                break;
        }
    }

    /** Bytes of [start, end) on resident pages. */
    private long resident(long start, long end) {
        long total = 0;
        for (long page = start & -PAGE; page < end; page += PAGE) {
            if (present(page)) {
                total += Math.min(end, page + PAGE) - Math.max(start, page);
            }
        }
        return total;
    }

    private boolean present(long page) {
        if (page != cachedPage) {
            cachedPage = page;
            cachedPresent = Pte.isPresent(space.pte(page));
        }
        return cachedPresent;
    }

    /** The call after which the map was taken (0-based). */
    public long call() {
        return call;
    }

    /** Resident bytes of a class ({@link #R_LIVE} ...). */
    public long resident(int rClass) {
        return resident[rClass];
    }

    /** Resident bytes outside every heap chunk: libraries, stack, the allocator's static data. */
    public long residentElsewhere() {
        long sum = 0;
        for (long r : resident) {
            sum += r;
        }
        return Math.max(0, rssPages * PAGE - sum);
    }

    /** Chunks in the map. */
    public int chunks() {
        return chunks;
    }

    /** Heap bytes when the map was taken: private writable memory the allocator had mapped. */
    public long heapBytes() {
        return heapPages * PAGE;
    }

    /** Resident bytes of the process then. */
    public long rssBytes() {
        return rssPages * PAGE;
    }

    /** Page-table bytes then (not part of RSS, as in Linux's VmPTE). */
    public long pageTableBytes() {
        return pageTableBytes;
    }

    /** Live bytes then. */
    public long liveBytes() {
        return liveBytes;
    }
}

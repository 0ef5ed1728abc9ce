package org.mallocsim.cli;

import java.util.function.LongConsumer;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.ptmalloc.Ptmalloc;
import org.mallocsim.replay.ReplayListener;
import org.mallocsim.traces.format.TraceEvent;

/**
 * Watches a replay for {@code mallocsim compare}: moves the progress bar and, at the first call
 * whose answers differ, draws the heap around the pointer in question while the allocator still
 * holds it as that call left it ({@link Ptmalloc#dumpHeapAround}).
 */
final class Divergence implements ReplayListener {
    /** Chunks drawn on either side of the diverging one. */
    static final int RADIUS = 4;

    private final LongConsumer progress;
    private String heap;
    private long pointer;

    Divergence(LongConsumer progress) {
        this.progress = progress;
    }

    @Override
    public void progress(long calls) {
        progress.accept(calls);
    }

    @Override
    public void firstMismatch(Allocator allocator, TraceEvent call, long result, long argument) {
        // The replay's own pointer shows where its heap went; a free has none, so its argument does.
        pointer = result != 0 ? result : argument;
        if (allocator instanceof Ptmalloc) {
            heap = ((Ptmalloc) allocator).dumpHeapAround(pointer, RADIUS);
        } else {
            heap = "(only the glibc policy draws its heap)\n";
        }
    }

    /** The heap picture at the first divergence, or null when every call matched. */
    String heap() {
        return heap;
    }

    /** The emulated pointer the picture is centred on (0 when the call had none). */
    long pointer() {
        return pointer;
    }
}

package org.mallocsim.allocator.ptmalloc.glibc;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.ptmalloc.Ptmalloc;

/**
 * Runs {@link Ptmalloc#checkHeap()} (glibc's do_check_malloc_state and the emulation's own walk of
 * every chunk, bin and tcache entry) on every process a test made, after the test, except those the
 * test corrupted on purpose or saw abort ({@link #corrupted}). A test that leaves a broken heap
 * behind fails even if its own assertions passed.
 */
final class HeapCheckAfterEach implements BeforeEachCallback, AfterEachCallback {
    private static final List<Ptmalloc> MADE = new ArrayList<>();
    private static final Map<Allocator, Boolean> CORRUPTED = new IdentityHashMap<>();

    /** Called by {@link GlibcTestProcess} for every process it makes. */
    static void made(Ptmalloc p) {
        MADE.add(p);
    }

    /** The test corrupted this process's heap, or it aborted: its heap is not checked. */
    static void corrupted(Allocator a) {
        CORRUPTED.put(a, Boolean.TRUE);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        MADE.clear();
        CORRUPTED.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            for (Ptmalloc p : MADE) {
                if (!CORRUPTED.containsKey(p)) {
                    p.checkHeap();
                }
            }
        } finally {
            MADE.clear();
            CORRUPTED.clear();
        }
    }
}

package org.mallocsim.allocator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mallocsim.allocator.bestfit.BestFit;
import org.mallocsim.allocator.buddy.Buddy;
import org.mallocsim.allocator.bump.BumpAllocator;
import org.mallocsim.allocator.firstfit.FirstFit;
import org.mallocsim.allocator.nextfit.NextFit;
import org.mallocsim.allocator.pages.PageAllocator;
import org.mallocsim.allocator.ptmalloc.Ptmalloc;
import org.mallocsim.allocator.ptmalloc.Tunables;
import org.mallocsim.allocator.segfit.SegregatedFit;
import org.mallocsim.allocator.tlsf.Tlsf;

/**
 * The allocation policies by name, as the command line and the replay engine choose them, and
 * as the contract suite ({@code AllocatorContractTest}) runs every one of them. Registering a
 * policy is one line in {@link #REGISTRY}'s initializer.
 */
public final class Allocators {
    private Allocators() {}

    private static final Map<String, AllocatorFactory> REGISTRY;

    static {
        Map<String, AllocatorFactory> m = new LinkedHashMap<>();
        m.put("bump", BumpAllocator::new);
        m.put("glibc", (space, options) -> new Ptmalloc(space, Tunables.fromEnvironment(options)));
        m.put("first-fit", FirstFit::new);
        m.put("next-fit", NextFit::new);
        m.put("best-fit", BestFit::new);
        m.put("segfit", SegregatedFit::new);
        m.put("tlsf", Tlsf::new);
        m.put("buddy", Buddy::new);
        m.put("pages", PageAllocator::new);
        REGISTRY = Collections.unmodifiableMap(m);
    }

    /** Every registered policy's name, in registration order. */
    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /** Whether {@code factory} is the one registered as {@code name}, not a caller's own. */
    public static boolean isRegistered(String name, AllocatorFactory factory) {
        return REGISTRY.get(name) == factory;
    }

    /**
     * The factory registered as {@code name}.
     *
     * @throws IllegalArgumentException naming the known policies when none has that name
     */
    public static AllocatorFactory factory(String name) {
        AllocatorFactory f = REGISTRY.get(name);
        if (f == null) {
            throw new IllegalArgumentException(
                    "no allocator named '" + name + "' (known: " + String.join(", ", REGISTRY.keySet()) + ")");
        }
        return f;
    }
}

package org.mallocsim.replay;

import java.util.Locale;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.traces.natives.NativeReplayer.Touch;

/**
 * How a replay writes into each new block ({@code --touch}), as the native replayer's
 * {@code touch()} ({@code native-traces/src/main/c/replay/main.c}) does, so that both replays
 * fault in the same pages: nothing, the first byte, one byte per page, or every byte.
 */
final class BlockTouch {
    private BlockTouch() {}

    /** Writes into the new block of {@code size} bytes at {@code p} as {@code mode} asks. */
    static void touch(AddressSpace space, Touch mode, long p, long size) {
        switch (mode) {
            case FIRST:
                if (size > 0) {
                    space.store8(p, 1);
                }
                break;
            case PAGE:
                for (long off = 0; Long.compareUnsigned(off, size) < 0; off += 4096) {
                    space.store8(p + off, 1);
                }
                break;
            case BYTE:
                space.fill(p, 0xa5, size);
                break;
            default:
                break;
        }
    }

    /** The mode as {@code mallocsim replay --touch} spells it. */
    static String name(Touch t) {
        switch (t) {
            case PAGE:
                return "pages";
            case BYTE:
                return "bytes";
            default:
                return t.name().toLowerCase(Locale.ROOT);
        }
    }
}

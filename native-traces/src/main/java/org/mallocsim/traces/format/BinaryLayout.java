package org.mallocsim.traces.format;

import org.mallocsim.allocator.ptmalloc.Chunk;

/**
 * Constants and shared arithmetic of the mrecb binary format, versions 1 and 2. The normative
 * description is docs/trace-format.md, "Binary format (mrecb)"; the record layout is:
 *
 * <pre>
 *  op byte
 *    7   6   5   4   3   2   1   0
 *  +---+---+---+---+---------------+
 *  | A | I | B | T |    opcode     |
 *  +---+---+---+---+---------------+
 *  record = op byte, [T: varint thread index (+ varint kernel tid when new)],
 *           I ? varint arg0, arg1, result, chunkword : the opcode's regular fields,
 *           [B: zz(brk - previous brk)]
 *  A (version 2, free and realloc only): the pointer argument is zz(pointer - P), not ref(pointer)
 *
 *  file   = 89 4d 52 45 43 42 0d 0a | 01 or 02 | header entries, 00 | records |
 *           00 | varint record count | 45 4e 44 4d 52 45 43 42
 * </pre>
 */
final class BinaryLayout {
    static final byte[] MAGIC = {(byte) 0x89, 'M', 'R', 'E', 'C', 'B', '\r', '\n'};
    static final byte[] END_MAGIC = {'E', 'N', 'D', 'M', 'R', 'E', 'C', 'B'};
    /** The version this writer makes: it names pointers by slot only, so version 1 says it all. */
    static final int VERSION = 1;
    /** The newest version a reader accepts; version 2 adds the A flag (what the recorder writes). */
    static final int MAX_VERSION = 2;

    static final int MAX_STRING = 1 << 20;

    static final int TAG_END = 0;
    static final int TAG_GLIBC = 1;
    static final int TAG_NPROCS = 2;
    static final int TAG_START_BRK = 3;
    static final int TAG_MAP = 4;
    static final int TAG_TUNABLES = 5;
    static final int TAG_KEY_VALUE = 6;
    static final int TAG_LINE = 7;
    static final int TAG_MREC_VERSION = 8;

    static final int FLAG_THREAD = 0x10;
    static final int FLAG_BRK = 0x20;
    static final int FLAG_IRREGULAR = 0x40;
    static final int FLAG_ADDRESS = 0x80;
    static final int OPCODE_MASK = 0x0f;

    static final int OP_END = 0;
    static final int OP_MALLOC = 1;
    static final int OP_CALLOC = 2;
    static final int OP_REALLOC = 3;
    static final int OP_FREE = 4;
    static final int OP_ALIGN_UNSPECIFIED = 5;
    static final int OP_VALLOC = 9;
    static final int OP_PVALLOC = 10;
    static final int OP_THREAD_START = 11;
    static final int OP_THREAD_EXIT = 12;
    static final int OP_FORK = 13;

    private BinaryLayout() {}

    /** The chunk size a request of {@code n} bytes predicts: the allocator's own request2size. */
    static long request2size(long n) {
        return Chunk.request2size(n);
    }

    static long zigzag(long d) {
        return (d << 1) ^ (d >> 63);
    }

    static long unzigzag(long z) {
        return (z >>> 1) ^ -(z & 1);
    }

    static int opcode(TraceEvent e) {
        switch (e.op) {
            case TraceEvent.MALLOC -> {
                return OP_MALLOC;
            }
            case TraceEvent.CALLOC -> {
                return OP_CALLOC;
            }
            case TraceEvent.REALLOC -> {
                return OP_REALLOC;
            }
            case TraceEvent.FREE -> {
                return OP_FREE;
            }
            case TraceEvent.MEMALIGN_FAMILY -> {
                return OP_ALIGN_UNSPECIFIED + (e.alignKind & 3);
            }
            case TraceEvent.VALLOC -> {
                return OP_VALLOC;
            }
            case TraceEvent.PVALLOC -> {
                return OP_PVALLOC;
            }
            case TraceEvent.THREAD_START -> {
                return OP_THREAD_START;
            }
            case TraceEvent.THREAD_EXIT -> {
                return OP_THREAD_EXIT;
            }
            case TraceEvent.FORK -> {
                return OP_FORK;
            }
            default -> throw new IllegalArgumentException("unknown op " + e.op);
        }
    }

    /** Sets {@code op} and {@code alignKind} from an opcode; false for reserved opcodes. */
    static boolean setOp(TraceEvent e, int opcode) {
        e.alignKind = TraceEvent.ALIGN_UNSPECIFIED;
        switch (opcode) {
            case OP_MALLOC -> {
                e.op = TraceEvent.MALLOC;
                return true;
            }
            case OP_CALLOC -> {
                e.op = TraceEvent.CALLOC;
                return true;
            }
            case OP_REALLOC -> {
                e.op = TraceEvent.REALLOC;
                return true;
            }
            case OP_FREE -> {
                e.op = TraceEvent.FREE;
                return true;
            }
            case 5, 6, 7, 8 -> {
                e.op = TraceEvent.MEMALIGN_FAMILY;
                e.alignKind = (byte) (opcode - OP_ALIGN_UNSPECIFIED);
                return true;
            }
            case OP_VALLOC -> {
                e.op = TraceEvent.VALLOC;
                return true;
            }
            case OP_PVALLOC -> {
                e.op = TraceEvent.PVALLOC;
                return true;
            }
            case OP_THREAD_START -> {
                e.op = TraceEvent.THREAD_START;
                return true;
            }
            case OP_THREAD_EXIT -> {
                e.op = TraceEvent.THREAD_EXIT;
                return true;
            }
            case OP_FORK -> {
                e.op = TraceEvent.FORK;
                return true;
            }
            default -> {
                return false;
            }
        }
    }
}

package org.mallocsim.allocator;

/**
 * glibc's {@code malloc_printerr}: the allocator found its heap corrupted, printed a message and
 * called {@code abort()}, so the emulated process dies of SIGABRT. The message is glibc's, byte for
 * byte (e.g. {@code free(): double free detected in tcache 2}); what the real process prints on
 * stderr is {@link #stderrLine()}.
 */
public final class MallocAbort extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String glibcMessage;

    public MallocAbort(String glibcMessage) {
        super(glibcMessage, null, false, false);
        this.glibcMessage = glibcMessage;
    }

    /** glibc's message, without the trailing newline. */
    public String glibcMessage() {
        return glibcMessage;
    }

    /** The line the process writes to stderr before it dies: the message and a newline. */
    public String stderrLine() {
        return glibcMessage + "\n";
    }
}

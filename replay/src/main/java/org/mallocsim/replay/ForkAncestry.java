package org.mallocsim.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.mallocsim.traces.format.TraceEvent;
import org.mallocsim.traces.format.TraceHeader;
import org.mallocsim.traces.format.TraceReader;
import org.mallocsim.traces.format.Traces;

/**
 * Where a forked child's heap comes from. A child starts with a copy of its parent's memory, so
 * its trace ({@code # forked-from PID}) only replays faithfully on top of the parent's calls up
 * to the fork. The recorder writes the child's trace beside the program's as {@code FILE.CHILDPID}
 * and the parent's as {@code FILE} (the program itself), {@code FILE.PID} (a forked child) or
 * {@code FILE.PID.execN} (a program it exec'd); the parent's trace holds the fork as an event
 * {@code TID k CHILDPID}. A parent may itself be a forked child, so the ancestry is a chain.
 */
final class ForkAncestry {
    /** The header line of a forked child's trace. */
    static final String FORKED_FROM = "forked-from ";
    /** Deeper chains than this are taken for a loop (a recycled pid). */
    private static final int MAX_DEPTH = 64;

    private static final Pattern CHILD_NAME = Pattern.compile("(.+)\\.(\\d+)");
    private static final Pattern EXEC_NAME = Pattern.compile(".+\\.\\d+\\.exec\\d+");

    /**
     * One ancestor: replay {@code trace} up to its fork event of {@code childPid}.
     *
     * @param trace the ancestor's trace
     * @param childPid the pid of the child whose fork ends the prefix
     */
    record Step(Path trace, int childPid) {}

    private ForkAncestry() {}

    /**
     * Whether {@code trace} continues a parent's heap: its header says it was forked, and it is
     * not a program the child exec'd ({@code FILE.PID.execN}), which starts from a fresh image
     * even when the recorder noted the fork it came from.
     */
    static boolean continuesParent(Path trace, TraceHeader header) {
        return forkedFrom(header) != 0
                && !EXEC_NAME.matcher(trace.getFileName().toString()).matches();
    }

    /** The parent pid a trace's header names, or 0 when it was not written by a forked child. */
    static int forkedFrom(TraceHeader header) {
        for (String line : header.otherLines) {
            if (line.startsWith(FORKED_FROM)) {
                try {
                    return Integer.parseInt(line.substring(FORKED_FROM.length()).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /**
     * The ancestors of the forked child whose trace is {@code child}, oldest first: the first
     * step's trace was not forked and starts the process.
     *
     * @throws IOException naming the child's trace when an ancestor's trace is missing, holds no
     *     fork of the child, or cannot be read
     */
    static List<Step> of(Path child, TraceHeader header, boolean lenient) throws IOException {
        List<Step> chain = new ArrayList<>();
        Path current = child;
        int parentPid = forkedFrom(header);
        while (parentPid != 0) {
            if (chain.size() == MAX_DEPTH) {
                throw new IOException(child + ": more than " + MAX_DEPTH + " forked ancestors (a recycled pid?)");
            }
            Matcher m = CHILD_NAME.matcher(current.getFileName().toString());
            if (!m.matches()) {
                throw new IOException(child + ": forked from pid " + parentPid + ", but " + current.getFileName()
                        + " is not named FILE.PID as the recorder names a child's trace, so its parent's is unknown");
            }
            String stem = m.group(1);
            int childPid = Integer.parseInt(m.group(2));
            Path dir = current.toAbsolutePath().getParent();
            Path parent = findParent(dir, stem, parentPid, childPid, lenient);
            if (parent == null) {
                throw new IOException(child + ": forked from pid " + parentPid + ", whose trace (" + stem + ", "
                        + stem + "." + parentPid + " or " + stem + "." + parentPid
                        + ".execN beside it, with the fork event) is missing; a forked child's heap starts as its"
                        + " parent's, so it cannot be replayed alone");
            }
            chain.add(0, new Step(parent, childPid));
            current = parent;
            try (TraceReader r = Traces.open(parent, lenient)) {
                parentPid = continuesParent(parent, r.header()) ? forkedFrom(r.header()) : 0;
            }
        }
        return chain;
    }

    /** The trace among the parent's candidates that holds the fork of {@code childPid}, or null. */
    private static Path findParent(Path dir, String stem, int parentPid, int childPid, boolean lenient)
            throws IOException {
        List<Path> candidates = new ArrayList<>();
        candidates.add(dir.resolve(stem + "." + parentPid));
        String execPrefix = stem + "." + parentPid + ".exec";
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().startsWith(execPrefix))
                    .sorted()
                    .forEach(candidates::add);
        }
        candidates.add(dir.resolve(stem));
        for (Path p : candidates) {
            if (Files.isRegularFile(p) && holdsFork(p, childPid, lenient)) {
                return p;
            }
        }
        return null;
    }

    private static boolean holdsFork(Path trace, int childPid, boolean lenient) throws IOException {
        try (TraceReader r = Traces.open(trace, lenient)) {
            TraceEvent e = new TraceEvent();
            while (r.next(e)) {
                if (e.op == TraceEvent.FORK && e.arg0 == childPid) {
                    return true;
                }
            }
        }
        return false;
    }
}

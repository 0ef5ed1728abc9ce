package org.mallocsim.cli.shell;

/**
 * The parts of /proc/self files a shell line can ask for ({@code smaps(a)}, {@code smaps(VmFlags)},
 * {@code status(VmExe)}): what a script can compare with a real process, whose other mappings
 * and counters hold pages the emulator cannot know.
 */
final class ProcText {
    private ProcText() {}

    /** The smaps entry (header line to VmFlags) of the mapping that holds {@code addr}; empty when none does. */
    static String smapsEntry(String smaps, long addr) {
        StringBuilder entry = new StringBuilder();
        boolean in = false;
        for (String line : smaps.split("\n")) {
            if (isSmapsHeader(line)) {
                int dash = line.indexOf('-');
                int space = line.indexOf(' ');
                long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                in = Long.compareUnsigned(addr, start) >= 0 && Long.compareUnsigned(addr, end) < 0;
            }
            if (in) {
                entry.append(line).append('\n');
            }
        }
        return entry.toString();
    }

    /** The status line of {@code field} (with its newline); empty when there is none. */
    static String statusLine(String status, String field) {
        for (String line : status.split("\n")) {
            if (line.startsWith(field + ":")) {
                return line + "\n";
            }
        }
        return "";
    }

    /** Each smaps entry's header line followed by its {@code field} line. */
    static String smapsField(String smaps, String field) {
        StringBuilder sb = new StringBuilder();
        for (String line : smaps.split("\n")) {
            if (isSmapsHeader(line) || line.startsWith(field + ":")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    private static boolean isSmapsHeader(String line) {
        int dash = line.indexOf('-');
        int space = line.indexOf(' ');
        return dash > 0 && space > dash && Character.digit(line.charAt(0), 16) >= 0 && line.indexOf(':') > space;
    }
}

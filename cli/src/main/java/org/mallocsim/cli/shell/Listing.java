package org.mallocsim.cli.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A recorded process to start from: bare /proc/PID/maps lines, or a trace header
 * ({@code # mrec 1 ... start-brk 0x...} and {@code # map ...} lines), or what {@code --native}
 * prints ({@code # start-brk 0x...} and {@code # map ...}).
 *
 * @param maps     the maps lines
 * @param startBrk the program break at the start, 0 when the listing does not say
 */
record Listing(List<String> maps, long startBrk) {

    static Listing read(Path file) throws IOException {
        return parse(Files.readAllLines(file));
    }

    static Listing parse(List<String> lines) {
        List<String> maps = new ArrayList<>();
        long brk = 0;
        for (String line : lines) {
            String l = line.strip();
            if (l.startsWith("# map ")) {
                maps.add(line.substring(line.indexOf("# map ") + 6));
            } else if (l.startsWith("#")) {
                String[] f = l.split("\\s+");
                for (int i = 0; i + 1 < f.length; i++) {
                    if (f[i].equals("start-brk") && f[i + 1].startsWith("0x")) {
                        brk = Long.parseUnsignedLong(f[i + 1].substring(2), 16);
                    }
                }
            } else if (!l.isEmpty() && Character.digit(l.charAt(0), 16) >= 0 && l.contains("-")) {
                maps.add(line);
            } else if (!l.isEmpty()) {
                break; // the trace's calls begin
            }
        }
        return new Listing(maps, brk);
    }
}

package org.mallocsim.cli.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mallocsim.kernel.mm.KernelConfig;
import org.mallocsim.kernel.mm.ThpMode;

/**
 * A recorded process to start from: bare /proc/PID/maps lines, or a trace header
 * ({@code # mrec 1 ... start-brk 0x...} and {@code # map ...} lines), or what {@code --native}
 * prints ({@code # start-brk 0x...}, {@code # kernel ...} and {@code # map ...}).
 *
 * <p>The {@code # kernel} line carries the machine's settings that a process's answers depend on
 * but that no process can learn from its own calls ({@code thp-enabled always|madvise|never},
 * {@code pku 0|1}, {@code zero-page 0|1}); an emulated run takes them as its configuration.
 *
 * @param maps     the maps lines
 * @param startBrk the program break at the start, 0 when the listing does not say
 * @param kernel   the {@code # kernel} line's settings, name to value; empty when there is none
 */
record Listing(List<String> maps, long startBrk, Map<String, String> kernel) {

    static Listing read(Path file) throws IOException {
        return parse(Files.readAllLines(file));
    }

    static Listing parse(List<String> lines) {
        List<String> maps = new ArrayList<>();
        long brk = 0;
        Map<String, String> kernel = new LinkedHashMap<>();
        for (String line : lines) {
            String l = line.strip();
            if (l.startsWith("# map ")) {
                maps.add(line.substring(line.indexOf("# map ") + 6));
            } else if (l.startsWith("# kernel ")) {
                String[] f = l.substring(9).strip().split("\\s+");
                for (int i = 0; i + 1 < f.length; i += 2) {
                    kernel.put(f[i], f[i + 1]);
                }
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
        return new Listing(maps, brk, kernel);
    }

    /** {@code b} with the settings this listing records applied; the others stay as they were. */
    KernelConfig.Builder configure(KernelConfig.Builder b) {
        String thp = kernel.get("thp-enabled");
        if (thp != null) {
            b.thpEnabled(ThpMode.of(thp));
        }
        if (kernel.containsKey("pku")) {
            b.pku(kernel.get("pku").equals("1"));
        }
        if ("0".equals(kernel.get("zero-page"))) {
            b.zeroPage(false);
        }
        return b;
    }
}

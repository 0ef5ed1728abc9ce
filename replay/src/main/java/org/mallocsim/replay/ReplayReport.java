package org.mallocsim.replay;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import org.mallocsim.allocator.ptmalloc.HeapWalk;
import org.mallocsim.kernel.mm.SyscallKind;
import org.mallocsim.traces.io.Json;
import org.mallocsim.traces.io.OutputFile;

/**
 * A replay as one self-contained HTML page that opens offline in any browser: the summary, charts
 * of RSS, VM size, heap size and live bytes over the calls with the syscalls on the same axis
 * (drawn with uPlot, vendored in this jar as {@code report/uPlot.iife.min.js}, MIT), and the heap
 * maps at the heap's largest and at the end. The page is {@code report/report.html} with the
 * styles, scripts and the replay's data (one JSON object) put in its place-holders.
 *
 * <p>The data keeps the page small whatever the trace: every call's values are varint-coded
 * change points and deltas, gzip-compressed ({@link CallSeries}; bash's 2.26 M calls take about
 * 2 MB), which the page inflates and draws with the minimum and maximum per pixel column at any
 * zoom; a heap map of more than {@value #MAX_CHUNKS} chunks merges neighbours of one state into runs.
 */
public final class ReplayReport {
    /** Chunks a heap map keeps one by one; beyond, runs of one state are merged. */
    static final int MAX_CHUNKS = 60_000;

    private static final String RESOURCES = "report/";
    private static final String DATA = "/*@DATA@*/";
    private static final char[] STATE_CODES = "uTFSLUPOMx".toCharArray();

    private ReplayReport() {}

    /**
     * Writes the report of {@code r} to {@code target} through {@link OutputFile} (temporary file,
     * then rename), refusing to write over {@code input}.
     *
     * @throws IOException naming the file and the reason
     */
    public static void write(ReplayResult r, Path target, Path input) throws IOException {
        try (OutputFile f = OutputFile.create(target, input)) {
            OutputStream out = new BufferedOutputStream(f.open(), 1 << 16);
            String page = page(r);
            int at = page.lastIndexOf(DATA); // the script's: a trace's name may hold the same text
            out.write(page.substring(0, at).getBytes(StandardCharsets.UTF_8));
            writeData(r, MAX_CHUNKS, out); // streamed: a long trace's series never becomes a String
            out.write(page.substring(at + DATA.length()).getBytes(StandardCharsets.UTF_8));
            out.flush();
            f.commit();
        }
    }

    /** The page as text. */
    public static String render(ReplayResult r) throws IOException {
        String page = page(r);
        int at = page.lastIndexOf(DATA);
        return page.substring(0, at) + data(r) + page.substring(at + DATA.length());
    }

    /** The page with everything but the data in place. */
    private static String page(ReplayResult r) throws IOException {
        String page = resource("report.html");
        String title = "mallocsim replay of " + r.traceName() + " with " + r.allocator();
        return page.replace("@TITLE@", html(title))
                .replace("/*@UPLOT_CSS@*/", resource("uPlot.min.css"))
                .replace("/*@REPORT_CSS@*/", resource("report.css"))
                .replace("@SUMMARY@", summary(r))
                .replace("/*@UPLOT_JS@*/", resource("uPlot.iife.min.js"))
                .replace("/*@REPORT_JS@*/", resource("report.js"));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ReplayReport.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("the report's resource " + name + " is missing from the jar");
            }
            // "</script" cannot occur inside an inline script; uPlot's minified text has none
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The summary: the text report's lines, as a preformatted block. */
    private static String summary(ReplayResult r) {
        return "<pre class=\"summary\">" + html(ReplayText.render(r)) + "</pre>";
    }

    /** The data the page's script draws, as one JSON object. */
    static String data(ReplayResult r) throws IOException {
        return data(r, MAX_CHUNKS);
    }

    /** The same, merging a map of more than {@code maxChunks} chunks into runs. */
    static String data(ReplayResult r, int maxChunks) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        writeData(r, maxChunks, b);
        return b.toString(StandardCharsets.UTF_8);
    }

    /** Writes the data as one JSON object, the series last and streamed from its compressed bytes. */
    private static void writeData(ReplayResult r, int maxChunks, OutputStream out) throws IOException {
        out.write(dataHead(r, maxChunks).getBytes(StandardCharsets.UTF_8));
        ReplayProfile p = r.profile();
        if (p != null && p.series() != null) {
            series(p.series(), out);
        }
        out.write('}');
    }

    /** The data without the series and the closing brace. */
    private static String dataHead(ReplayResult r, int maxChunks) {
        StringBuilder sb = new StringBuilder(1 << 20);
        ReplayProfile p = r.profile();
        sb.append("{\"trace\":").append(Json.str(r.traceName()));
        sb.append(",\"allocator\":").append(Json.str(r.allocator()));
        sb.append(",\"calls\":").append(r.calls());
        if (r.death() != null) {
            sb.append(",\"death\":{\"call\":")
                    .append(r.death().call())
                    .append(",\"what\":")
                    .append(Json.str(r.death().describe()))
                    .append('}');
        }
        if (p != null) {
            sb.append(",\"maps\":[");
            boolean first = true;
            if (p.largestHeap() != null) {
                map(sb, p.largestHeap(), "at its largest", maxChunks);
                first = false;
            }
            if (p.finalHeap() != null) {
                if (!first) {
                    sb.append(',');
                }
                map(sb, p.finalHeap(), "at the end", maxChunks);
            }
            sb.append(']');
        }
        return sb.toString().replace("</", "<\\/");
    }

    /**
     * Every call's values ({@link CallSeries}): each stream a gzip member in base64, which the page
     * inflates with {@code DecompressionStream} and draws at any zoom, down to single calls.
     */
    private static void series(CallSeries s, OutputStream out) throws IOException {
        StringBuilder sb =
                new StringBuilder(",\"series\":{\"calls\":").append(s.calls()).append(",\"kinds\":[");
        SyscallKind[] kinds = SyscallKind.values();
        for (int k = 0; k < kinds.length; k++) {
            sb.append(k == 0 ? "\"" : ",\"")
                    .append(kinds[k].name().toLowerCase(Locale.ROOT))
                    .append('"');
        }
        out.write(sb.append(']').toString().getBytes(StandardCharsets.US_ASCII));
        String[] names = {"rss", "vm", "heap", "live", "sys"};
        for (int i = 0; i < CallSeries.STREAMS; i++) {
            out.write((",\"" + names[i] + "\":\"").getBytes(StandardCharsets.US_ASCII));
            OutputStream b64 = Base64.getEncoder().wrap(new KeepOpen(out));
            s.writeGzip(i, b64);
            b64.close(); // writes the padding; the page stays open
            out.write('"');
        }
        out.write('}');
    }

    /** Passes writes through and ignores close, so the base64 encoder's close ends only its own text. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() {}
    }

    /**
     * One heap map: its regions, and per chunk (columns) the gap since the previous chunk's end,
     * size, state code, the making call + 1 (0: none) and the bytes asked for; merged runs add
     * a column of chunk counts.
     */
    private static void map(StringBuilder sb, HeapMap m, String when, int maxChunks) {
        int k = Math.max(1, (m.chunks + maxChunks - 1) / maxChunks);
        sb.append("{\"when\":").append(Json.str(when)).append(",\"atCall\":").append(m.call() + 1);
        sb.append(",\"heap\":").append(m.heapBytes()).append(",\"rss\":").append(m.rssBytes());
        sb.append(",\"live\":").append(m.liveBytes()).append(",\"pageTables\":").append(m.pageTableBytes());
        sb.append(",\"resident\":{\"live data\":")
                .append(m.resident(HeapMap.R_LIVE))
                .append(",\"headers and padding\":")
                .append(m.resident(HeapMap.R_OVERHEAD))
                .append(",\"free chunks\":")
                .append(m.resident(HeapMap.R_FREE))
                .append(",\"top and unused\":")
                .append(m.resident(HeapMap.R_TOP))
                .append(",\"allocator's own\":")
                .append(m.resident(HeapMap.R_OWN))
                .append(",\"elsewhere\":")
                .append(m.residentElsewhere())
                .append('}');
        sb.append(",\"regions\":[");
        for (int r = 0; r < m.regions; r++) {
            sb.append(r == 0 ? "" : ",")
                    .append("{\"name\":")
                    .append(Json.str(m.regionName[r]))
                    .append(",\"start\":\"")
                    .append(Long.toHexString(m.regionStart[r]))
                    .append("\",\"size\":")
                    .append(m.regionEnd[r] - m.regionStart[r])
                    .append('}');
        }
        sb.append("],\"merged\":").append(k);
        StringBuilder gap = new StringBuilder();
        StringBuilder size = new StringBuilder();
        StringBuilder state = new StringBuilder();
        StringBuilder call = new StringBuilder();
        StringBuilder asked = new StringBuilder();
        StringBuilder count = new StringBuilder();
        StringBuilder region = new StringBuilder();
        int lastRegion = -1;
        long end = 0;
        int i = 0;
        boolean firstRun = true;
        while (i < m.chunks) {
            int j = i + 1;
            long runSize = m.size[i];
            long runAsked = m.asked[i];
            while (j < m.chunks
                    && j - i < k
                    && m.state[j] == m.state[i]
                    && m.regionOf[j] == m.regionOf[i]
                    && m.address[j] == m.address[j - 1] + m.size[j - 1]) {
                runSize += m.size[j];
                runAsked += m.asked[j];
                j++;
            }
            int r = m.regionOf[i];
            if (r != lastRegion) {
                end = m.regionStart[r];
                lastRegion = r;
            }
            String sep = firstRun ? "" : ",";
            firstRun = false;
            region.append(sep).append(r);
            gap.append(sep).append(m.address[i] - end);
            size.append(sep).append(runSize);
            state.append(STATE_CODES[m.state[i]]);
            call.append(sep).append(m.callOf[i] + 1);
            asked.append(sep).append(runAsked);
            count.append(sep).append(j - i);
            end = m.address[i] + runSize;
            i = j;
        }
        sb.append(",\"region\":[")
                .append(region)
                .append("],\"gap\":[")
                .append(gap)
                .append("],\"size\":[")
                .append(size)
                .append("],\"state\":\"")
                .append(state)
                .append("\",\"call\":[")
                .append(call)
                .append("],\"asked\":[")
                .append(asked)
                .append(']');
        if (k > 1) {
            sb.append(",\"count\":[").append(count).append(']');
        }
        sb.append(",\"states\":[");
        for (int s = 0; s < HeapMap.STATES; s++) {
            sb.append(s == 0 ? "" : ",").append(Json.str(stateName(s)));
        }
        sb.append("]}");
    }

    /** A map state's name, as the legend shows it. */
    static String stateName(int s) {
        switch (s) {
            case HeapMap.OWN:
                return "allocator's own";
            case HeapMap.MMAPPED:
                return "mmapped";
            case HeapMap.UNUSED:
                return "unused";
            default:
                return HeapWalk.stateName(s);
        }
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

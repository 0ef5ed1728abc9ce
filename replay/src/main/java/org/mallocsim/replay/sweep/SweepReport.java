package org.mallocsim.replay.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A sweep as one self-contained HTML page: a bar chart per metric (one bar per policy and
 * tunables, grouped by trace) and, per trace, every policy's RSS over the calls on one axis.
 * Plain inline SVG, no script and nothing fetched, so the page opens anywhere and can be
 * archived with a build.
 */
public final class SweepReport {
    private SweepReport() {}

    private static final String[] COLOURS = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
    };
    private static final int WIDTH = 760;

    private record Metric(String title, String unit, ToDoubleFunction<SweepRow> value) {}

    private static final Metric[] METRICS = {
        new Metric("Peak RSS", "MiB", r -> r.peakRssBytes() / 1048576.0),
        new Metric("Fragmentation at peak live (J&W #2)", "%", SweepRow::fragPeakLivePct),
        new Metric("Fragmentation at peak heap (J&W #3)", "%", SweepRow::fragPeakHeapPct),
        new Metric("Syscalls (brk, mmap, munmap, mprotect, mremap, madvise)", "calls", r -> r.totalSyscalls()),
        new Metric("Final RSS", "MiB", r -> r.finalRssBytes() / 1048576.0),
        new Metric("Peak VM", "MiB", r -> r.peakVmBytes() / 1048576.0),
        new Metric("Heap at peak live", "MiB", r -> r.heapAtPeakLive() / 1048576.0),
        new Metric("Minor page faults", "faults", r -> r.minorFaults()),
    };

    /** The page for {@code rows}; {@code timing} adds a bar chart of ns per call. */
    public static String render(List<SweepRow> rows, boolean timing) {
        Map<String, Integer> colour = new LinkedHashMap<>();
        for (SweepRow r : rows) {
            colour.putIfAbsent(r.label(), colour.size() % COLOURS.length);
        }
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mallocsim sweep</title>\n")
                .append(
                        "<style>body{font:14px sans-serif;margin:20px;max-width:1600px}h2{font-size:16px;margin:18px 0 4px}")
                .append("svg{background:#fafafa;border:1px solid #ddd;margin:4px}text{font:11px sans-serif}")
                .append(".charts{display:flex;flex-wrap:wrap}.key span{display:inline-block;margin-right:14px}")
                .append(
                        ".key i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}</style>")
                .append("</head><body>\n<h1>mallocsim sweep</h1>\n<div class=\"key\">");
        for (Map.Entry<String, Integer> e : colour.entrySet()) {
            sb.append("<span><i style=\"background:")
                    .append(COLOURS[e.getValue()])
                    .append("\"></i>")
                    .append(html(e.getKey()))
                    .append("</span>");
        }
        sb.append("</div>\n<h2>RSS over the calls, per trace</h2>\n<div class=\"charts\">\n");
        for (Map.Entry<String, List<SweepRow>> e : byTrace(rows).entrySet()) {
            rssChart(sb, e.getKey(), e.getValue(), colour);
        }
        sb.append("</div>\n<h2>Metrics</h2>\n<div class=\"charts\">\n");
        for (Metric m : METRICS) {
            bars(sb, m, rows, colour);
        }
        if (timing) {
            bars(sb, new Metric("Time per call (this machine)", "ns", SweepRow::nsPerCall), rows, colour);
        }
        sb.append("</div>\n<h2>Table</h2>\n<pre>")
                .append(html(SweepTables.text(rows, timing)))
                .append("</pre>\n</body></html>\n");
        return sb.toString();
    }

    /**
     * One metric's bar chart alone on a page, coloured as {@link #render} colours it: what the
     * browser test measures bar by bar.
     *
     * @param title a metric's title as the report prints it
     */
    static String barsPage(String title, List<SweepRow> rows) {
        Map<String, Integer> colour = new LinkedHashMap<>();
        for (SweepRow r : rows) {
            colour.putIfAbsent(r.label(), colour.size() % COLOURS.length);
        }
        for (Metric m : METRICS) {
            if (m.title().equals(title)) {
                StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><style>")
                        .append("body{margin:0}text{font:11px sans-serif}</style></head><body>");
                bars(sb, m, rows, colour);
                return sb.append("</body></html>\n").toString();
            }
        }
        throw new IllegalArgumentException("no metric " + title);
    }

    /** The colour {@link #render} gives the {@code i}-th distinct label, as 0xRRGGBB. */
    static int colour(int i) {
        return Integer.parseInt(COLOURS[i % COLOURS.length].substring(1), 16);
    }

    private static Map<String, List<SweepRow>> byTrace(List<SweepRow> rows) {
        Map<String, List<SweepRow>> m = new LinkedHashMap<>();
        for (SweepRow r : rows) {
            m.computeIfAbsent(r.trace(), k -> new ArrayList<>()).add(r);
        }
        return m;
    }

    /**
     * Horizontal bars, one per row, grouped by trace. When the largest value is over
     * {@link #LOG_RATIO} times the smallest positive one (buddy's fragmentation at peak heap is
     * millions of percent where the others are tens, bump's brk calls thousands where the others
     * are a handful), the axis is logarithmic, from the decade below the smallest value, with a
     * line at every decade: on a linear axis every other bar would be a pixel wide.
     */
    private static void bars(StringBuilder sb, Metric m, List<SweepRow> rows, Map<String, Integer> colour) {
        int barH = 12;
        int left = 150;
        int right = 70;
        Map<String, List<SweepRow>> groups = byTrace(rows);
        double max = 0;
        double minPositive = Double.MAX_VALUE;
        for (SweepRow r : rows) {
            double v = m.value().applyAsDouble(r);
            max = Math.max(max, v);
            if (v > 0) {
                minPositive = Math.min(minPositive, v);
            }
        }
        boolean log = max > 0 && max > LOG_RATIO * minPositive;
        // the decade below the smallest value, so that value's bar still shows
        double lo = log ? Math.pow(10, Math.ceil(Math.log10(minPositive)) - 1) : 0;
        int w = WIDTH / 2 - 10;
        double plotW = w - left - right;
        int h = 30 + rows.size() * (barH + 2) + groups.size() * 8 + (log ? 14 : 0);
        sb.append(String.format(
                Locale.ROOT,
                "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\"><text x=\"6\" y=\"16\" "
                        + "font-weight=\"bold\">%s (%s%s)</text>\n",
                w,
                h,
                w,
                h,
                html(m.title()),
                html(m.unit()),
                log ? ", log scale" : ""));
        if (log) {
            for (double d = lo; d <= max * 1.0001; d *= 10) {
                double x = left + barLength(d, lo, max, true, plotW);
                sb.append(String.format(
                        Locale.ROOT,
                        "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"24\" y2=\"%d\" stroke=\"#ddd\"/>"
                                + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#777\">%s</text>\n",
                        x,
                        x,
                        h - 16,
                        x,
                        h - 4,
                        decade(d)));
            }
        }
        int y = 28;
        for (Map.Entry<String, List<SweepRow>> g : groups.entrySet()) {
            for (SweepRow r : g.getValue()) {
                double v = m.value().applyAsDouble(r);
                double len = barLength(v, lo, max, log, plotW);
                sb.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
                                + "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s %s: %s</title></rect>"
                                + "<text x=\"%.1f\" y=\"%d\">%s</text>\n",
                        left - 4,
                        y + barH - 2,
                        html(shorten(traceName(r.trace()) + " " + r.label(), 26)),
                        left,
                        y,
                        len,
                        barH,
                        COLOURS[colour.get(r.label())],
                        html(r.trace()),
                        html(r.label()),
                        number(v),
                        left + len + 3,
                        y + barH - 2,
                        number(v)));
                y += barH + 2;
            }
            y += 8;
        }
        sb.append("</svg>\n");
    }

    /** Above this ratio of the largest to the smallest positive value, a bar chart's axis is logarithmic. */
    static final double LOG_RATIO = 100;

    /** A bar's length for {@code v} on an axis from {@code lo} (log) or 0 (linear) to {@code max}. */
    private static double barLength(double v, double lo, double max, boolean log, double plotW) {
        if (v <= 0 || max <= 0) {
            return 0;
        }
        if (!log) {
            return plotW * v / max;
        }
        return plotW * Math.max(0, Math.log10(v / lo)) / Math.log10(max / lo);
    }

    /** A decade's label: 0.01, 0.1, 1, 10, 100, 1k, 10k, ... 1G. */
    private static String decade(double d) {
        String[] suffix = {"", "k", "M", "G", "T"};
        if (d < 1) {
            return String.format(Locale.ROOT, "%s", Double.toString(d).replaceAll("0+$", ""));
        }
        int k = 0;
        while (d >= 1000 && k < suffix.length - 1) {
            d /= 1000;
            k++;
        }
        return String.format(Locale.ROOT, "%.0f%s", d, suffix[k]);
    }

    /** Every row of one trace as a line of RSS against calls, on shared axes. */
    private static void rssChart(StringBuilder sb, String trace, List<SweepRow> rows, Map<String, Integer> colour) {
        int w = WIDTH / 2 - 10;
        int h = 220;
        int left = 50;
        int bottom = 30;
        int top = 24;
        double maxCalls = 1;
        double maxMib = 0;
        double smallestPeak = Double.MAX_VALUE;
        for (SweepRow r : rows) {
            maxCalls = Math.max(maxCalls, r.calls());
            double peak = 0;
            for (long p : r.rssPages()) {
                peak = Math.max(peak, p * 4096 / 1048576.0);
            }
            maxMib = Math.max(maxMib, peak);
            if (peak > 0) {
                smallestPeak = Math.min(smallestPeak, peak);
            }
        }
        // bump's RSS is tens to hundreds of times the others': on a linear axis they would lie flat
        boolean log = maxMib > RSS_LOG_RATIO * smallestPeak;
        double lo = log ? Math.pow(10, Math.ceil(Math.log10(smallestPeak)) - 1) : 0;
        maxMib = maxMib <= 0 ? 1 : log ? maxMib * 1.2 : maxMib * 1.05;
        sb.append(String.format(
                Locale.ROOT,
                "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\"><text x=\"6\" y=\"16\" "
                        + "font-weight=\"bold\">%s: RSS (MiB%s) over calls</text>\n",
                w,
                h,
                w,
                h,
                html(trace),
                log ? ", log scale" : ""));
        double plotW = w - left - 10;
        double plotH = h - top - bottom;
        if (log) {
            for (double d = lo; d <= maxMib; d *= 10) {
                gridLine(sb, left, plotW, top + plotH - plotH * Math.log10(d / lo) / Math.log10(maxMib / lo), d);
            }
        } else {
            for (int i = 0; i <= 4; i++) {
                gridLine(sb, left, plotW, top + plotH - plotH * i / 4, maxMib * i / 4);
            }
        }
        sb.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\">0</text><text x=\"%.1f\" y=\"%d\" text-anchor=\"end\">" + "%s calls</text>\n",
                left,
                h - 10,
                left + plotW,
                h - 10,
                number(maxCalls)));
        for (SweepRow r : rows) {
            long[] pages = r.rssPages();
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < pages.length; i++) {
                double calls = Math.min(r.calls(), (i + 1) * (double) r.rssStepCalls());
                double x = left + plotW * calls / maxCalls;
                double mib = pages[i] * 4096 / 1048576.0;
                double frac =
                        log ? Math.max(0, Math.log10(Math.max(mib, lo) / lo) / Math.log10(maxMib / lo)) : mib / maxMib;
                double y = top + plotH - plotH * frac;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            sb.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"")
                    .append(COLOURS[colour.get(r.label())])
                    .append("\" points=\"")
                    .append(pts.toString().strip())
                    .append("\"><title>")
                    .append(html(r.label()))
                    .append("</title></polyline>\n");
        }
        sb.append("</svg>\n");
    }

    /** Above this ratio of the highest peak RSS to the lowest, the RSS chart's axis is logarithmic. */
    static final double RSS_LOG_RATIO = 10;

    private static void gridLine(StringBuilder sb, int left, double plotW, double y, double mib) {
        sb.append(String.format(
                Locale.ROOT,
                "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                        + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                left,
                left + plotW,
                y,
                y,
                left - 4,
                y + 4,
                number(mib)));
    }

    /** A trace's file name without the format's extensions, as a bar's label shows it. */
    static String traceName(String file) {
        return file.replaceFirst("\\.mrecb?(\\.zst|\\.gz)?$", "");
    }

    private static String shorten(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    private static String number(double v) {
        if (v >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

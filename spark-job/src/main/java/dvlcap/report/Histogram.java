package dvlcap.report;

import java.util.Locale;

/** An inline SVG histogram of values in equal-width bins. */
public final class Histogram {

    private static final int W = 520, H = 280, LEFT = 56, RIGHT = 16, TOP = 30, BOTTOM = 46;

    private Histogram() {
    }

    /** Counts of {@code values} in {@code bins} equal bins over [min, max] (the maximum in the last bin). */
    static int[] counts(double[] values, int bins, double min, double max) {
        int[] c = new int[bins];
        for (double v : values) {
            int b = max > min ? (int) ((v - min) / (max - min) * bins) : 0;
            c[Math.min(Math.max(b, 0), bins - 1)]++;
        }
        return c;
    }

    public static String svg(double[] values, int bins, String title, String xLabel) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\">%n", W, H, W, H));
        s.append(ScatterPlot.text(W / 2.0, 16, "middle", title + " (n = " + values.length + ")", "#222"));
        if (values.length == 0) {
            s.append(ScatterPlot.text(W / 2.0, H / 2.0, "middle", "no values", "#888"));
            return s.append("</svg>\n").toString();
        }
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (double v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        Axis ax = Axis.of(lo, hi, 6);
        int[] c = counts(values, bins, ax.min(), ax.max());
        int most = 0;
        for (int n : c) {
            most = Math.max(most, n);
        }
        Axis ay = Axis.of(0, most, 4);
        for (double t : ay.ticks()) {
            double py = ay.at(t, H - BOTTOM, TOP);
            s.append(ScatterPlot.line(LEFT, py, W - RIGHT, py, "#eceff5"));
            s.append(ScatterPlot.text(LEFT - 6, py + 4, "end", ay.label(t), "#444"));
        }
        double bw = (W - LEFT - RIGHT) / (double) bins;
        for (int b = 0; b < bins; b++) {
            if (c[b] == 0) {
                continue;
            }
            double top = ay.at(c[b], H - BOTTOM, TOP);
            double from = ax.min() + b * (ax.max() - ax.min()) / bins;
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                            + "fill=\"#3b6fd8\" fill-opacity=\"0.8\"><title>%s to %s: %d</title></rect>%n",
                    LEFT + b * bw + 0.5, top, bw - 1, H - BOTTOM - top, Html.num(from),
                    Html.num(from + (ax.max() - ax.min()) / bins), c[b]));
        }
        s.append(ScatterPlot.line(LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM, "#888"));
        for (double t : ax.ticks()) {
            double px = ax.at(t, LEFT, W - RIGHT);
            s.append(ScatterPlot.line(px, H - BOTTOM, px, H - BOTTOM + 4, "#888"));
            s.append(ScatterPlot.text(px, H - BOTTOM + 16, "middle", ax.label(t), "#444"));
        }
        s.append(ScatterPlot.text((LEFT + W - RIGHT) / 2.0, H - 10, "middle", xLabel, "#222"));
        return s.append("</svg>\n").toString();
    }
}

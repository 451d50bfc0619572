package dvlcap.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An inline SVG scatter plot of labelled points, coloured by group, with a set of highlighted
 * points (the Pareto front) joined by a line and labelled.
 */
public final class ScatterPlot {

    /** One point; {@code group} picks its colour, {@code label} is its tooltip (and its text when highlighted). */
    public record Point(double x, double y, String label, String group) {
    }

    private static final String[] COLOURS = {"#3b6fd8", "#d8553b", "#2e9a5e", "#9b4dca", "#c79a12", "#1c9bb0", "#777"};
    private static final int W = 960, H = 460, LEFT = 70, RIGHT = 170, TOP = 20, BOTTOM = 56;

    private ScatterPlot() {
    }

    public static String svg(List<Point> points, Set<Integer> highlighted, String xLabel, String yLabel) {
        double x0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y0 = Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (Point p : points) {
            x0 = Math.min(x0, p.x());
            x1 = Math.max(x1, p.x());
            y0 = Math.min(y0, p.y());
            y1 = Math.max(y1, p.y());
        }
        Axis ax = Axis.of(Math.min(0, x0), x1, 8);
        Axis ay = Axis.of(y0, y1, 6);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\">%n", W, H, W, H));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fbfcfe\" "
                + "stroke=\"#c9cfdb\"/>%n", LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM));
        for (double t : ax.ticks()) {
            double px = ax.at(t, LEFT, W - RIGHT);
            s.append(line(px, TOP, px, H - BOTTOM, "#eceff5"));
            s.append(text(px, H - BOTTOM + 16, "middle", ax.label(t), "#444"));
        }
        for (double t : ay.ticks()) {
            double py = ay.at(t, H - BOTTOM, TOP);
            s.append(line(LEFT, py, W - RIGHT, py, "#eceff5"));
            s.append(text(LEFT - 6, py + 4, "end", ay.label(t), "#444"));
        }
        s.append(text((LEFT + W - RIGHT) / 2.0, H - 14, "middle", xLabel, "#222"));
        s.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#222\" "
                + "transform=\"rotate(-90 16 %.1f)\">%s</text>%n", (TOP + H - BOTTOM) / 2.0, (TOP + H - BOTTOM) / 2.0,
                Html.esc(yLabel)));
        Map<String, String> colours = new LinkedHashMap<>();
        points.forEach(p -> colours.computeIfAbsent(p.group(), g -> COLOURS[Math.min(colours.size(), COLOURS.length - 1)]));
        List<Integer> front = new ArrayList<>(highlighted);
        front.sort(Comparator.comparingDouble(i -> points.get(i).x()));
        if (front.size() > 1) {
            StringBuilder pts = new StringBuilder();
            for (int i : front) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", ax.at(points.get(i).x(), LEFT, W - RIGHT),
                        ay.at(points.get(i).y(), H - BOTTOM, TOP)));
            }
            s.append("<polyline points=\"").append(pts.toString().strip())
                    .append("\" fill=\"none\" stroke=\"#f0a020\" stroke-width=\"2.5\" stroke-dasharray=\"6 3\"/>\n");
        }
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            boolean hi = highlighted.contains(i);
            double px = ax.at(p.x(), LEFT, W - RIGHT), py = ay.at(p.y(), H - BOTTOM, TOP);
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\" stroke=\"%s\" "
                            + "stroke-width=\"%s\" fill-opacity=\"0.85\"><title>%s (%s, %s)</title></circle>%n", px, py,
                    hi ? "7" : "5", colours.get(p.group()), hi ? "#e08a00" : "#fff", hi ? "3" : "1",
                    Html.esc(p.label()), Html.num(p.x()), Html.num(p.y())));
            if (hi) {
                boolean nearRight = px > W - RIGHT - 150; // keep the label inside the plot
                s.append(text(nearRight ? px - 9 : px + 9, py - 9, nearRight ? "end" : "start", p.label(), "#7a4a00"));
            }
        }
        // The legend sits right of the plot, where no point can hide under it.
        int lx = W - RIGHT + 20, ly = TOP + 14;
        for (Map.Entry<String, String> c : colours.entrySet()) {
            s.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"%s\"/>%n", lx + 6, ly,
                    c.getValue()));
            s.append(text(lx + 16, ly + 4, "start", c.getKey(), "#222"));
            ly += 18;
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#f0a020\" "
                + "stroke-width=\"2.5\" stroke-dasharray=\"6 3\"/>%n", lx, ly, lx + 12, ly));
        s.append(text(lx + 16, ly + 4, "start", "Pareto front", "#222"));
        return s.append("</svg>\n").toString();
    }

    static String line(double x1, double y1, double x2, double y2, String colour) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                x1, y1, x2, y2, colour);
    }

    static String text(double x, double y, String anchor, String text, String colour) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\">%s</text>%n",
                x, y, anchor, colour, Html.esc(text));
    }
}

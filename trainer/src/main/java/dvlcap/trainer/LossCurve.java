package dvlcap.trainer;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Draws loss against step with Java2D, log-scaled y: raw train loss, its moving average, eval points. */
public final class LossCurve {
    private static final int W = 900, H = 520, LEFT = 80, RIGHT = 30, TOP = 40, BOTTOM = 60;

    private LossCurve() {
    }

    public static void write(List<LossLog.Row> rows, String title, Path file) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        double lo = Double.MAX_VALUE, hi = 0;
        int maxStep = 1;
        for (LossLog.Row r : rows) {
            for (double v : new double[]{r.trainLoss(), r.evalLoss()}) {
                if (v > 0 && !Double.isNaN(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            maxStep = Math.max(maxStep, r.step());
        }
        if (hi == 0) {
            lo = 0.1;
            hi = 10;
        }
        double yLo = Math.floor(Math.log10(lo) * 4) / 4, yHi = Math.ceil(Math.log10(hi) * 4) / 4;
        if (yHi <= yLo) {
            yHi = yLo + 0.25;
        }
        Axes axes = new Axes(maxStep, yLo, yHi);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(225, 225, 225));
        for (int d = (int) Math.floor(yLo); d <= Math.ceil(yHi); d++) {
            for (int m = 1; m < 10; m++) {
                double v = Math.log10(m * Math.pow(10, d));
                if (v >= yLo && v <= yHi) {
                    int y = axes.y(v);
                    g.setColor(m == 1 ? new Color(190, 190, 190) : new Color(232, 232, 232));
                    g.drawLine(LEFT, y, W - RIGHT, y);
                    if (m == 1 || m == 2 || m == 5) {
                        g.setColor(Color.DARK_GRAY);
                        g.drawString(String.format(Locale.ROOT, "%.3g", Math.pow(10, v)), 10, y + 4);
                    }
                }
            }
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
        for (int i = 0; i <= 5; i++) {
            int step = (int) Math.round((double) maxStep * i / 5);
            g.drawString(Integer.toString(step), axes.x(step) - 10, H - BOTTOM + 18);
        }
        g.drawString("step", W / 2, H - 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title + " (loss, log scale)", LEFT, 25);

        plot(g, rows, axes, false, new Color(150, 180, 230), 1f);
        plot(g, rows, axes, true, new Color(20, 60, 160), 2f);
        g.setColor(new Color(210, 60, 30));
        for (LossLog.Row r : rows) {
            if (!Double.isNaN(r.evalLoss()) && r.evalLoss() > 0) {
                g.fillOval(axes.x(r.step()) - 4, axes.y(Math.log10(r.evalLoss())) - 4, 8, 8);
            }
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(20, 60, 160));
        g.drawString("train (moving average)", W - 300, TOP + 18);
        g.setColor(new Color(210, 60, 30));
        g.drawString("● eval", W - 140, TOP + 18);
        g.dispose();
        try {
            ImageIO.write(img, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private record Axes(int maxStep, double yLo, double yHi) {
        int x(double step) {
            return LEFT + (int) Math.round(step / maxStep * (W - LEFT - RIGHT));
        }

        int y(double log) {
            double f = (log - yLo) / (yHi - yLo);
            return H - BOTTOM - (int) Math.round(Math.max(0, Math.min(1, f)) * (H - TOP - BOTTOM));
        }
    }

    private static void plot(Graphics2D g, List<LossLog.Row> rows, Axes a, boolean smooth, Color c, float width) {
        Path2D.Double path = new Path2D.Double();
        double ema = Double.NaN;
        boolean first = true;
        for (LossLog.Row r : rows) {
            if (!(r.trainLoss() > 0)) {
                continue;
            }
            ema = Double.isNaN(ema) ? r.trainLoss() : 0.9 * ema + 0.1 * r.trainLoss();
            double v = smooth ? ema : r.trainLoss();
            double x = a.x(r.step()), y = a.y(Math.log10(v));
            if (first) {
                path.moveTo(x, y);
                first = false;
            } else {
                path.lineTo(x, y);
            }
        }
        g.setColor(c);
        g.setStroke(new BasicStroke(width));
        g.draw(path);
    }
}

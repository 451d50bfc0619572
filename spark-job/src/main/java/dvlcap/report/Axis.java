package dvlcap.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A linear chart axis over a data range, widened to round tick values (1, 2 or 5 times a power of ten). */
record Axis(double min, double max, double step) {

    static Axis of(double lo, double hi, int ticks) {
        if (!(hi > lo)) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double raw = (hi - lo) / ticks;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag <= 1 ? mag : raw / mag <= 2 ? 2 * mag : raw / mag <= 5 ? 5 * mag : 10 * mag;
        return new Axis(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step);
    }

    /** Position of {@code v} on a pixel range {@code [from, to]}. */
    double at(double v, double from, double to) {
        return from + (v - min) / (max - min) * (to - from);
    }

    List<Double> ticks() {
        List<Double> out = new ArrayList<>();
        for (double v = min; v <= max + step / 2; v += step) {
            out.add(Math.abs(v) < step * 1e-9 ? 0 : v);
        }
        return out;
    }

    String label(double v) {
        int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}

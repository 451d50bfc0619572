package dvlcap.trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The per-step record of a run; written as loss.csv (eval_loss empty on steps without evaluation). */
public final class LossLog {
    public record Row(int step, double lr, double trainLoss, double gradNorm, double evalLoss, double seconds,
                      double tokensPerSecond) {
    }

    private final List<Row> rows = new ArrayList<>();

    public void add(Row r) {
        rows.add(r);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Empty for NaN (no value at that step). */
    private static String num(double v, String format) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, format, v);
    }

    public void writeCsv(Path file) {
        StringBuilder b = new StringBuilder("step,lr,train_loss,grad_norm,eval_loss,seconds,tokens_per_s\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%d,%.6g,%s,%s,%s,%.3f,%.1f%n", r.step, r.lr, num(r.trainLoss, "%.6f"),
                    num(r.gradNorm, "%.4f"), num(r.evalLoss, "%.6f"), r.seconds, r.tokensPerSecond));
        }
        try {
            Files.writeString(file, b);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}

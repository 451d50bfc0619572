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

    public void writeCsv(Path file) {
        StringBuilder b = new StringBuilder("step,lr,train_loss,grad_norm,eval_loss,seconds,tokens_per_s\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%d,%.6g,%.6f,%.4f,%s,%.3f,%.1f%n", r.step, r.lr, r.trainLoss, r.gradNorm,
                    Double.isNaN(r.evalLoss) ? "" : String.format(Locale.ROOT, "%.6f", r.evalLoss), r.seconds,
                    r.tokensPerSecond));
        }
        try {
            Files.writeString(file, b);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}

package dvlcap.engine;

import dvlcap.backend.Backend;
import dvlcap.nn.KvPool;
import dvlcap.nn.Qwen2Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much memory the engine's KV pool may take: a number of bytes, a fraction of the backend's free
 * memory, or {@code auto} (the backend's own default fraction: a quarter of the free heap on CPU,
 * 70% of free device memory on CUDA). Written as {@code --kv-budget 2g}, {@code 512m}, {@code 0.5}
 * or {@code auto}.
 *
 * @param bytes    a fixed budget, or 0
 * @param fraction a share of free memory in (0, 1], or 0
 */
public record KvBudget(long bytes, double fraction) implements java.io.Serializable {
    private static final Logger LOG = LoggerFactory.getLogger(KvBudget.class);
    public static final String HELP = "bytes with an optional k/m/g/t suffix (2g, 512m), a fraction of free memory "
            + "in (0, 1] (0.5), or auto";
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)([kmgt]?)(?:i?b)?");

    public KvBudget {
        if (bytes < 0 || fraction < 0 || fraction > 1 || (bytes > 0 && fraction > 0) || Double.isNaN(fraction)) {
            throw new IllegalArgumentException("KV budget of " + bytes + " bytes and fraction " + fraction
                    + ": give bytes > 0, or a fraction in (0, 1], or neither (auto)");
        }
    }

    public static KvBudget auto() {
        return new KvBudget(0, 0);
    }

    public static KvBudget ofBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("KV budget must be at least 1 byte, got " + bytes);
        }
        return new KvBudget(bytes, 0);
    }

    public static KvBudget ofFraction(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("KV budget fraction must be in (0, 1], got " + fraction);
        }
        return new KvBudget(0, fraction);
    }

    /** Parses {@link #HELP}'s forms: a number with a decimal point and no suffix is a fraction. */
    public static KvBudget parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("auto")) {
            return auto();
        }
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("--kv-budget '" + text + "': expected " + HELP);
        }
        double value = Double.parseDouble(m.group(1));
        String suffix = m.group(2);
        if (suffix.isEmpty() && m.group(1).contains(".")) {
            if (!(value > 0 && value <= 1)) {
                throw new IllegalArgumentException("--kv-budget '" + text + "': a fraction of free memory must be in "
                        + "(0, 1]; for bytes give a whole number or a suffix (2g, 512m)");
            }
            return ofFraction(value);
        }
        double bytes = value * (1L << shift(suffix));
        if (bytes < 1 || bytes > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("--kv-budget '" + text + "': " + (bytes < 1 ? "below one byte" : "too large"));
        }
        return ofBytes((long) bytes);
    }

    /**
     * A byte count written with an optional k/m/g/t (binary) suffix, such as {@code 2g} or
     * {@code 512m}, as {@code --kv-budget} reads one; -1 when {@code text} is not of that form or
     * not a whole number of bytes ({@code 0.5}).
     */
    public static long parseBytes(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return -1;
        }
        double bytes = Double.parseDouble(m.group(1)) * (1L << shift(m.group(2)));
        return bytes > Long.MAX_VALUE / 2 || bytes != Math.rint(bytes) ? -1 : (long) bytes;
    }

    private static int shift(String suffix) {
        return switch (suffix) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
    }

    public boolean isAuto() {
        return bytes == 0 && fraction == 0;
    }

    /** The budget in bytes on {@code backend}, read now (after the weights are loaded). */
    public long resolve(Backend backend) {
        if (bytes > 0) {
            return bytes;
        }
        double f = fraction > 0 ? fraction : backend.defaultKvFraction();
        return (long) (Math.max(0, backend.freeMemoryBytes()) * f);
    }

    /**
     * Pages for a pool under this budget: as many {@code pageBytes} pages as {@code budgetBytes} holds,
     * but no more than {@code mostUseful} (what the largest batch of the longest sequences could hold).
     *
     * @throws IllegalArgumentException when the budget is below one page
     */
    public static int pages(long budgetBytes, long pageBytes, long mostUseful) {
        long pages = Math.min(budgetBytes / pageBytes, mostUseful);
        if (pages < 1) {
            throw new IllegalArgumentException("KV budget of " + budgetBytes + " bytes is below one page of "
                    + pageBytes + " bytes: raise --kv-budget");
        }
        return (int) Math.min(pages, Integer.MAX_VALUE);
    }

    /**
     * The engine's one KV pool under this budget, sized after the weights are loaded (so a fraction
     * is a fraction of what they left), and never larger than {@code maxBatch} sequences as long as
     * the model can position plus {@code answerPositions} (most new tokens, rounded to blocks).
     */
    public KvPool newPool(Qwen2Model lm, Backend backend, int maxBatch, int answerPositions) {
        int pageSize = KvPool.DEFAULT_PAGE_SIZE;
        long pageBytes = lm.pageBytes(pageSize);
        long longest = (long) lm.config().maxPositionEmbeddings() + answerPositions;
        long mostUseful = maxBatch * ((longest + pageSize - 1) / pageSize);
        long budget = resolve(backend);
        int pages = pages(budget, pageBytes, mostUseful);
        KvPool pool = lm.newPool(pageSize, pages);
        LOG.info("KV pool: {} pages of {} positions, {} MiB (budget {} = {} MiB; {} pages would hold {} sequences of "
                + "{} positions)", pages, pageSize, mib(pool.bytes()), this, mib(budget), mostUseful, maxBatch, longest);
        return pool;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (double) (1 << 20));
    }

    @Override
    public String toString() {
        if (isAuto()) {
            return "auto";
        }
        return bytes > 0 ? Long.toString(bytes) : Double.toString(fraction);
    }
}

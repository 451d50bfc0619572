package dvlcap.report;

import dvlcap.job.CaptionJob;
import dvlcap.schemas.CaptionsTableSchema;
import dvlcap.schemas.MetricsTableSchema;
import dvlcap.schemas.Status;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTML page over a {@code dvlcap job} output: the metrics rows, latency and tokens-per-forward
 * histograms, the error rows with their reasons, and a gallery of thumbnails with their captions.
 * Self-contained: thumbnails are inline PNGs, charts inline SVG.
 */
public final class JobReport {

    public static final String FILE = "report.html";
    /** Most images in the gallery unless asked otherwise: enough to look at, small enough to open. */
    public static final int DEFAULT_GALLERY = 200;
    /** Images larger than this are not read for a thumbnail (a placeholder is shown). */
    static final long MAX_THUMBNAIL_SOURCE_BYTES = 32L << 20;

    private final String output;
    private final Configuration conf;

    public JobReport(String output, Configuration conf) {
        this.output = output;
        this.conf = conf;
    }

    /**
     * Writes the page to {@code output/report.html} through Hadoop's file system, so that a job's
     * hdfs:// or s3a:// output gets its page beside its tables; returns where it went.
     */
    public Path writeIntoOutput(int galleryLimit) throws IOException {
        String page = html(galleryLimit);
        Path file = new Path(output, FILE);
        try (var out = file.getFileSystem(conf).create(file, true)) {
            out.write(page.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return file;
    }

    /** The page for the job output, with at most {@code galleryLimit} images in the gallery. */
    public String html(int galleryLimit) throws IOException {
        Path captionsDir = new Path(output, CaptionJob.CAPTIONS_DIR);
        if (!captionsDir.getFileSystem(conf).exists(captionsDir)) {
            throw new IllegalArgumentException(output + " has no captions table (" + captionsDir
                    + "); give the --output of a 'dvlcap job' run");
        }
        List<Map<String, Object>> rows = ParquetRows.readTable(captionsDir.toString(), conf);
        List<Map<String, Object>> metrics = ParquetRows.readTable(new Path(output, CaptionJob.METRICS_DIR).toString(),
                conf);
        metrics.sort(Comparator.comparing(m -> String.valueOf(m.get(MetricsTableSchema.STARTED_AT))));
        rows.sort(Comparator.comparing(r -> String.valueOf(r.get(CaptionsTableSchema.ID))));
        List<Map<String, Object>> ok = new ArrayList<>(), errors = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            (Status.ERROR.value().equals(r.get(CaptionsTableSchema.STATUS)) ? errors : ok).add(r);
        }
        StringBuilder h = new StringBuilder(Html.open("dvlcap job report"));
        h.append("<p class=\"meta\">").append(Html.esc(output)).append(" · ").append(rows.size()).append(" images: ")
                .append(ok.size()).append(" captioned, ").append(errors.size()).append(" errors · ")
                .append(metrics.size()).append(metrics.size() == 1 ? " run" : " runs").append("</p>\n");
        metrics(h, metrics);
        h.append("<h2>Distributions</h2>\n<div class=\"charts\">\n");
        h.append(Histogram.svg(column(ok, CaptionsTableSchema.LATENCY_MS), 20, "Latency per image",
                "milliseconds from handing the image to the engine to its caption"));
        h.append(Histogram.svg(column(ok, CaptionsTableSchema.TOKENS_PER_FORWARD), 20, "Tokens per forward",
                "generated tokens / forward passes, per image"));
        h.append("</div>\n");
        errors(h, errors);
        gallery(h, ok, galleryLimit);
        return h.append(Html.close()).toString();
    }

    /** One column per run, one row per metrics column. */
    private static void metrics(StringBuilder h, List<Map<String, Object>> metrics) {
        h.append("<h2>Run metrics</h2>\n");
        if (metrics.isEmpty()) {
            h.append("<p>No metrics row: the run did not finish.</p>\n");
            return;
        }
        h.append("<table>\n");
        for (Field f : MetricsTableSchema.SCHEMA.getFields()) {
            h.append("<tr><th>").append(Html.esc(f.getName())).append("</th>");
            for (Map<String, Object> m : metrics) {
                Object v = m.get(f.getName());
                if (v instanceof Instant at) {
                    v = at.toString().replace('T', ' ');
                }
                h.append(v instanceof Number ? "<td class=\"num\">" + Html.num(v) : "<td>" + (v == null ? "–" : Html.esc(v)))
                        .append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void errors(StringBuilder h, List<Map<String, Object>> errors) {
        h.append("<h2>Errors (").append(errors.size()).append(")</h2>\n");
        if (errors.isEmpty()) {
            h.append("<p>Every image was captioned.</p>\n");
            return;
        }
        h.append("<table>\n<tr><th>id</th><th>source</th><th>reason</th></tr>\n");
        for (Map<String, Object> r : errors) {
            h.append("<tr><td>").append(Html.esc(r.get(CaptionsTableSchema.ID))).append("</td><td>")
                    .append(r.get(CaptionsTableSchema.SOURCE) == null ? "–" : Html.esc(r.get(CaptionsTableSchema.SOURCE)))
                    .append("</td><td class=\"err\">").append(Html.esc(r.get(CaptionsTableSchema.ERROR)))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private void gallery(StringBuilder h, List<Map<String, Object>> ok, int limit) {
        h.append("<h2>Captions</h2>\n");
        if (ok.size() > limit) {
            h.append("<p class=\"meta\">The first ").append(limit).append(" of ").append(ok.size())
                    .append(" captioned images, by id (--gallery sets how many).</p>\n");
        }
        h.append("<div class=\"gallery\">\n");
        for (Map<String, Object> r : ok.subList(0, Math.min(limit, ok.size()))) {
            h.append("<div class=\"card\">");
            Object source = r.get(CaptionsTableSchema.SOURCE);
            Optional<String> uri = thumbnail(String.valueOf(source != null ? source : r.get(CaptionsTableSchema.ID)));
            if (uri.isPresent()) {
                h.append("<img src=\"").append(uri.get()).append("\" alt=\"")
                        .append(Html.esc(r.get(CaptionsTableSchema.ID))).append("\"/>");
            } else {
                h.append("<div class=\"noimg\">image not readable</div>");
            }
            h.append("<div>").append(Html.esc(r.get(CaptionsTableSchema.CAPTION))).append("</div>")
                    .append("<div class=\"meta\">").append(r.get(CaptionsTableSchema.TOKENS)).append(" tokens · ")
                    .append(String.format(java.util.Locale.ROOT, "%.2f tok/fwd · %.0f ms",
                            ((Number) r.get(CaptionsTableSchema.TOKENS_PER_FORWARD)).doubleValue(),
                            ((Number) r.get(CaptionsTableSchema.LATENCY_MS)).doubleValue())).append("</div>")
                    .append("<div class=\"id\">").append(Html.esc(r.get(CaptionsTableSchema.ID))).append("</div></div>\n");
        }
        h.append("</div>\n");
    }

    /** A thumbnail of the image at {@code location}, empty when it cannot be read now (moved, too big, a table key). */
    private Optional<String> thumbnail(String location) {
        try {
            Path p = new Path(location);
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p) || fs.getFileStatus(p).getLen() > MAX_THUMBNAIL_SOURCE_BYTES) {
                return Optional.empty();
            }
            byte[] bytes = new byte[(int) fs.getFileStatus(p).getLen()];
            try (FSDataInputStream in = fs.open(p)) {
                in.readFully(bytes);
            }
            return Thumbnail.dataUri(bytes, 160);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static double[] column(List<Map<String, Object>> rows, String name) {
        return rows.stream().map(r -> r.get(name)).filter(v -> v instanceof Number)
                .mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }
}

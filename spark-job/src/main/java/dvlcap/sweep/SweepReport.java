package dvlcap.sweep;

import dvlcap.quality.ManifestEntry;
import dvlcap.report.Html;
import dvlcap.report.ScatterPlot;
import dvlcap.report.Thumbnail;
import dvlcap.schemas.SweepCaptionsTableSchema;
import dvlcap.schemas.SweepTableSchema;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sweep's HTML page, self-contained (no file or network access when viewed): CIDEr-D against
 * tokens/s with the Pareto front, the sweep table, and the captions of a few images side by side,
 * one row per setting, with the images inline.
 */
public final class SweepReport {

    public static final String FILE = "report.html";
    static final int SAMPLE_IMAGES = 5;

    /** Columns of the page's table: header, sweep column. */
    private static final String[][] COLUMNS = {
            {"decoder", SweepTableSchema.DECODER}, {"block", SweepTableSchema.BLOCK_SIZE},
            {"steps", SweepTableSchema.STEPS}, {"remasking", SweepTableSchema.REMASKING},
            {"τ", SweepTableSchema.THRESHOLD}, {"sub-block", SweepTableSchema.SUB_BLOCK},
            {"batch", SweepTableSchema.BATCH_SIZE}, {"CIDEr-D", SweepTableSchema.CIDER_D},
            {"BLEU-4", SweepTableSchema.BLEU4}, {"ROUGE-L", SweepTableSchema.ROUGE_L},
            {"object F1", SweepTableSchema.OBJECT_F1}, {"tokens/s", SweepTableSchema.TOKENS_PER_S},
            {"tokens/fwd", SweepTableSchema.TOKENS_PER_FORWARD}, {"images/s", SweepTableSchema.IMAGES_PER_S},
            {"p50 ms", SweepTableSchema.LATENCY_P50_MS}, {"p95 ms", SweepTableSchema.LATENCY_P95_MS},
            {"p99 ms", SweepTableSchema.LATENCY_P99_MS}, {"images", SweepTableSchema.IMAGES},
            {"wall s", SweepTableSchema.WALL_S}};

    private SweepReport() {
    }

    /** Writes {@code report.html} into the sweep's directory from its tables; returns the file. */
    public static Path write(SweepTable table, SweepCorpus corpus) throws IOException {
        Path file = table.dir().resolve(FILE);
        Files.writeString(file, html(table.rows(), table.captions(), corpus), StandardCharsets.UTF_8);
        return file;
    }

    static String html(List<Map<String, Object>> rows, List<Map<String, Object>> captions, SweepCorpus corpus)
            throws IOException {
        StringBuilder h = new StringBuilder(Html.open("dvlcap sweep"));
        Set<String> models = new java.util.LinkedHashSet<>();
        rows.forEach(r -> models.add(r.get(SweepTableSchema.MODEL) + " (" + r.get(SweepTableSchema.MODEL_HASH) + ")"));
        h.append("<p class=\"meta\">").append(rows.size()).append(" settings · model ")
                .append(Html.esc(String.join(", ", models))).append("</p>\n<p class=\"meta\">corpus ")
                .append(Html.esc(corpus.manifestFile())).append(" · ").append(corpus.entries().size())
                .append(" captions per setting · ")
                .append(rows.isEmpty() ? "" : Html.esc("dvlcap " + rows.get(0).get(SweepTableSchema.DVLCAP_VERSION)
                        + " on " + rows.get(0).get(SweepTableSchema.BACKEND)))
                .append(" · written ").append(Html.esc(Instant.now().toString().substring(0, 19).replace('T', ' ')))
                .append(" UTC</p>\n");
        if (rows.isEmpty()) {
            h.append("<p>No setting has finished yet.</p>\n");
            return h.append(Html.close()).toString();
        }
        List<ParetoFront.Point> points = new ArrayList<>();
        List<ScatterPlot.Point> plotted = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            double speed = (Double) r.get(SweepTableSchema.TOKENS_PER_S);
            double quality = (Double) r.get(SweepTableSchema.CIDER_D);
            points.add(new ParetoFront.Point(speed, quality));
            plotted.add(new ScatterPlot.Point(speed, quality, (String) r.get(SweepTableSchema.SETTING), group(r)));
        }
        List<Integer> frontOrder = ParetoFront.of(points);
        Set<Integer> front = new HashSet<>(frontOrder);
        h.append("<h2>Quality against speed</h2>\n<p class=\"meta\">CIDEr-D against generated tokens per second, "
                + "one point per setting; the Pareto front (no other setting is both faster and better) is "
                + "outlined and joined.</p>\n");
        h.append(ScatterPlot.svg(plotted, front, "generated tokens per second", "CIDEr-D"));

        h.append("<h2>Settings</h2>\n<p class=\"meta\">Fastest first; the Pareto front's rows are highlighted. "
                + "A setting's latency is from handing all its images to the engine at once to each caption, so it "
                + "includes the wait for a batch slot.</p>\n<div class=\"scroll\"><table>\n<tr><th>setting</th>");
        for (String[] c : COLUMNS) {
            h.append("<th>").append(Html.esc(c[0])).append("</th>");
        }
        h.append("<th>front</th></tr>\n");
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> Double.compare(points.get(b).speed(), points.get(a).speed()));
        for (int i : order) {
            Map<String, Object> r = rows.get(i);
            h.append(front.contains(i) ? "<tr class=\"front\">" : "<tr>").append("<td class=\"name\">")
                    .append(Html.esc(r.get(SweepTableSchema.SETTING))).append("</td>");
            for (String[] c : COLUMNS) {
                Object v = applies(r, c[1]) ? r.get(c[1]) : null;
                h.append(v == null ? "<td class=\"na\">–" : v instanceof String ? "<td>" + Html.esc(v)
                        : "<td class=\"num\">" + Html.num(v)).append("</td>");
            }
            h.append("<td>").append(front.contains(i) ? "★" : "").append("</td></tr>\n");
        }
        h.append("</table></div>\n");
        samples(h, rows, captions, corpus);
        return h.append(Html.close()).toString();
    }

    /** Whether a settings column means anything for the row's decoder (a threshold of static remasking does not). */
    static boolean applies(Map<String, Object> r, String column) {
        boolean block = "block".equals(r.get(SweepTableSchema.DECODER));
        Object remasking = r.get(SweepTableSchema.REMASKING);
        return switch (column) {
            case SweepTableSchema.REMASKING -> block;
            case SweepTableSchema.STEPS -> block && !"sub-block".equals(remasking);
            case SweepTableSchema.THRESHOLD -> block && !"static".equals(remasking);
            case SweepTableSchema.SUB_BLOCK -> "sub-block".equals(remasking);
            default -> true;
        };
    }

    /** The plot's colour: the decoder, with the remasking rule for block decoding. */
    static String group(Map<String, Object> r) {
        Object decoder = r.get(SweepTableSchema.DECODER);
        Object remasking = r.get(SweepTableSchema.REMASKING);
        if ("sub-block".equals(remasking)) {
            return "sub-block";
        }
        return "block".equals(decoder) ? "block " + remasking : String.valueOf(decoder);
    }

    /** The first images of the corpus, a column each; a row per setting with its captions. */
    private static void samples(StringBuilder h, List<Map<String, Object>> rows, List<Map<String, Object>> captions,
                                SweepCorpus corpus) throws IOException {
        List<ManifestEntry> shown = corpus.entries().subList(0, Math.min(SAMPLE_IMAGES, corpus.entries().size()));
        Map<String, String> caption = new HashMap<>();
        for (Map<String, Object> c : captions) {
            caption.put(c.get(SweepCaptionsTableSchema.SETTINGS_HASH) + "\u0000" + c.get(SweepCaptionsTableSchema.ID),
                    (String) c.get(SweepCaptionsTableSchema.CAPTION));
        }
        h.append("<h2>Sample captions</h2>\n<table class=\"samples\">\n<tr><th class=\"name\">setting</th>");
        for (ManifestEntry e : shown) {
            h.append("<th class=\"thumb\">");
            Path image = corpus.manifest().image(e);
            var uri = Files.isRegularFile(image) ? Thumbnail.dataUri(Files.readAllBytes(image), 128)
                    : java.util.Optional.<String>empty();
            if (uri.isPresent()) {
                h.append("<img src=\"").append(uri.get()).append("\" alt=\"").append(Html.esc(e.id())).append("\"/>");
            } else {
                h.append("<div class=\"noimg\">image not readable</div>");
            }
            h.append("<div class=\"meta\">").append(Html.esc(e.id())).append("</div></th>");
        }
        h.append("</tr>\n<tr><td><i>reference</i></td>");
        for (ManifestEntry e : shown) {
            h.append("<td><i>").append(Html.esc(e.references().get(0))).append("</i></td>");
        }
        h.append("</tr>\n");
        for (Map<String, Object> r : rows) {
            h.append("<tr><td class=\"name\">").append(Html.esc(r.get(SweepTableSchema.SETTING))).append("</td>");
            for (ManifestEntry e : shown) {
                String c = caption.get(r.get(SweepTableSchema.SETTINGS_HASH) + "\u0000" + e.id());
                h.append("<td>").append(c == null ? "–" : Html.esc(c)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }
}

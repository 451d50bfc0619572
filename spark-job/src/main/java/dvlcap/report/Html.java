package dvlcap.report;

import java.util.Locale;

/**
 * Pieces of the self-contained report pages: escaping, the page frame with its inline style, and
 * number formatting. Pages are written as well-formed XHTML-compatible markup (every element
 * closed, attributes quoted), so they parse as XML as well as HTML.
 */
public final class Html {

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d2330;max-width:1400px}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde;padding-bottom:4px}
            .meta{color:#5b6478;font-size:13px;margin:2px 0}
            table{border-collapse:collapse;font-size:12.5px}
            th,td{border:1px solid #dde1ea;padding:4px 7px;text-align:left;vertical-align:top}
            th{background:#f1f3f8;font-weight:600}
            td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            tr.front td{background:#fff6e0}
            td.na{text-align:center;color:#8a93a6}
            td.name{white-space:nowrap;font-weight:600}
            .scroll{overflow-x:auto}
            table.samples{table-layout:fixed;width:100%}
            table.samples th.name{width:170px}
            .gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}
            .card{border:1px solid #dde1ea;border-radius:6px;padding:8px;font-size:12.5px;background:#fff}
            .card img{display:block;margin:0 auto 6px;image-rendering:pixelated;max-width:100%}
            .card .id{color:#5b6478;font-size:11px;word-break:break-all}
            .noimg{width:96px;height:96px;background:#eef0f4;color:#8a93a6;font-size:11px;display:flex;
              align-items:center;justify-content:center;margin:0 auto 6px;text-align:center}
            .err{color:#a11d1d}
            .charts{display:flex;flex-wrap:wrap;gap:24px}
            td.thumb img{image-rendering:pixelated}
            """;

    private Html() {
    }

    /** Text as it may appear in element content or a quoted attribute. */
    public static String esc(Object o) {
        String s = String.valueOf(o);
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    // Control characters are not allowed in XML; a caption or error could hold one.
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        b.append('?');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** The page head and opening body. */
    public static String open(String title) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>" + esc(title)
                + "</title>\n<style>\n" + STYLE + "</style>\n</head>\n<body>\n<h1>" + esc(title) + "</h1>\n";
    }

    public static String close() {
        return "</body>\n</html>\n";
    }

    /** A number for a table cell: 4 significant decimals below 10, fewer above; "–" for null or NaN. */
    public static String num(Object v) {
        if (v == null) {
            return "–";
        }
        if (v instanceof Integer || v instanceof Long) {
            return v.toString();
        }
        double d = ((Number) v).doubleValue();
        if (Double.isNaN(d)) {
            return "–";
        }
        double a = Math.abs(d);
        String f = a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.4f";
        return String.format(Locale.ROOT, f, d);
    }
}

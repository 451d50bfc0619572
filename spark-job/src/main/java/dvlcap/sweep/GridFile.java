package dvlcap.sweep;

import dvlcap.decode.DecoderKind;
import dvlcap.decode.RemaskingKind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a sweep grid file: the small YAML subset of {@code conf/sweeps/*.yaml}. Top-level
 * {@code key: value} lines are defaults of every item; {@code grid:} is a list of items, each a map
 * whose values are a scalar or a flow list {@code [a, b]}; an item stands for every combination of
 * its values (a cross product). Comments start with {@code #}. A mistake is a
 * {@link GridException} naming the file, the line, and what is allowed.
 */
public final class GridFile {

    static final List<String> KEYS = List.of("decoder", "block_size", "steps", "remasking", "threshold", "sub_block",
            "batch_size", "max_new_tokens");
    private static final Set<String> TOP_ONLY = Set.of("description");

    /** A grid file that cannot be read as a grid. */
    public static final class GridException extends IllegalArgumentException {
        GridException(String message) {
            super(message);
        }
    }

    private record Value(List<String> items, int line) {
    }

    private GridFile() {
    }

    public static SweepGrid read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new GridException("grid file " + file + " does not exist (the shipped grids are in conf/sweeps/)");
        }
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses grid text; {@code source} names it in errors. */
    public static SweepGrid parse(String text, String source) {
        Map<String, Value> defaults = new LinkedHashMap<>();
        List<Map<String, Value>> items = new ArrayList<>();
        boolean inGrid = false;
        int itemIndent = -1;
        String[] lines = text.split("\r?\n", -1);
        for (int n = 1; n <= lines.length; n++) {
            String raw = stripComment(lines[n - 1]);
            if (raw.isBlank()) {
                continue;
            }
            if (raw.indexOf('\t') >= 0) {
                throw error(source, n, "tabs are not allowed; indent with spaces");
            }
            int indent = raw.length() - raw.stripLeading().length();
            String line = raw.strip();
            if (indent == 0 && !line.startsWith("-")) {
                String[] kv = keyValue(line, source, n);
                if (kv[0].equals("grid")) {
                    if (!kv[1].isEmpty()) {
                        throw error(source, n, "'grid:' takes a list of items on the following lines, each starting with '- '");
                    }
                    inGrid = true;
                    continue;
                }
                inGrid = false;
                if (TOP_ONLY.contains(kv[0])) {
                    continue;
                }
                put(defaults, kv, source, n);
            } else if (!inGrid) {
                throw error(source, n, "an indented line or list item outside 'grid:'");
            } else if (line.startsWith("-")) {
                String rest = line.substring(1).strip();
                itemIndent = indent + (line.length() - line.substring(1).stripLeading().length());
                Map<String, Value> item = new LinkedHashMap<>();
                items.add(item);
                if (!rest.isEmpty()) {
                    put(item, keyValue(rest, source, n), source, n);
                }
            } else {
                if (items.isEmpty() || indent != itemIndent) {
                    throw error(source, n, "a key of a grid item must line up with the first key after its '- '");
                }
                put(items.get(items.size() - 1), keyValue(line, source, n), source, n);
            }
        }
        if (items.isEmpty()) {
            throw new GridException(source + ": no settings; a grid file needs a 'grid:' list of items such as "
                    + "'- decoder: block' (see conf/sweeps/default.yaml)");
        }
        LinkedHashSet<SweepSetting> settings = new LinkedHashSet<>();
        for (Map<String, Value> item : items) {
            Map<String, Value> merged = new LinkedHashMap<>(defaults);
            merged.putAll(item);
            expand(merged, new ArrayList<>(KEYS), new LinkedHashMap<>(), settings, source);
        }
        return new SweepGrid(source, new ArrayList<>(settings));
    }

    private static void expand(Map<String, Value> item, List<String> keys, Map<String, String> chosen,
                               Set<SweepSetting> out, String source) {
        if (keys.isEmpty()) {
            out.add(setting(item, chosen, source));
            return;
        }
        String key = keys.get(0);
        List<String> rest = keys.subList(1, keys.size());
        Value v = item.get(key);
        if (v == null) {
            expand(item, rest, chosen, out, source);
            return;
        }
        for (String one : v.items()) {
            chosen.put(key, one);
            expand(item, rest, chosen, out, source);
        }
        chosen.remove(key);
    }

    private static SweepSetting setting(Map<String, Value> item, Map<String, String> c, String source) {
        DecoderKind decoder = c.containsKey("decoder") ? choice(DecoderKind.class, c.get("decoder"), "decoder",
                "ar, block, speculative", item, source) : DecoderKind.BLOCK;
        RemaskingKind remasking = c.containsKey("remasking") ? choice(RemaskingKind.class, c.get("remasking"),
                "remasking", "static, dynamic", item, source) : RemaskingKind.DYNAMIC;
        float threshold = 0.85f;
        if (c.containsKey("threshold")) {
            try {
                threshold = Float.parseFloat(c.get("threshold"));
            } catch (NumberFormatException e) {
                threshold = Float.NaN;
            }
            if (!(threshold >= 0 && threshold <= 1)) {
                throw error(source, item.get("threshold").line(), "threshold must be a number in [0, 1], got '"
                        + c.get("threshold") + "'");
            }
        }
        return new SweepSetting(decoder, integer(c, "block_size", 0, 0, item, source),
                integer(c, "steps", 0, 0, item, source), remasking, threshold,
                integer(c, "sub_block", 0, 0, item, source),
                integer(c, "batch_size", SweepGrid.DEFAULT_BATCH_SIZE, 1, item, source),
                integer(c, "max_new_tokens", SweepGrid.DEFAULT_MAX_NEW_TOKENS, 1, item, source));
    }

    private static int integer(Map<String, String> c, String key, int dflt, int min, Map<String, Value> item,
                               String source) {
        String v = c.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(source, item.get(key).line(), key + " must be an integer >= " + min
                + (min == 0 ? " (0 = the model's default)" : "") + ", got '" + v + "'");
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String v, String key, String allowed,
                                                Map<String, Value> item, String source) {
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw error(source, item.get(key).line(), key + " must be one of " + allowed + ", got '" + v + "'");
        }
    }

    private static void put(Map<String, Value> map, String[] kv, String source, int line) {
        if (!KEYS.contains(kv[0])) {
            throw error(source, line, "unknown key '" + kv[0] + "'; allowed: " + String.join(", ", KEYS)
                    + " (and at top level: grid, description)");
        }
        if (map.containsKey(kv[0])) {
            throw error(source, line, "key '" + kv[0] + "' given twice in the same item");
        }
        map.put(kv[0], new Value(values(kv[1], source, line), line));
    }

    private static List<String> values(String v, String source, int line) {
        if (v.isEmpty()) {
            throw error(source, line, "a key needs a value: a scalar or a list such as [4, 8]");
        }
        if (!v.startsWith("[")) {
            return List.of(unquote(v));
        }
        if (!v.endsWith("]")) {
            throw error(source, line, "a list must close on the same line: " + v);
        }
        List<String> out = new ArrayList<>();
        for (String s : v.substring(1, v.length() - 1).split(",")) {
            if (s.isBlank()) {
                throw error(source, line, "empty element in list " + v);
            }
            out.add(unquote(s.strip()));
        }
        return out;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    private static String[] keyValue(String line, String source, int n) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw error(source, n, "expected 'key: value', got '" + line + "'");
        }
        return new String[]{line.substring(0, colon).strip(), line.substring(colon + 1).strip()};
    }

    private static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static GridException error(String source, int line, String message) {
        return new GridException(source + ":" + line + ": " + message);
    }
}

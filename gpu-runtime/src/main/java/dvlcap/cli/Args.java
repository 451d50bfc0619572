package dvlcap.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The one command-line parser of every dvlcap command: {@code --name value} and {@code --name=value}
 * alike, switches without a value ({@code -h} is {@code --help} where that is a switch), and
 * positional arguments. A flag given twice is a mistake unless it is repeatable. Unknown flags and
 * bad values are {@link UsageException}s whose message says what is allowed. The shared flag groups
 * ({@link DecodingFlags}, {@link BackendFlag}, {@link KvBudgetFlag}, {@link BatchSizeFlag},
 * {@link ModelFlag}) read their values from here, so every command accepts the same ones.
 */
public final class Args {
    private final String command;
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    /** A command-line mistake; the message is meant for the user. */
    public static final class UsageException extends IllegalArgumentException {
        public UsageException(String message) {
            super(message);
        }
    }

    /**
     * @param valued flags that take a value
     * @param switches flags without a value
     */
    public static Args parse(String command, String[] argv, Set<String> valued, Set<String> switches) {
        return parse(command, argv, valued, switches, Set.of());
    }

    /** @param repeatable valued flags that may be given more than once (read them with {@link #all}) */
    public static Args parse(String command, String[] argv, Set<String> valued, Set<String> switches,
                             Set<String> repeatable) {
        Args a = new Args(command);
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (arg.equals("--")) {
                for (i++; i < argv.length; i++) {
                    a.positional.add(argv[i]);
                }
                break;
            }
            if (arg.equals("-h") && switches.contains("help")) {
                arg = "--help";
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                a.positional.add(arg);
                continue;
            }
            String name = arg.substring(2), value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                value = "true";
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= argv.length) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = argv[++i];
                }
            } else {
                throw new UsageException("unknown option '" + arg + "' for '" + command + "'; allowed: "
                        + known(valued, switches) + " (see --help)");
            }
            List<String> given = a.values.computeIfAbsent(name, k -> new ArrayList<>());
            if (!given.isEmpty() && !repeatable.contains(name) && !switches.contains(name)) {
                throw new UsageException("--" + name + " given twice ('" + given.get(0) + "' and '" + value + "')");
            }
            given.add(value);
        }
        return a;
    }

    private static String known(Set<String> valued, Set<String> switches) {
        List<String> known = new ArrayList<>();
        valued.forEach(v -> known.add("--" + v));
        switches.forEach(v -> known.add("--" + v));
        known.sort(null);
        return String.join(", ", known);
    }

    private Args(String command) {
        this.command = command;
    }

    /** The command these flags belong to, for messages. */
    public String command() {
        return command;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public boolean flag(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String dflt) {
        List<String> v = values.get(name);
        return v == null ? dflt : v.get(v.size() - 1);
    }

    /** Every value of a repeatable flag, in the order given. */
    public List<String> all(String name) {
        return List.copyOf(values.getOrDefault(name, List.of()));
    }

    public String required(String name) {
        String v = string(name, null);
        if (v == null || v.isBlank()) {
            throw new UsageException("--" + name + " is required by '" + command + "' (see --help)");
        }
        return v;
    }

    public int integer(String name, int dflt, int min) {
        String v = string(name, null);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min) {
                throw new UsageException("--" + name + " must be an integer >= " + min + ", got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer >= " + min + ", got '" + v + "'");
        }
    }

    /** An integer in [min, max]. */
    public int integer(String name, int dflt, int min, int max) {
        String v = string(name, null);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + name + " must be an integer from " + min + " to " + max + ", got '" + v + "'");
    }

    public long longValue(String name, long dflt) {
        return longValue(name, dflt, Long.MIN_VALUE);
    }

    /** A 64-bit integer >= {@code min}. */
    public long longValue(String name, long dflt, long min) {
        String v = string(name, null);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + name + " must be a 64-bit integer" + (min == Long.MIN_VALUE ? "" : " >= " + min)
                + ", got '" + v + "'");
    }

    public float number(String name, float dflt, float min, float max) {
        String v = string(name, null);
        if (v == null) {
            return dflt;
        }
        try {
            float f = Float.parseFloat(v.trim());
            if (Float.isNaN(f) || f < min || f > max) {
                throw new UsageException("--" + name + " must be a number in [" + min + ", " + max + "], got " + v);
            }
            return f;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number in [" + min + ", " + max + "], got '" + v + "'");
        }
    }

    /** A finite double in [min, max]. */
    public double real(String name, double dflt, double min, double max) {
        String v = string(name, null);
        if (v == null) {
            return dflt;
        }
        try {
            double x = Double.parseDouble(v.trim());
            if (x >= min && x <= max) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + name + " must be a number from " + min + " to " + max + ", got '" + v + "'");
    }

    /** One of {@code allowed}, case-insensitive. */
    public String choice(String name, String dflt, String... allowed) {
        String v = string(name, null);
        if (v == null) {
            return dflt;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(lower)) {
                return a;
            }
        }
        throw new UsageException("--" + name + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }

    public List<String> positional() {
        return positional;
    }

    /** For commands that take flags only: a stray word is a mistake, not something to ignore. */
    public void noPositional() {
        if (!positional.isEmpty()) {
            throw new UsageException("'" + command + "' takes no positional arguments, got '" + positional.get(0)
                    + "' (flags are --name value or --name=value; see --help)");
        }
    }
}

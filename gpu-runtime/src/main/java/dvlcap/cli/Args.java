package dvlcap.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Flags of one command: {@code --name value} or {@code --name=value}, switches without a value,
 * and positional arguments. Unknown flags and bad values are {@link UsageException}s whose
 * message says what is allowed.
 */
public final class Args {
    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();
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
        Args a = new Args(command);
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (arg.equals("--")) {
                for (i++; i < argv.length; i++) {
                    a.positional.add(argv[i]);
                }
                break;
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
                a.values.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= argv.length) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = argv[++i];
                }
                a.values.put(name, value);
            } else {
                List<String> known = new ArrayList<>();
                valued.forEach(v -> known.add("--" + v));
                switches.forEach(v -> known.add("--" + v));
                known.sort(null);
                throw new UsageException("unknown option '" + arg + "' for '" + command + "'; allowed: "
                        + String.join(", ", known) + " (see --help)");
            }
        }
        return a;
    }

    private Args(String command) {
        this.command = command;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public boolean flag(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    public String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException("'" + command + "' needs --" + name + " (see --help)");
        }
        return v;
    }

    public int integer(String name, int dflt, int min) {
        String v = values.get(name);
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

    public long longValue(String name, long dflt) {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    public float number(String name, float dflt, float min, float max) {
        String v = values.get(name);
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

    /** One of {@code allowed}, case-insensitive. */
    public String choice(String name, String dflt, String... allowed) {
        String v = values.get(name);
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
}

package dvlcap.job;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The executor JVM's captioners: one per (engine spec, GPU), loaded on first use and shared by
 * every task after, so concurrent tasks feed one engine and its batches form across tasks.
 *
 * <p>A load that fails is not remembered: the task fails, and its retry loads again. Captioners are
 * closed by a shutdown hook when the JVM ends.
 */
public final class EngineHolder {

    private record Key(EngineSpec spec, String gpu) {
    }

    /** Guards one key's load so that concurrent first tasks load once. */
    private static final class Slot {
        private volatile BatchCaptioner captioner;

        synchronized BatchCaptioner get(Key key, HadoopConf conf) {
            if (captioner == null) {
                captioner = load(key, conf);
            }
            return captioner;
        }

        synchronized void close() {
            if (captioner != null) {
                captioner.close();
                captioner = null;
            }
        }
    }

    private static final Map<Key, Slot> SLOTS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(EngineHolder::closeAll, "dvlcap-engine-close"));
    }

    private EngineHolder() {
    }

    /**
     * The captioner for {@code spec} on {@code gpu} (null: no GPU assigned), loading it if this JVM
     * has none yet.
     */
    public static BatchCaptioner get(EngineSpec spec, String gpu, HadoopConf conf) {
        Key key = new Key(spec, gpu);
        return SLOTS.computeIfAbsent(key, k -> new Slot()).get(key, conf);
    }

    /** How many captioners this JVM has loaded and not closed. */
    public static int loaded() {
        return (int) SLOTS.values().stream().filter(s -> s.captioner != null).count();
    }

    /** Closes every captioner (tests, and the shutdown hook). */
    public static void closeAll() {
        for (Slot s : SLOTS.values()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                System.err.println("dvlcap: closing an engine failed: " + e);
            }
        }
        SLOTS.clear();
    }

    private static BatchCaptioner load(Key key, HadoopConf conf) {
        EngineSpec spec = key.spec();
        Path local = new ModelLocalizer(conf.get(), Path.of(spec.modelCache())).localize(spec.model());
        CaptionerFactory factory;
        try {
            factory = (CaptionerFactory) Class.forName(spec.factoryClass(), true,
                    Thread.currentThread().getContextClassLoader()).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException | NoSuchMethodException | InstantiationException | IllegalAccessException
                 | InvocationTargetException | ClassCastException e) {
            throw new IllegalStateException("cannot create captioner factory " + spec.factoryClass() + ": " + e, e);
        }
        return factory.open(local, spec, key.gpu());
    }
}

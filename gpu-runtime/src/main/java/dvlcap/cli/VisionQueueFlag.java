package dvlcap.cli;

import dvlcap.engine.EngineOptions;

/** {@code --vision-queue}: images encoded ahead of admission, read the same way by every command that runs an engine. */
public final class VisionQueueFlag {
    public static final String NAME = "vision-queue";

    public static final String HELP = """
              --vision-queue N          images encoded ahead of decoding on a thread of their
                                        own, on CPU backends (default 2 x batch size); 0
                                        encodes each image when it joins the batch
            """;

    private VisionQueueFlag() {
    }

    /** The flag's value, {@link EngineOptions#defaultVisionQueue} of {@code batch} when absent. */
    public static int of(Args a, int batch) {
        return a.integer(NAME, EngineOptions.defaultVisionQueue(batch), 0);
    }
}

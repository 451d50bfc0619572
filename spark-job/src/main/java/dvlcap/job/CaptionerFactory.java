package dvlcap.job;

import java.nio.file.Path;

/**
 * Loads the captioner an executor shares between its tasks. Implementations need a public no-arg
 * constructor; {@link EngineSpec#factoryClass()} names the one to use.
 */
public interface CaptionerFactory {

    /**
     * @param localModel the model directory on local disk
     * @param gpu        the GPU address Spark assigned to the task, or null
     * @throws RuntimeException if the model cannot be loaded; the task fails (and Spark retries it)
     */
    BatchCaptioner open(Path localModel, EngineSpec spec, String gpu);
}

package dvlcap.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dvlcap.model.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The anyres parity fixture written by parity/fx_anyres.py from DiffusionVL's own LLaVA code: a tiny
 * llava-qwen2 checkpoint in the release's layout (model/), input images (images/), the tiles
 * process_anyres_image made of them, the image rows prepare_inputs_labels_for_multimodal made of
 * those, LM logits, and geometry at the release's 384-pixel tiles (cases.json).
 */
public final class AnyresFixture implements AutoCloseable {
    /** Tests run in the module directory. */
    public static final Path DIR = Path.of("src", "test", "resources", "parity", "anyres");

    public final JsonNode meta;
    public final SafetensorsFile pixels, features, logits;

    public AnyresFixture() {
        try {
            meta = new ObjectMapper().readTree(DIR.resolve("cases.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pixels = SafetensorsFile.open(DIR.resolve("pixels.safetensors"));
        features = SafetensorsFile.open(DIR.resolve("features.safetensors"));
        logits = SafetensorsFile.open(DIR.resolve("logits.safetensors"));
    }

    public Path modelDir() {
        return DIR.resolve("model");
    }

    public Path image(String name) {
        return DIR.resolve("images").resolve(name + ".png");
    }

    public List<JsonNode> cases() {
        List<JsonNode> out = new ArrayList<>();
        meta.get("cases").forEach(out::add);
        return out;
    }

    public static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /** max |a - b|. */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }

    /** max |actual - ref| / max |ref|: the "relative to their scale". */
    public static double relativeDiff(float[] actual, float[] ref) {
        double scale = 0;
        for (float v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }
        return maxAbsDiff(actual, ref) / scale;
    }

    @Override
    public void close() {
        pixels.close();
        features.close();
        logits.close();
    }
}

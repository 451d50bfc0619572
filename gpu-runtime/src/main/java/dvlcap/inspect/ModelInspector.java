package dvlcap.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dvlcap.model.CaptionPrompt;
import dvlcap.model.ChatTemplate;
import dvlcap.model.DecodingDefaults;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelConfigReader;
import dvlcap.model.ModelDirectory;
import dvlcap.model.ModelFileException;
import dvlcap.model.PromptTokens;
import dvlcap.model.TextTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Describes a model directory without loading its weights: the config, the safetensors headers, the
 * tokenizer and the chat template. Whatever the engine would refuse is collected, not thrown, so that one
 * run lists every problem; only a directory or {@code config.json} that cannot be read at all is an error.
 */
public final class ModelInspector {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LISTED = 3;

    private ModelInspector() {
    }

    public static Inspection inspect(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelFileException(dir, null, "model directory does not exist");
        }
        Path configFile = dir.resolve(ModelDirectory.CONFIG);
        JsonNode root = readConfig(configFile);
        String modelType = root.path("model_type").asText(null);
        List<String> architectures = new ArrayList<>();
        root.path("architectures").forEach(a -> architectures.add(a.asText()));
        List<Unsupported> problems = new ArrayList<>();

        List<WeightHeaders.Entry> tensors = List.of();
        int files = 0;
        try {
            WeightHeaders h = WeightHeaders.read(dir);
            tensors = h.tensors();
            files = h.files().size();
        } catch (ModelFileException e) {
            problems.add(Unsupported.of(e));
        }
        List<DtypeUse> dtypes = DtypeUse.of(tensors);
        for (DtypeUse d : dtypes) {
            if (!d.supported()) {
                problems.add(new Unsupported(fileOf(tensors, d.firstTensor()), d.firstTensor(), "dtype " + d.dtype()
                        + " (" + d.tensors() + " tensors) is not supported; the kernels take F32, F16 and BF16"));
            }
        }

        String guessed = guessFamily(root);
        ModelConfig config = null;
        if (FamilyInspectors.forFamily(guessed).isEmpty()) {
            problems.add(new Unsupported(configFile, "model_type", "model_type " + (modelType == null ? "(none)"
                    : "'" + modelType + "'") + (guessed.equals("unknown") ? " is not a known family" : " is family "
                    + guessed + ", which is not supported yet") + "; families dvlcap knows: " + FamilyInspectors.families()));
        } else {
            try {
                config = ModelConfigReader.read(configFile);
            } catch (ModelFileException e) {
                problems.add(Unsupported.of(e));
            }
        }
        String family = config != null ? config.family() : guessed;
        MemoryEstimate memory = null;
        VisionSummary vision = null;
        DecodingSummary decoding = null;
        FamilyInspector fi = FamilyInspectors.forFamily(family).orElse(null);
        if (fi != null) {
            try {
                vision = fi.vision(config, dir);
            } catch (ModelFileException e) {
                problems.add(Unsupported.of(e));
            }
        }
        if (config != null) {
            memory = MemoryEstimate.of(config.text(), tensors);
            Map<String, long[]> expected = fi == null ? null : fi.expectedTensors(config);
            if (expected != null && !tensors.isEmpty()) {
                checkTensors(expected, tensors, problems);
            }
            decoding = decoding(dir, config.decoding(), problems);
        }
        return new Inspection(dir, family, modelType, architectures, ParameterCount.of(tensors), dtypes, files,
                config == null ? null : config.text(), memory, vision, decoding, problems);
    }

    /** The family a config is meant for, told by model_type, architectures and LLaVA's keys. */
    static String guessFamily(JsonNode root) {
        String mt = root.path("model_type").asText("");
        String arch = root.path("architectures").toString();
        if (mt.equals("qwen2_5_vl") || mt.equals("diffusionvl_qwenvl") || mt.equals("fast_dvlm")
                || arch.contains("Qwen2_5_VL") || arch.contains("Fast_dVLM")) {
            return "qwen2.5-vl";
        }
        if (mt.startsWith("llava") || mt.equals("diffusionvl_qwen") || root.has("mm_vision_tower")
                || root.has("mm_projector_type") || arch.contains("Llava")) {
            return "llava-qwen2";
        }
        return "unknown";
    }

    private static JsonNode readConfig(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFileException(file, null, "missing from the model directory");
        }
        try {
            JsonNode n = JSON.readTree(Files.readString(file));
            if (n == null || !n.isObject()) {
                throw new ModelFileException(file, null, "not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new ModelFileException(file, null, "cannot read JSON: " + e.getMessage(), e);
        }
    }

    private static Path fileOf(List<WeightHeaders.Entry> tensors, String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst().map(WeightHeaders.Entry::file)
                .orElse(null);
    }

    /** Missing tensors and shapes that disagree with the config, a few named and the rest counted. */
    private static void checkTensors(Map<String, long[]> expected, List<WeightHeaders.Entry> tensors,
                                     List<Unsupported> problems) {
        Map<String, WeightHeaders.Entry> byName = new java.util.HashMap<>();
        tensors.forEach(t -> byName.put(t.name(), t));
        List<String> missing = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        Path file = tensors.get(0).file();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            WeightHeaders.Entry t = byName.get(e.getKey());
            if (t == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(t.shape(), e.getValue())) {
                wrong.add(e.getKey() + " is " + Arrays.toString(t.shape()) + ", the config needs "
                        + Arrays.toString(e.getValue()));
                file = t.file();
            }
        }
        if (!missing.isEmpty()) {
            problems.add(new Unsupported(file, null, missing.size() + " tensor(s) the config needs are missing: "
                    + listed(missing)));
        }
        if (!wrong.isEmpty()) {
            problems.add(new Unsupported(file, null, wrong.size() + " tensor shape(s) disagree with config.json: "
                    + listed(wrong)));
        }
    }

    private static String listed(List<String> items) {
        return String.join("; ", items.subList(0, Math.min(LISTED, items.size())))
                + (items.size() > LISTED ? "; and " + (items.size() - LISTED) + " more" : "");
    }

    private static DecodingSummary decoding(Path dir, DecodingDefaults d, List<Unsupported> problems) {
        String mode = d.isDiffusion() ? "block diffusion" : "autoregressive";
        String maskToken = null;
        List<String> eosTokens = new ArrayList<>();
        String templateSource = null;
        String prompt = null;
        int before = -1, after = -1;
        TextTokenizer tok = null;
        try {
            tok = TextTokenizer.load(dir.resolve(ModelDirectory.TOKENIZER));
            maskToken = d.isDiffusion() ? tok.token(d.maskTokenId()).orElse(null) : null;
            for (int id : d.eosTokenIds()) {
                eosTokens.add(tok.token(id).orElse(null));
            }
        } catch (ModelFileException e) {
            problems.add(Unsupported.of(e));
            d.eosTokenIds().forEach(id -> eosTokens.add(null));
        }
        try {
            ChatTemplate template = ChatTemplate.load(dir);
            templateSource = template.source().toString();
            if (tok != null) {
                CaptionPrompt p = new CaptionPrompt(tok, template, d);
                prompt = p.render();
                PromptTokens t = p.tokens();
                before = t.before().length;
                after = t.after().length;
            }
        } catch (ModelFileException e) {
            problems.add(Unsupported.of(e));
        } finally {
            if (tok != null) {
                tok.close();
            }
        }
        return new DecodingSummary(mode, d.maskTokenId(), maskToken, d.blockSize(), d.eosTokenIds(), eosTokens,
                d.systemPrompt(), d.captionPrompt(), d.imagePlaceholder(), d.imageMarkup(), templateSource,
                prompt, before, after);
    }
}

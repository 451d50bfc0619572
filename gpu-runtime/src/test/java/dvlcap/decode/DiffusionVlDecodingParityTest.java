package dvlcap.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dvlcap.backend.Backend;
import dvlcap.backend.Backends;
import dvlcap.image.VisionInput;
import dvlcap.model.ModelDirectory;
import dvlcap.model.SafetensorsFile;
import dvlcap.nn.InputRows;
import dvlcap.nn.LlavaModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Greedy block-diffusion decoding gives DiffusionVL's released {@code generate_with_bd3lm} output token
 * for token, on a tiny random llava-qwen2 dVLM built and run with the release's own code
 * (parity/fx_bd3lm.py): static and dynamic remasking, B in 4, 8, 16, S in B, B/2, B/4, 1, three prompts
 * of 752 (a multiple of every B), 758 and 765 positions. The release's answers are compared up to its
 * first EOS (dvlcap cuts there; the release returns what follows in that block too). Beyond the tokens,
 * the release's cost must match: dvlcap's forwards are the release's denoising steps (its prefill and
 * per-block cache writes are fused into the next step) and its blocks are the release's blocks.
 */
class DiffusionVlDecodingParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Case(String remasking, int blockSize, int steps, String prompt, int[] tokens, boolean eos,
                int releaseDenoisingSteps, int releaseBlocks) {
        String name() {
            return remasking + " B=" + blockSize + " S=" + steps + " prompt " + prompt;
        }
    }

    private static Path dir;
    private static List<Case> cases;
    private static Map<String, int[]> prompts;
    private static float[] pixels;
    private static float threshold;
    private static int genLength;
    private static final Map<String, LlavaModel> models = new HashMap<>();
    private static final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        readCases();
        try (SafetensorsFile inputs = SafetensorsFile.open(dir.resolve("inputs.safetensors"))) {
            pixels = inputs.floats("pixels", 3, 54, 54);
        }
        ModelDirectory model = ModelDirectory.open(dir.resolve("model"));
        open.add(model);
        for (String name : List.of("scalar", "vector")) {
            Backend backend = Backends.create(name);
            LlavaModel m = LlavaModel.load(backend, model.config(), model.weights());
            open.add(m);
            models.put(name, m);
        }
    }

    /** cases.json, read once (argument sources may ask before {@code @BeforeAll} has run). */
    private static synchronized void readCases() throws IOException, URISyntaxException {
        if (cases != null) {
            return;
        }
        dir = Path.of(DiffusionVlDecodingParityTest.class.getResource("/parity/bd3lm").toURI());
        JsonNode root = JSON.readTree(dir.resolve("cases.json").toFile());
        threshold = (float) root.get("threshold").asDouble();
        genLength = root.get("genLength").asInt();
        int imageTokenIndex = root.get("imageTokenIndex").asInt();
        int imageTokens = root.get("imageTokens").asInt();
        prompts = new LinkedHashMap<>();
        root.get("prompts").fields().forEachRemaining(e -> prompts.put(e.getKey(),
                expandImage(ints(e.getValue()), imageTokenIndex, imageTokens)));
        cases = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            cases.add(new Case(c.get("remasking").asText(), c.get("blockSize").asInt(), c.get("steps").asInt(),
                    c.get("prompt").asText(), ints(c.get("tokens")), c.get("eos").asBoolean(),
                    c.get("releaseDenoisingSteps").asInt(), c.get("releaseBlocks").asInt()));
        }
    }

    @AfterAll
    static void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** LLaVA's prompt ids hold one {@code -200} where the image rows are spliced. */
    private static int[] expandImage(int[] ids, int imageTokenIndex, int imageTokens) {
        int[] out = new int[ids.length - 1 + imageTokens];
        int j = 0;
        for (int id : ids) {
            if (id == imageTokenIndex) {
                Arrays.fill(out, j, j + imageTokens, InputRows.IMAGE);
                j += imageTokens;
            } else {
                out[j++] = id;
            }
        }
        assertEquals(out.length, j, "exactly one image in the prompt");
        return out;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /** One setting per (backend, remasking, B, S); its prompts decode together in one batch. */
    static Stream<Arguments> settings() throws IOException, URISyntaxException {
        readCases();
        List<Arguments> out = new ArrayList<>();
        for (String backend : List.of("scalar", "vector")) {
            cases.stream().map(c -> List.of(c.remasking(), c.blockSize(), c.steps())).distinct()
                    .forEach(k -> out.add(Arguments.of(backend, k.get(0), k.get(1), k.get(2))));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1} B={2} S={3}, three prompts batched")
    @MethodSource("settings")
    void greedyTokensAndCostEqualTheRelease(String backend, String remasking, int blockSize, int steps) {
        List<Case> mine = cases.stream()
                .filter(c -> c.remasking().equals(remasking) && c.blockSize() == blockSize && c.steps() == steps)
                .toList();
        assertEquals(prompts.size(), mine.size());
        DecodingSettings settings = DecodingSettings.defaults().withBlock(blockSize, steps)
                .withRemasking(RemaskingKind.valueOf(remasking.toUpperCase(Locale.ROOT)), threshold)
                .withMaxNewTokens(genLength);
        List<Scheduler.Job> jobs = new ArrayList<>();
        for (Case c : mine) {
            jobs.add(new Scheduler.Job(c.prompt(), prompts.get(c.prompt()), VisionInput.tile(pixels), null));
        }
        Map<String, Scheduler.Finished> got = RandomModel.run(models.get(backend), settings, jobs, jobs.size());
        for (Case c : mine) {
            Scheduler.Finished f = got.get(c.prompt());
            assertArrayEquals(c.tokens(), f.answer(), c.name() + ": " + Arrays.toString(f.answer()));
            assertEquals(c.tokens().length + (c.eos() ? 1 : 0), f.generated(), c.name() + ": generated");
            assertEquals(c.releaseBlocks(), f.blocks(), c.name() + ": blocks");
            assertEquals(c.releaseDenoisingSteps(), f.forwards(), c.name() + ": forwards = the release's steps");
        }
    }

    @Test
    void theFixtureExercisesWhatItClaims() {
        assertEquals(66, cases.size(), "2 remaskings x (3 + 4 + 4) (B, S) x 3 prompts");
        for (Case c : cases) {
            assertTrue(Arrays.stream(c.tokens()).distinct().count() >= 5,
                    c.name() + ": the random model must not be degenerate, or the oracle proves little");
        }
        long ended = cases.stream().filter(Case::eos).count();
        assertTrue(ended > 0 && ended < cases.size(), "some answers end at EOS, some run to max-new-tokens");
        // the first block's cap: leftover prompt tokens leave M < B masks and the release's B/S per step
        // unmasks them in fewer than min(S, M) steps (where spreading M over S took min(S, M))
        long capped = cases.stream().filter(c -> {
            int b = c.blockSize(), s = c.steps(), masks = b - Integer.parseInt(c.prompt()) % b;
            int perStep = b / s;
            return masks < b && (masks + perStep - 1) / perStep < Math.min(s, masks);
        }).count();
        assertTrue(capped >= 10, "cases where the first block's cap decides its steps: " + capped);
        long dynamicFaster = cases.stream().filter(c -> c.remasking().equals("dynamic")).filter(d -> cases.stream()
                .anyMatch(s -> s.remasking().equals("static") && s.blockSize() == d.blockSize()
                        && s.steps() == d.steps() && s.prompt().equals(d.prompt())
                        && s.releaseDenoisingSteps() > d.releaseDenoisingSteps())).count();
        assertTrue(dynamicFaster > 0, "the dynamic threshold fires in some cases");
    }
}

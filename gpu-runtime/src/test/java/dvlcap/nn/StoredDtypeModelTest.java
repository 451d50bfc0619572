package dvlcap.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.Backend;
import dvlcap.backend.ScalarBackend;
import dvlcap.backend.Tensor;
import dvlcap.backend.VectorBackend;
import dvlcap.image.VisionInput;
import dvlcap.model.DType;
import dvlcap.model.MapWeightSource;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelDirectory;
import dvlcap.model.StoredTensor;
import dvlcap.model.WeightSource;
import dvlcap.testing.TinyCheckpoints;
import dvlcap.testing.TinyCheckpoints.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A whole model loaded from a bf16/f16 checkpoint runs on its memory-mapped weights: no matrix
 * is ever converted to float32, and the logits are those of the same model with its widened
 * values held as float32 on the heap, on the vector backend, up to float reassociation (widening
 * is exact; the 16-bit kernels sum the same products in an even/odd order), an order of
 * magnitude inside the differential tolerance that the scalar reference is held to.
 */
class StoredDtypeModelTest {
    @TempDir
    Path tmp;

    /** Counts which tensors a loader reads as float32 and which it takes as stored. */
    private static final class RecordingSource implements WeightSource {
        final WeightSource inner;
        final List<String> asFloats = new ArrayList<>();
        final List<StoredTensor> asStored = new ArrayList<>();

        RecordingSource(WeightSource inner) {
            this.inner = inner;
        }

        @Override
        public Set<String> names() {
            return inner.names();
        }

        @Override
        public long[] shape(String name) {
            return inner.shape(name);
        }

        @Override
        public float[] floats(String name, long... expectedShape) {
            asFloats.add(name);
            return inner.floats(name, expectedShape);
        }

        @Override
        public StoredTensor stored(String name, long... expectedShape) {
            StoredTensor t = inner.stored(name, expectedShape);
            asStored.add(t);
            return t;
        }

        @Override
        public void close() {
        }
    }

    @ParameterizedTest(name = "{0}, sharded {1}")
    @CsvSource({"BF16, false", "BF16, true", "F16, false"})
    void halfCheckpointRunsOnItsMappingWithTheFloat32ResultsOfItsWidenedValues(DType dtype, boolean sharded) {
        Path dir = TinyCheckpoints.write(tmp.resolve("m"), Spec.tiny(5).withDtype(dtype).withSharded(sharded));
        Backend vec = new VectorBackend(), ref = new ScalarBackend();
        try (ModelDirectory files = ModelDirectory.open(dir)) {
            ModelConfig config = files.config();
            RecordingSource src = new RecordingSource(files.weights());
            try (LlavaModel mapped = LlavaModel.load(vec, config, src);
                 LlavaModel heap = LlavaModel.load(vec, config, MapWeightSource.copyOf(files.weights(), "widened"));
                 LlavaModel scalar = LlavaModel.load(ref, config, files.weights())) {
                for (StoredTensor t : src.asStored) {
                    assertEquals(dtype, t.dtype(), t.toString());
                    assertTrue(!t.onHeap() && t.chunk(0).isDirect(), t + " is not mapped");
                }
                assertTrue(src.asStored.size() > 20, "matrices taken as stored: " + src.asStored.size());
                for (String name : src.asFloats) {
                    long[] shape = files.weights().shape(name);
                    assertTrue(shape.length == 1 || name.endsWith("position_embedding.weight"),
                            name + " was converted to float32 although it is a matrix");
                }

                int n = config.imageTokens() + 9;
                int[] ids = new int[n];
                SplittableRandom r = new SplittableRandom(3);
                for (int i = 0; i < n; i++) {
                    ids[i] = i >= 4 && i < 4 + config.imageTokens() ? InputRows.IMAGE : r.nextInt(config.text().vocabSize());
                }
                float[] pixels = new float[3 * config.vision().imageSize() * config.vision().imageSize()];
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = (float) (r.nextDouble() * 2 - 1);
                }
                float[] want, got, reference;
                try (Tensor a = heap.vision().encode(VisionInput.tile(pixels)); Tensor b = mapped.vision().encode(VisionInput.tile(pixels));
                     Tensor c = scalar.vision().encode(VisionInput.tile(pixels))) {
                    want = heap.fullLogits(ids, a, 4);
                    got = mapped.fullLogits(ids, b, 4);
                    reference = scalar.fullLogits(ids, c, 4);
                }
                double scale = 0, diff = 0, heapDiff = 0;
                for (int i = 0; i < got.length; i++) {
                    scale = Math.max(scale, Math.abs(reference[i]));
                    diff = Math.max(diff, Math.abs(reference[i] - got[i]));
                    heapDiff = Math.max(heapDiff, Math.abs(want[i] - got[i]));
                }
                assertTrue(heapDiff <= 1e-5 * scale, "mapped " + dtype + " vs its widened float32 on the heap: max |d| "
                        + heapDiff + " at scale " + scale);
                assertTrue(diff <= 1e-4 * scale, "vector vs scalar on mapped " + dtype + ": max |d| " + diff
                        + " at scale " + scale);
            }
        }
    }

    /**
     * Qwen2.5-VL's tower splits its fused qkv matrix into q, k and v: from a bf16 file it must do
     * so on the mapping (row views), not through float32, and give the widened model's output up to
     * reassociation (as above).
     */
    @org.junit.jupiter.api.Test
    void qwenVisionTowerFromBf16SplitsItsFusedQkvOnTheMapping() {
        Path bf16 = tmp.resolve("qwen-bf16.safetensors");
        try (dvlcap.model.SafetensorsFile f32 = dvlcap.model.SafetensorsFile.open(QwenParityFixture.HF.resolve("model.safetensors"))) {
            dvlcap.model.SafetensorsWriter w = new dvlcap.model.SafetensorsWriter();
            for (String name : f32.names()) {
                w.add(name, DType.BF16, f32.floats(name, f32.shape(name)), f32.shape(name));
            }
            w.write(bf16);
        }
        ModelConfig config = dvlcap.model.ModelConfigReader.read(QwenParityFixture.HF.resolve("config.json"));
        Backend vec = new VectorBackend();
        VisionInput image = QwenParityFixture.imageB();
        try (dvlcap.model.SafetensorsFile file = dvlcap.model.SafetensorsFile.open(bf16)) {
            dvlcap.model.QwenVlTensorNames names = dvlcap.model.QwenVlTensorNames.detect(file, file.file());
            RecordingSource src = new RecordingSource(file);
            float[] mapped, widened;
            try (QwenVisionEncoder enc = QwenVisionEncoder.load(vec, config.qwenVl().vision(), names.visionView(src))) {
                mapped = read(vec, enc, image, config);
            }
            try (QwenVisionEncoder enc = QwenVisionEncoder.load(vec, config.qwenVl().vision(),
                    names.visionView(MapWeightSource.copyOf(file, "widened")))) {
                widened = read(vec, enc, image, config);
            }
            assertEquals(widened.length, mapped.length);
            double scale = 0, diff = 0;
            for (int i = 0; i < mapped.length; i++) {
                scale = Math.max(scale, Math.abs(widened[i]));
                diff = Math.max(diff, Math.abs(widened[i] - mapped[i]));
            }
            assertTrue(diff <= 1e-5 * scale, "mapped bf16 tower vs widened: max |d| " + diff + " at scale " + scale);
            for (String name : src.asFloats) {
                assertTrue(file.shape(name).length == 1, name + " was converted to float32 although it is a matrix");
            }
            assertTrue(src.asStored.stream().allMatch(t -> t.dtype() == DType.BF16 && !t.onHeap()));
        }
    }

    private static float[] read(Backend b, QwenVisionEncoder enc, VisionInput image, ModelConfig config) {
        try (Tensor t = enc.encode(image)) {
            float[] out = new float[enc.tokens(image) * config.text().hiddenSize()];
            b.read(t, 0, out, 0, out.length);
            return out;
        }
    }
}

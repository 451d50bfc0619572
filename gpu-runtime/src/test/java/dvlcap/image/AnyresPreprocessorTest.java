package dvlcap.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dvlcap.model.ImageTiling;
import dvlcap.model.ImageTiling.Resolution;
import dvlcap.model.ModelConfig;
import dvlcap.model.ModelConfigReader;
import dvlcap.model.VisionConfig;
import dvlcap.testing.AnyresFixture;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** LLaVA-NeXT's process_anyres_image, against the tiles DiffusionVL's code made (parity/fx_anyres.py). */
class AnyresPreprocessorTest {

    @Test
    void tilesMatchTheReleaseCodeWithin1e6() throws IOException {
        try (AnyresFixture fx = new AnyresFixture()) {
            ModelConfig config = ModelConfigReader.read(fx.modelDir().resolve("config.json"));
            int s = config.vision().imageSize();
            AnyresPreprocessor pre = new AnyresPreprocessor(PreprocessorConfig.siglip(s), config.vision(),
                    config.tiling().pinpoints());
            for (JsonNode c : fx.cases()) {
                String name = c.get("name").asText();
                BufferedImage img = ImageIO.read(fx.image(name).toFile());
                VisionInput in = pre.preprocess(img);
                assertEquals(c.get("gridRows").asInt(), in.gridRows(), name);
                assertEquals(c.get("gridCols").asInt(), in.gridCols(), name);
                assertEquals(c.get("width").asInt(), in.originalWidth(), name);
                assertEquals(c.get("height").asInt(), in.originalHeight(), name);
                int tiles = 1 + in.gridRows() * in.gridCols();
                float[] ref = fx.pixels.floats(name, tiles, 3, s, s);
                double d = AnyresFixture.maxAbsDiff(in.pixels(), ref);
                assertTrue(d <= 1e-6, name + ": max |dpixel| " + d);
                System.out.printf("anyres pixels %s: %d tiles, max|d| %.2e%n", name, tiles, d);
            }
        }
    }

    @Test
    void padModeTileMatchesTheReleaseCodeWithin1e6() throws IOException {
        try (AnyresFixture fx = new AnyresFixture()) {
            ModelConfig config = ModelConfigReader.read(fx.modelDir().resolve("config.json"));
            int s = config.vision().imageSize();
            ImagePreprocessor pad = new ImagePreprocessor(PreprocessorConfig.siglip(s), config.vision(), AspectMode.PAD);
            int checked = 0;
            for (JsonNode c : fx.cases()) {
                JsonNode u = c.get("untiled");
                if (u == null) {
                    continue;
                }
                float[] px = pad.tile(ImageIO.read(fx.image(c.get("name").asText()).toFile()));
                double d = AnyresFixture.maxAbsDiff(px, fx.pixels.floats(u.get("pixels").asText(), 3, s, s));
                assertTrue(d <= 1e-6, u + ": max |dpixel| " + d);
                checked++;
            }
            assertEquals(1, checked);
        }
    }

    @Test
    void bestResolutionAndGridAtThe384PixelTilesOfTheRelease() {
        try (AnyresFixture fx = new AnyresFixture()) {
            JsonNode geo = fx.meta.get("geometry384");
            List<Resolution> pins = ImageTiling.expandGrid(geo.get("pinpoints").asText(), 384);
            for (JsonNode g : geo.get("sizes")) {
                int w = g.get("width").asInt(), h = g.get("height").asInt();
                Resolution best = AnyresPreprocessor.selectBestResolution(w, h, pins);
                String what = w + "x" + h;
                assertEquals(g.get("best").get(0).asInt(), best.width(), what);
                assertEquals(g.get("best").get(1).asInt(), best.height(), what);
                assertEquals(g.get("gridCols").asInt(), best.width() / 384, what);
                assertEquals(g.get("gridRows").asInt(), best.height() / 384, what);
            }
        }
    }

    @Test
    void equalEffectiveResolutionPrefersLessWasteThenTheFirstListed() {
        // a 100x50 image fits wholly in all three; 200x100 wastes least; the duplicate later is ignored
        List<Resolution> pins = List.of(new Resolution(400, 400), new Resolution(200, 100), new Resolution(200, 200),
                new Resolution(200, 100));
        assertEquals(pins.get(1), AnyresPreprocessor.selectBestResolution(100, 50, pins));
        assertTrue(pins.get(1) == AnyresPreprocessor.selectBestResolution(100, 50, pins));
        // larger than every candidate: the one keeping most pixels wins even though it is not the largest area
        assertEquals(new Resolution(200, 100), AnyresPreprocessor.selectBestResolution(1000, 500,
                List.of(new Resolution(200, 200), new Resolution(200, 100))));
    }

    @Test
    void resizeAndPadFillsOneSideRoundingTheOtherUpAndCentresOnBlack() {
        BufferedImage white = new BufferedImage(30, 10, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 30; x++) {
                white.setRGB(x, y, 0xFFFFFF);
            }
        }
        // scale 54/30 = 1.8: height ceil(18.0) = 18, pasted at (54 - 18) // 2 = 18
        BufferedImage out = AnyresPreprocessor.resizeAndPad(white, new Resolution(54, 54));
        assertEquals(0, out.getRGB(0, 17) & 0xFFFFFF);
        assertEquals(0xFFFFFF, out.getRGB(0, 18) & 0xFFFFFF);
        assertEquals(0xFFFFFF, out.getRGB(53, 35) & 0xFFFFFF);
        assertEquals(0, out.getRGB(53, 36) & 0xFFFFFF);
    }

    @Test
    void baseTileIsTheWholeImageStretchedAndTilesAreRowMajor() {
        VisionConfig v = new VisionConfig(8, 8, 1, 1, 4, 2, 3, 1e-6f, true);
        AnyresPreprocessor pre = new AnyresPreprocessor(PreprocessorConfig.siglip(4), v,
                List.of(new Resolution(8, 4), new Resolution(4, 8)));
        BufferedImage img = new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 8; x++) {
            for (int y = 0; y < 4; y++) {
                img.setRGB(x, y, x < 4 ? 0x102030 : 0xF0E0D0);
            }
        }
        List<BufferedImage> tiles = pre.tiles(img);
        assertEquals(3, tiles.size());
        assertEquals(0x102030, tiles.get(1).getRGB(3, 3) & 0xFFFFFF, "left half first");
        assertEquals(0xF0E0D0, tiles.get(2).getRGB(0, 0) & 0xFFFFFF);
        VisionInput in = pre.preprocess(img);
        assertEquals(1, in.gridRows());
        assertEquals(2, in.gridCols());
        assertEquals(3 * 3 * 4 * 4, in.pixels().length);
    }

    @Test
    void imageTooThinToKeepAPixelStillGetsTheLeastWastefulResolution() {
        // 1x10 keeps int(1 * 0.4) = 0 columns in 4x4 and in 8x4: every candidate keeps nothing, so the
        // smaller area wins (Python's loop does the same; the image is then stretched to 1 column)
        VisionConfig v = new VisionConfig(8, 8, 1, 1, 4, 2, 3, 1e-6f, true);
        List<Resolution> pins = List.of(new Resolution(8, 4), new Resolution(4, 4));
        assertEquals(new Resolution(4, 4), AnyresPreprocessor.selectBestResolution(1, 10, pins));
        VisionInput in = new AnyresPreprocessor(PreprocessorConfig.siglip(4), v, pins)
                .preprocess(new BufferedImage(1, 10, BufferedImage.TYPE_INT_RGB));
        assertEquals(2 * 3 * 4 * 4, in.pixels().length);
    }
}

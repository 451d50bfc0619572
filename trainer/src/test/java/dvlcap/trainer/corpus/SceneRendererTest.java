package dvlcap.trainer.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class SceneRendererTest {

    @Test
    void sameSceneGivesIdenticalPngBytes() {
        SceneGenerator g = new SceneGenerator(11);
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(new SceneRenderer().png(g.scene(i)), new SceneRenderer().png(new SceneGenerator(11).scene(i)));
        }
    }

    @Test
    void pngDecodesTo64x64RgbWithShapeColoursAtCellCentres() throws IOException {
        Scene s = Scenes.twoObjects();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(new SceneRenderer().png(s)));
        assertEquals(64, img.getWidth());
        assertEquals(64, img.getHeight());
        assertFalse(img.getColorModel().hasAlpha());
        // Cell centres: (64/6, 64/6) for top left, (5*64/6, 64/6) for top right.
        assertEquals(Colour.RED.rgb().getRGB(), img.getRGB(10, 10));
        assertEquals(Colour.BLUE.rgb().getRGB(), img.getRGB(53, 10));
        assertEquals(Background.GRAY.rgb().getRGB(), img.getRGB(32, 32));
        assertEquals(Background.GRAY.rgb().getRGB(), img.getRGB(0, 63));
    }

    @Test
    void edgesAreAntialiased() {
        BufferedImage img = new SceneRenderer().render(Scenes.twoObjects());
        int[] row = img.getRGB(0, 10, 22, 1, null, 0, 22);
        long distinct = Arrays.stream(row).distinct().count();
        // background, red, and blended edge pixels in between
        assertFalse(distinct <= 2, "expected blended edge pixels, got " + distinct + " colours");
    }
}

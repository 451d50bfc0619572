package dvlcap.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MapWeightSourceTest {

    @Test
    void shapeDisagreeingWithExpectationAndMissingTensorAreNamed() {
        MapWeightSource m = new MapWeightSource("trainer-state").put("w", new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        ModelFileException e = assertThrows(ModelFileException.class, () -> m.floats("w", 3, 2));
        assertTrue(e.getMessage().contains("trainer-state") && e.getMessage().contains("'w'")
                && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
        e = assertThrows(ModelFileException.class, () -> m.shape("v"));
        assertTrue(e.getMessage().contains("trainer-state") && e.getMessage().contains("'v'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.put("x", new float[5], 2, 3));
    }

    @Test
    void returnsCopiesSoCallersCannotChangeTheSource() {
        float[] data = {1, 2};
        MapWeightSource m = new MapWeightSource().put("w", data, 2);
        data[0] = 9;
        float[] got = m.floats("w", 2);
        got[1] = 9;
        assertArrayEquals(new float[] {1, 2}, m.floats("w", 2));
    }

    @Test
    void copiesAFileSource(@TempDir Path dir) {
        Path f = dir.resolve("m.safetensors");
        new SafetensorsWriter().add("a", DType.BF16, new float[] {1.5f, -0.25f}, 1, 2).write(f);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            MapWeightSource m = MapWeightSource.copyOf(s, "copy");
            assertArrayEquals(new long[] {1, 2}, m.shape("a"));
            assertArrayEquals(new float[] {1.5f, -0.25f}, m.floats("a", 1, 2));
            assertEquals(s.names(), m.names());
        }
    }
}

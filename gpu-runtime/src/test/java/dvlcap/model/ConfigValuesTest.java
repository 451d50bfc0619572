package dvlcap.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigValuesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConfigValues vision(String json) throws Exception {
        JsonNode root = JSON.readTree("{\"vision_config\": " + json + "}");
        return new ConfigValues(root, "").child("vision_config");
    }

    private static String error(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void wholeNumbersAreAcceptedAlsoWhenWrittenAsFloats() throws Exception {
        ConfigValues v = vision("{\"a\": 128, \"b\": 128.0}");
        assertEquals(128, v.requiredInt("a", 1, 256));
        assertEquals(128, v.requiredInt("b", 1, 256));
    }

    @Test
    void fractionsStringsBooleansAndOutOfRangeValuesNameThePathTheValueAndTheRange() throws Exception {
        ConfigValues v = vision("{\"f\": 2.5, \"s\": \"128\", \"t\": true, \"big\": 99999999999999999999, \"neg\": -1}");
        for (String key : new String[] {"f", "s", "t", "big", "neg"}) {
            String m = error(() -> v.requiredInt(key, 1, 256));
            assertTrue(m.startsWith("vision_config." + key + " must be a whole number from 1 to 256, got "), m);
        }
        assertTrue(error(() -> v.requiredInt("missing", 1, 256)).contains("vision_config.missing is missing"));
    }

    @Test
    void absentOrNullOptionalKeysTakeTheirDefaultButPresentOnesAreChecked() throws Exception {
        ConfigValues v = vision("{\"n\": null, \"eps\": \"1e-6\", \"flag\": 1, \"name\": 5}");
        assertEquals(7, v.intOr("n", 7, 1, 8));
        assertEquals(7, v.intOr("absent", 7, 1, 8));
        assertEquals(1e-6, v.numberOr("absent", 1e-6, 0, 1));
        assertFalse(v.has("n"));
        assertTrue(error(() -> v.numberOr("eps", 1e-6, 0, 1)).contains("vision_config.eps must be a number"));
        assertTrue(error(() -> v.boolOr("flag", false)).contains("vision_config.flag must be true or false, got 1"));
        assertTrue(error(() -> v.textOr("name", "x")).contains("vision_config.name must be a string, got 5"));
    }

    @Test
    void nonFiniteNumbersAreRefused() throws Exception {
        ConfigValues v = vision("{\"theta\": 1e400}");
        assertTrue(error(() -> v.numberOr("theta", 1, 1, Float.MAX_VALUE)).contains("vision_config.theta"));
    }
}

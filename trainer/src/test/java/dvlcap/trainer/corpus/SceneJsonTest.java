package dvlcap.trainer.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SceneJsonTest {

    @Test
    void jsonRoundTripsEveryScene() {
        SceneGenerator g = new SceneGenerator(21);
        for (int i = 0; i < 300; i++) {
            Scene s = g.scene(i);
            assertEquals(s, SceneJson.fromJson(SceneJson.toJson(s).toString()));
        }
    }

    @Test
    void jsonNamesEveryField() {
        assertEquals("{\"background\":\"gray\",\"objects\":["
                        + "{\"shape\":\"circle\",\"colour\":\"red\",\"size\":\"large\",\"row\":\"top\",\"column\":\"left\"},"
                        + "{\"shape\":\"square\",\"colour\":\"blue\",\"size\":\"small\",\"row\":\"top\",\"column\":\"right\"}],"
                        + "\"relations\":[{\"subject\":1,\"object\":0,\"relation\":\"to the right of\"}]}",
                SceneJson.toJson(Scenes.twoObjects()).toString());
    }
}

package dvlcap.trainer.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The scene as JSON, as stored in the manifest:
 * {@code {"background":"dark blue","objects":[{"shape":"circle","colour":"red","size":"large",
 * "row":"top","column":"left"},...],"relations":[{"subject":1,"object":0,"relation":"to the
 * right of"},...]}}. Objects are in reading order; relations are those the canonical detailed
 * caption states (each object relative to the one before it) and are ignored when reading.
 */
public final class SceneJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SceneJson() {
    }

    public static ObjectNode toJson(Scene scene) {
        ObjectNode root = JSON.createObjectNode();
        root.put("background", scene.background().phrase());
        ArrayNode objects = root.putArray("objects");
        for (SceneObject o : scene.objects()) {
            ObjectNode n = objects.addObject();
            n.put("shape", o.shape().word());
            n.put("colour", o.colour().word());
            n.put("size", o.size().word());
            n.put("row", o.cell().row().word());
            n.put("column", o.cell().column().word());
        }
        ArrayNode relations = root.putArray("relations");
        for (Relation r : scene.relations()) {
            ObjectNode n = relations.addObject();
            n.put("subject", r.subject());
            n.put("object", r.object());
            n.put("relation", r.phrase());
        }
        return root;
    }

    /** Reads a scene back, e.g. from {@code ManifestEntry.sceneJson()}. */
    public static Scene fromJson(String json) {
        try {
            return fromJson(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("scene is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static Scene fromJson(JsonNode root) {
        Background background = Background.fromPhrase(root.path("background").asText());
        if (background == null) {
            throw new IllegalArgumentException("unknown background " + root.path("background"));
        }
        List<SceneObject> objects = new ArrayList<>();
        for (JsonNode n : root.path("objects")) {
            objects.add(new SceneObject(
                    require(ShapeKind.fromWord(n.path("shape").asText()), "shape", n),
                    require(Colour.fromWord(n.path("colour").asText()), "colour", n),
                    require(Size.fromWord(n.path("size").asText()), "size", n),
                    new Cell(Cell.Row.valueOf(n.path("row").asText().toUpperCase(Locale.ROOT)),
                            Cell.Column.valueOf(n.path("column").asText().toUpperCase(Locale.ROOT)))));
        }
        return Scene.of(background, objects);
    }

    private static <T> T require(T value, String field, JsonNode node) {
        if (value == null) {
            throw new IllegalArgumentException("bad " + field + " in " + node);
        }
        return value;
    }
}

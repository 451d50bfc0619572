package dvlcap.trainer.corpus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A synthetic scene: 1 to 4 shapes on a background, each in its own grid cell, with no two
 * shapes of the same colour and kind (so "the red circle" always names one object), and no
 * shape colour the background hides. Objects are kept in reading order of their cells.
 */
public record Scene(Background background, List<SceneObject> objects) {

    public static final int MAX_OBJECTS = 4;

    public Scene {
        objects = List.copyOf(objects);
        if (background == null || objects.isEmpty() || objects.size() > MAX_OBJECTS) {
            throw new IllegalArgumentException("a scene has a background and 1.." + MAX_OBJECTS + " objects");
        }
        Set<Cell> cells = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < objects.size(); i++) {
            SceneObject o = objects.get(i);
            if (!cells.add(o.cell())) {
                throw new IllegalArgumentException("two objects in cell " + o.cell());
            }
            if (!names.add(o.name())) {
                throw new IllegalArgumentException("two objects named " + o.name());
            }
            if (!background.allows(o.colour())) {
                throw new IllegalArgumentException(o.colour() + " is not allowed on " + background);
            }
            if (i > 0 && objects.get(i - 1).cell().compareTo(o.cell()) > 0) {
                throw new IllegalArgumentException("objects must be in reading order; use Scene.of");
            }
        }
    }

    /** A scene with the objects put in reading order. */
    public static Scene of(Background background, List<SceneObject> objects) {
        List<SceneObject> sorted = new ArrayList<>(objects);
        sorted.sort(Comparator.comparing(SceneObject::cell));
        return new Scene(background, sorted);
    }

    /** Each object (from the second on) relative to the one before it in reading order. */
    public List<Relation> relations() {
        List<Relation> out = new ArrayList<>();
        for (int i = 1; i < objects.size(); i++) {
            out.add(Relation.between(i, objects.get(i), i - 1, objects.get(i - 1)));
        }
        return out;
    }
}

package dvlcap.trainer.corpus;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Deterministic random scenes: scene {@code i} of seed {@code s} depends only on (s, i), so
 * any scene can be produced on its own, in any order. Object count is uniform in 1..4,
 * background, cells, colours (among those the background allows), kinds and sizes uniform.
 */
public final class SceneGenerator {

    private final long seed;

    public SceneGenerator(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** The scene with the given index. */
    public Scene scene(long index) {
        SplittableRandom rnd = new SplittableRandom(mix(seed, index));
        Background background = pick(rnd, Background.values());
        List<Colour> colours = new ArrayList<>();
        for (Colour c : Colour.values()) {
            if (background.allows(c)) {
                colours.add(c);
            }
        }
        int count = 1 + rnd.nextInt(Scene.MAX_OBJECTS);
        List<Integer> cells = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8));
        List<SceneObject> objects = new ArrayList<>();
        Set<String> names = new HashSet<>();
        while (objects.size() < count) {
            Colour colour = colours.get(rnd.nextInt(colours.size()));
            ShapeKind shape = pick(rnd, ShapeKind.values());
            if (!names.add(colour.word() + " " + shape.word())) {
                continue; // keep "the <colour> <shape>" unambiguous
            }
            Size size = pick(rnd, Size.values());
            Cell cell = Cell.of(cells.remove(rnd.nextInt(cells.size())));
            objects.add(new SceneObject(shape, colour, size, cell));
        }
        return Scene.of(background, objects);
    }

    private static <T> T pick(SplittableRandom rnd, T[] values) {
        return values[rnd.nextInt(values.length)];
    }

    /**
     * A well-mixed stream seed for (seed, index): nearby seeds or indices must not give
     * overlapping SplittableRandom streams, so both go through a 64-bit finaliser.
     */
    static long mix(long seed, long index) {
        return fmix(fmix(seed) ^ (index * 0xD1B54A32D192ED03L + 0x5851F42D4C957F2DL));
    }

    private static long fmix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}

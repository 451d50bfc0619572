package dvlcap.trainer.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Writes a shapes corpus: {@code images/<split>-<index>.png} per scene and
 * {@code manifest.jsonl} with one line per (image, style):
 * {@code {"id","file","split","style","prompt","caption","references":[...],"scene":{...}}}.
 * The id is {@code <split>-<index, 6 digits>-<style>}; with several styles the lines of one
 * image share its file. Scene i comes from {@link SceneGenerator#scene}(i) of the seed, so
 * the same (seed, n, split, styles) gives the same bytes. The manifest is written to a
 * temporary file and moved into place, replacing an earlier one.
 */
public final class CorpusWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SceneGenerator generator;
    private final SceneRenderer renderer = new SceneRenderer();

    public CorpusWriter(long seed) {
        this.generator = new SceneGenerator(seed);
    }

    /**
     * Writes {@code n} images under {@code out}; {@code progress} gets the number of images
     * done after each one. Returns the number of manifest lines.
     */
    public int write(Path out, int n, String split, List<CaptionStyle> styles, IntConsumer progress)
            throws IOException {
        Path images = Files.createDirectories(out.resolve("images"));
        Path manifest = out.resolve("manifest.jsonl");
        Path tmp = out.resolve("manifest.jsonl.tmp");
        int lines = 0;
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (int i = 0; i < n; i++) {
                Scene scene = generator.scene(i);
                String imageId = String.format("%s-%06d", split, i);
                String file = "images/" + imageId + ".png";
                Files.write(images.resolve(imageId + ".png"), renderer.png(scene));
                for (CaptionStyle style : styles) {
                    w.write(line(imageId + "-" + style.word(), file, split, style, scene));
                    w.write('\n');
                    lines++;
                }
                progress.accept(i + 1);
            }
        }
        Files.move(tmp, manifest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return lines;
    }

    /** One manifest line (without the newline). */
    static String line(String id, String file, String split, CaptionStyle style, Scene scene) {
        List<String> refs = CaptionGrammar.references(scene, style);
        ObjectNode node = JSON.createObjectNode();
        node.put("id", id);
        node.put("file", file);
        node.put("split", split);
        node.put("style", style.word());
        node.put("prompt", style.prompt());
        node.put("caption", refs.get(0));
        refs.forEach(node.putArray("references")::add);
        node.set("scene", SceneJson.toJson(scene));
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dvlcap.quality;

import java.io.Serializable;
import java.util.List;

/**
 * One line of a shapes-corpus {@code manifest.jsonl}.
 *
 * @param id         unique id of this (image, style) example
 * @param file       image path relative to the manifest's directory, e.g. {@code images/x.png}
 * @param split      split name, e.g. {@code train} or {@code test}
 * @param style      caption style, {@code short} or {@code detailed}
 * @param prompt     the user prompt that asks for this style
 * @param caption    the canonical training target
 * @param references the caption plus paraphrases, for multi-reference metrics
 * @param sceneJson  the scene as raw JSON text (parsed by the trainer, opaque here)
 */
public record ManifestEntry(String id, String file, String split, String style, String prompt,
                            String caption, List<String> references, String sceneJson)
        implements Serializable {

    public ManifestEntry {
        references = List.copyOf(references);
    }
}

package dvlcap.trainer.corpus;

import java.util.List;

/** What {@link CaptionParser} read from a caption; {@code background} is null if unstated. */
public record ParsedCaption(List<ParsedObject> objects, Background background) {

    public ParsedCaption {
        objects = List.copyOf(objects);
    }
}

package dvlcap.trainer.corpus;

/** The two caption styles; the prompt tells the model which one is wanted. */
public enum CaptionStyle {
    /** Colour and kind of every object: "a red circle and a blue square." */
    SHORT("short", CaptionGrammar.PROMPT_SHORT),
    /** Size, colour, kind and cell of every object, relations and the background. */
    DETAILED("detailed", CaptionGrammar.PROMPT_DETAILED);

    private final String word;
    private final String prompt;

    CaptionStyle(String word, String prompt) {
        this.word = word;
        this.prompt = prompt;
    }

    /** The name used in manifests and on the command line. */
    public String word() {
        return word;
    }

    public String prompt() {
        return prompt;
    }

    /** The style a word names, or null. */
    public static CaptionStyle fromWord(String word) {
        for (CaptionStyle s : values()) {
            if (s.word.equals(word)) {
                return s;
            }
        }
        return null;
    }
}

package dvlcap.quality;

/**
 * Corpus-level caption quality: BLEU-1..4, ROUGE-L and CIDEr-D (COCO caption evaluation
 * definitions) over {@code n} images. BLEU and ROUGE-L lie in [0, 1]; CIDEr-D in [0, 10]
 * per image (10 = every reference matched exactly with unique n-grams).
 */
public record CaptionScores(double bleu1, double bleu2, double bleu3, double bleu4,
                            double rougeL, double ciderD, int n) {

    /** The scores of an empty corpus. */
    public static CaptionScores empty() {
        return new CaptionScores(0, 0, 0, 0, 0, 0, 0);
    }
}

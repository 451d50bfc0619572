package dvlcap.quality;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores captions against references the way the COCO caption evaluation does: every
 * caption goes through {@link PtbTokenizer}, then BLEU-1..4 ({@link Bleu}), ROUGE-L
 * ({@link RougeL}) and CIDEr-D ({@link CiderD}) are computed over the whole corpus.
 */
public final class CaptionMetrics {

    private CaptionMetrics() {
    }

    /**
     * Scores {@code hypotheses.get(i)} against {@code references.get(i)} for every image i.
     *
     * @throws IllegalArgumentException if the lists differ in size or an image has no
     *                                  reference
     */
    public static CaptionScores score(List<String> hypotheses, List<List<String>> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException("hypotheses (" + hypotheses.size()
                    + ") and references (" + references.size() + ") differ in number of images");
        }
        List<List<String>> hyps = new ArrayList<>();
        List<List<List<String>>> refs = new ArrayList<>();
        for (int i = 0; i < hypotheses.size(); i++) {
            if (references.get(i).isEmpty()) {
                throw new IllegalArgumentException("image " + i + " has no reference caption");
            }
            hyps.add(PtbTokenizer.tokenize(hypotheses.get(i)));
            List<List<String>> r = new ArrayList<>();
            for (String ref : references.get(i)) {
                r.add(PtbTokenizer.tokenize(ref));
            }
            refs.add(r);
        }
        return scoreTokenized(hyps, refs);
    }

    /** Scores captions that are already tokenized (no further normalisation). */
    public static CaptionScores scoreTokenized(List<List<String>> hypotheses,
                                               List<List<List<String>>> references) {
        if (hypotheses.isEmpty()) {
            return CaptionScores.empty();
        }
        double[] bleu = Bleu.score(hypotheses, references);
        return new CaptionScores(bleu[0], bleu[1], bleu[2], bleu[3],
                RougeL.score(hypotheses, references),
                CiderD.score(hypotheses, references),
                hypotheses.size());
    }
}

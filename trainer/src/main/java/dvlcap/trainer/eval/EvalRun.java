package dvlcap.trainer.eval;

import dvlcap.quality.CaptionScores;

/**
 * One decoding configuration evaluated on a corpus: quality and speed.
 *
 * @param objectF1 mean over images of the object F1 between the parsed caption and the true scene
 * @param tokensPerForward generated tokens divided by the forwards each caption took part in
 */
public record EvalRun(String name, String decoder, int blockSize, int steps, String remasking, float threshold,
                      int captions, CaptionScores scores, double objectF1, double tokensPerSecond,
                      double tokensPerForward, double forwardsPerCaption, double captionsPerSecond, double seconds) {
}

package dvlcap.trainer.eval;

import dvlcap.quality.CaptionScores;

/**
 * One decoding configuration evaluated on a corpus: quality and speed.
 *
 * @param subBlock sub-block size of sub-block denoising, 0 when off
 * @param objectF1 mean over images of the object F1 between the parsed caption and the true scene
 * @param tokensPerForward generated tokens divided by the forwards each caption took part in
 * @param tokensPerVerify speculative decoding only (else null): tokens emitted per draft + verify
 *        step, the accepted drafts plus the correction (the prefill's token not counted)
 * @param identicalToAr captions whose tokens equal the AR run's in the same eval, or null when no
 *        AR run preceded this one (or this is it)
 */
public record EvalRun(String name, String decoder, int blockSize, int steps, String remasking, float threshold,
                      int subBlock, int captions, CaptionScores scores, double objectF1, double tokensPerSecond,
                      double tokensPerForward, double forwardsPerCaption, double captionsPerSecond, double seconds,
                      Double tokensPerVerify, Integer identicalToAr) {

    public EvalRun withIdenticalToAr(int n) {
        return new EvalRun(name, decoder, blockSize, steps, remasking, threshold, subBlock, captions, scores, objectF1,
                tokensPerSecond, tokensPerForward, forwardsPerCaption, captionsPerSecond, seconds, tokensPerVerify, n);
    }
}

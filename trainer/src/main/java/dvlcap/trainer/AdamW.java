package dvlcap.trainer;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter): {@code p -= lr * (mhat / (sqrt(vhat) +
 * eps) + wd * p)}. Norm weights and biases are not decayed; tensors no forward pass reads are not
 * touched at all. Gradients are clipped to a global L2 norm first.
 */
public final class AdamW {
    private final double beta1, beta2, eps, weightDecay, clipNorm;
    private final Parameters m, v;
    private final Set<String> frozen = new TreeSet<>();
    private int step;

    public AdamW(Parameters params, double beta1, double beta2, double eps, double weightDecay, double clipNorm,
                 List<String> frozenPrefixes) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        this.m = params.zerosLike();
        this.v = params.zerosLike();
        for (String name : params.names()) {
            if (frozenPrefixes.stream().anyMatch(name::startsWith)) {
                frozen.add(name);
            }
        }
    }

    /** Norms and biases keep their scale: decaying them toward zero only hurts. */
    static boolean decays(String name) {
        return !name.endsWith(".bias") && !name.contains("norm");
    }

    /**
     * One update with learning rate {@code lr}; returns the gradient norm before clipping.
     * {@code grads} is scaled in place when clipped.
     */
    public double update(Parameters params, Parameters grads, double lr) {
        double norm = grads.norm();
        if (clipNorm > 0 && norm > clipNorm) {
            grads.scale((float) (clipNorm / norm));
        }
        step++;
        double c1 = 1 - Math.pow(beta1, step), c2 = 1 - Math.pow(beta2, step);
        for (String name : params.names()) {
            if (frozen.contains(name)) {
                continue;
            }
            float[] p = params.get(name), g = grads.get(name), mm = m.get(name), vv = v.get(name);
            double wd = decays(name) ? weightDecay : 0;
            for (int i = 0; i < p.length; i++) {
                mm[i] = (float) (beta1 * mm[i] + (1 - beta1) * g[i]);
                vv[i] = (float) (beta2 * vv[i] + (1 - beta2) * (double) g[i] * g[i]);
                double update = (mm[i] / c1) / (Math.sqrt(vv[i] / c2) + eps) + wd * p[i];
                p[i] = (float) (p[i] - lr * update);
            }
        }
        return norm;
    }

    public int step() {
        return step;
    }
}

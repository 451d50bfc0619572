// Greedy choice per row of logits: the argmax (first index on ties) and its softmax probability,
// so that only an id and a confidence per row cross to the host. One block per row. NaN as in the
// CPU reference (CpuBackend.argmaxConfidence): see below.
#include "common.cuh"

__device__ __forceinline__ bool better(float v, int i, float bv, int bi) {
    return v > bv || (v == bv && i < bi);
}

DVL_KERNEL void argmax_confidence(const float* __restrict__ logits, int vocab, int* __restrict__ ids,
        float* __restrict__ confidence) {
    __shared__ float sv[32];
    __shared__ int si[32];
    __shared__ double sd[32];
    const float* lr = logits + (size_t) blockIdx.x * vocab;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;

    float bv = -INFINITY;
    int bi = 0x7fffffff;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
        if (better(lr[i], i, bv, bi)) {
            bv = lr[i];
            bi = i;
        }
    }
    for (int off = 16; off > 0; off >>= 1) {
        float ov = __shfl_xor_sync(FULL_MASK, bv, off);
        int oi = __shfl_xor_sync(FULL_MASK, bi, off);
        if (better(ov, oi, bv, bi)) {
            bv = ov;
            bi = oi;
        }
    }
    if (lane == 0) {
        sv[warp] = bv;
        si[warp] = bi;
    }
    __syncthreads();
    if (warp == 0) {
        bv = lane < warps ? sv[lane] : -INFINITY;
        bi = lane < warps ? si[lane] : 0x7fffffff;
        for (int off = 16; off > 0; off >>= 1) {
            float ov = __shfl_xor_sync(FULL_MASK, bv, off);
            int oi = __shfl_xor_sync(FULL_MASK, bi, off);
            if (better(ov, oi, bv, bi)) {
                bv = ov;
                bi = oi;
            }
        }
        if (lane == 0) {
            sv[0] = bv;
            si[0] = bi;
        }
    }
    __syncthreads();
    // The CPU reference scans from index 0 with a strict '>': a NaN at index 0 is never beaten, so
    // the row's choice is 0 and its maximum NaN (confidence NaN); a NaN elsewhere is passed over, as
    // here. All NaN: index 0 as well.
    const float first = lr[0];
    const bool nan0 = isnan(first);
    const float max = nan0 ? first : sv[0];
    const int best = nan0 || si[0] == 0x7fffffff ? 0 : si[0];
    __syncthreads();

    double sum = 0.0;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
        sum += exp((double) (lr[i] - max));
    }
    sum = block_sum(sum, sd);
    if (threadIdx.x == 0) {
        ids[blockIdx.x] = best;
        confidence[blockIdx.x] = (float) (1.0 / sum);
    }
}

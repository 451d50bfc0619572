// Attention of one sequence against its KV cache under a block-causal mask, grouped-query.
// One warp per (query row, head). Keys are taken 32 at a time, one per lane, with an online
// softmax (running max and sum, rescaled per chunk) so any cache length fits in registers.
#include "common.cuh"

#define ATT_WARPS 4
#define ATT_MAX_HEAD_DIM 256

// q and out point at the first query row; k and v at cache row 0. maskBlock == INT_MAX: no mask.
DVL_KERNEL void __launch_bounds__(ATT_WARPS * 32) attention(float* __restrict__ out, const float* __restrict__ q,
        const float* __restrict__ k, const float* __restrict__ v, int nq, int kvLen, int queryPos0, int maskBlock,
        int heads, int kvHeads, int headDim) {
    __shared__ float sq[ATT_WARPS][ATT_MAX_HEAD_DIM];
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const long long item = (long long) blockIdx.x * ATT_WARPS + warp;
    if (item >= (long long) nq * heads) {
        return; // a whole warp; no block barrier follows
    }
    const int i = (int) (item / heads), h = (int) (item % heads);
    const int kvh = h / (heads / kvHeads);
    const size_t qStride = (size_t) heads * headDim, kvStride = (size_t) kvHeads * headDim;

    const float* qr = q + i * qStride + (size_t) h * headDim;
    for (int d = lane; d < headDim; d += 32) {
        sq[warp][d] = qr[d];
    }
    __syncwarp();

    long long pos = (long long) queryPos0 + i;
    long long end = maskBlock == 0x7fffffff ? kvLen : (pos / maskBlock + 1) * (long long) maskBlock;
    const int visible = (int) (end < kvLen ? end : kvLen);
    const float scale = (float) (1.0 / sqrt((double) headDim));

    float m = -INFINITY, l = 0.f;
    float acc[ATT_MAX_HEAD_DIM / 32];
#pragma unroll
    for (int t = 0; t < ATT_MAX_HEAD_DIM / 32; t++) {
        acc[t] = 0.f;
    }
    const float* kh = k + (size_t) kvh * headDim;
    const float* vh = v + (size_t) kvh * headDim;
    for (int j0 = 0; j0 < visible; j0 += 32) {
        const int j = j0 + lane;
        float s = -INFINITY;
        if (j < visible) {
            const float* kr = kh + j * kvStride;
            float dot = 0.f;
            for (int d = 0; d < headDim; d++) {
                dot += sq[warp][d] * kr[d];
            }
            s = dot * scale;
        }
        const float mnew = fmaxf(m, warp_max(s)); // finite: key j0 is visible
        const float corr = expf(m - mnew);          // 0 on the first chunk (m = -inf)
        const float p = j < visible ? expf(s - mnew) : 0.f;
        l = l * corr + warp_sum(p);
#pragma unroll
        for (int t = 0; t < ATT_MAX_HEAD_DIM / 32; t++) {
            acc[t] *= corr;
        }
        const int count = min(32, visible - j0);
        for (int jj = 0; jj < count; jj++) {
            const float pj = __shfl_sync(FULL_MASK, p, jj);
            const float* vr = vh + (size_t) (j0 + jj) * kvStride;
#pragma unroll
            for (int t = 0; t < ATT_MAX_HEAD_DIM / 32; t++) {
                int d = lane + 32 * t;
                if (d < headDim) {
                    acc[t] += pj * vr[d];
                }
            }
        }
        m = mnew;
    }
    const float inv = l > 0.f ? 1.f / l : 0.f;
    float* orow = out + i * qStride + (size_t) h * headDim;
#pragma unroll
    for (int t = 0; t < ATT_MAX_HEAD_DIM / 32; t++) {
        int d = lane + 32 * t;
        if (d < headDim) {
            orow[d] = acc[t] * inv;
        }
    }
}

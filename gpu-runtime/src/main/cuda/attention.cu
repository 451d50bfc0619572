// Attention against a KV cache under a block-causal mask, grouped-query. One warp per (query row,
// head). Keys are taken 32 at a time, one per lane, with an online softmax (running max and sum,
// rescaled per chunk) so any cache length fits in registers. Two entry points share the loop:
// `attention` (one sequence, contiguous keys: the vision towers) and `attention_batched` (every
// sequence of a forward in one launch, keys read through each sequence's page table). A row's
// arithmetic is the same in both, whatever the batch and the page layout.
#include "common.cuh"

#define ATT_WARPS 4
#define ATT_MAX_HEAD_DIM 256
#define NO_MASK 0x7fffffff

// The batch layout, as dvlcap.backend.cuda.DeviceBatchLayout packs it: 8 ints per sequence.
#define SEQ_INTS 8
#define SEQ_ROW0 0
#define SEQ_ROWS 1
#define SEQ_POS0 2
#define SEQ_KV_LENGTH 3
#define SEQ_MASK_BLOCK 4
#define SEQ_PAGE_SIZE 5
#define SEQ_PAGE_OFFSET 6
#define SEQ_QUERY0 7

// The buffer row of position j: j itself for contiguous keys (pages == nullptr).
__device__ __forceinline__ int kv_row(const int* __restrict__ pages, int pageSize, int j) {
    return pages == nullptr ? j : pages[j / pageSize] * pageSize + j % pageSize;
}

__device__ __forceinline__ int visible_keys(long long pos, int maskBlock, int kvLen) {
    long long end = maskBlock == NO_MASK ? kvLen : (pos / maskBlock + 1) * (long long) maskBlock;
    return (int) (end < kvLen ? end : kvLen);
}

// One warp: softmax(q k^T / sqrt(d)) v over keys 0..visible-1 for one query row and head. `qr` and
// `orow` point at the head's slice of the query and output rows, `k` and `v` at kv head `kvh`'s
// slice of buffer row 0; `sq` is the warp's shared staging for the query. visible >= 1.
__device__ __forceinline__ void attend(float* __restrict__ orow, const float* __restrict__ qr,
        const float* __restrict__ kh, const float* __restrict__ vh, const int* __restrict__ pages, int pageSize,
        int visible, int headDim, size_t kvStride, float* sq, int lane) {
    for (int d = lane; d < headDim; d += 32) {
        sq[d] = qr[d];
    }
    __syncwarp();
    const float scale = (float) (1.0 / sqrt((double) headDim));

    float m = -INFINITY, l = 0.f;
    float acc[ATT_MAX_HEAD_DIM / 32];
#pragma unroll
    for (int t = 0; t < ATT_MAX_HEAD_DIM / 32; t++) {
        acc[t] = 0.f;
    }
    for (int j0 = 0; j0 < visible; j0 += 32) {
        const int j = j0 + lane;
        const int row = j < visible ? kv_row(pages, pageSize, j) : 0; // this lane's key, shared below
        float s = -INFINITY;
        if (j < visible) {
            const float* kr = kh + (size_t) row * kvStride;
            float dot = 0.f;
            for (int d = 0; d < headDim; d++) {
                dot += sq[d] * kr[d];
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
            const float* vr = vh + (size_t) __shfl_sync(FULL_MASK, row, jj) * kvStride;
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
#pragma unroll
    for (int t = 0; t < ATT_MAX_HEAD_DIM / 32; t++) {
        int d = lane + 32 * t;
        if (d < headDim) {
            orow[d] = acc[t] * inv;
        }
    }
}

// One sequence, contiguous keys. q and out point at the first query row; k and v at cache row 0.
// Grid: ceil(nq * heads / ATT_WARPS) blocks of ATT_WARPS warps.
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
    const size_t qo = i * qStride + (size_t) h * headDim;
    attend(out + qo, q + qo, k + (size_t) kvh * headDim, v + (size_t) kvh * headDim, nullptr, 1,
            visible_keys((long long) queryPos0 + i, maskBlock, kvLen), headDim, kvStride, sq[warp], lane);
}

// Every sequence of a forward in one launch. `seqs` holds SEQ_INTS ints per sequence, `seqOf` the
// sequence of each of the batch's `queries` query rows (in layout order), `pages` every sequence's
// page table one after another. q and out point at batch row 0; k and v at KV buffer row 0.
// Grid: ceil(queries * heads / ATT_WARPS) blocks of ATT_WARPS warps.
DVL_KERNEL void __launch_bounds__(ATT_WARPS * 32) attention_batched(float* __restrict__ out,
        const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
        const int* __restrict__ seqs, const int* __restrict__ seqOf, const int* __restrict__ pages, int queries,
        int heads, int kvHeads, int headDim) {
    __shared__ float sq[ATT_WARPS][ATT_MAX_HEAD_DIM];
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const long long item = (long long) blockIdx.x * ATT_WARPS + warp;
    if (item >= (long long) queries * heads) {
        return; // a whole warp; no block barrier follows
    }
    const int g = (int) (item / heads), h = (int) (item % heads);
    const int* s = seqs + (size_t) seqOf[g] * SEQ_INTS;
    const int i = g - s[SEQ_QUERY0];
    const int kvh = h / (heads / kvHeads);
    const size_t qStride = (size_t) heads * headDim, kvStride = (size_t) kvHeads * headDim;
    const size_t qo = (size_t) (s[SEQ_ROW0] + i) * qStride + (size_t) h * headDim;
    attend(out + qo, q + qo, k + (size_t) kvh * headDim, v + (size_t) kvh * headDim, pages + s[SEQ_PAGE_OFFSET],
            s[SEQ_PAGE_SIZE], visible_keys((long long) s[SEQ_POS0] + i, s[SEQ_MASK_BLOCK], s[SEQ_KV_LENGTH]),
            headDim, kvStride, sq[warp], lane);
}

// The KV write of a forward in one launch: query row g of the batch (layout as attention_batched)
// copies its key and value rows (kvDim floats, from its batch row) to the buffer row of its
// position. Grid: `queries` blocks.
DVL_KERNEL void kv_write(float* __restrict__ keys, float* __restrict__ values, const float* __restrict__ k,
        const float* __restrict__ v, const int* __restrict__ seqs, const int* __restrict__ seqOf,
        const int* __restrict__ pages, int kvDim) {
    const int g = blockIdx.x;
    const int* s = seqs + (size_t) seqOf[g] * SEQ_INTS;
    const int i = g - s[SEQ_QUERY0];
    const size_t src = (size_t) (s[SEQ_ROW0] + i) * kvDim;
    const size_t dst = (size_t) kv_row(pages + s[SEQ_PAGE_OFFSET], s[SEQ_PAGE_SIZE], s[SEQ_POS0] + i) * kvDim;
    for (int t = threadIdx.x; t < kvDim; t += blockDim.x) {
        keys[dst + t] = k[src + t];
        values[dst + t] = v[src + t];
    }
}

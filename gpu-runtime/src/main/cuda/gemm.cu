// out[r, o] = sum_i x[r, i] * w[o, i] + bias[o]: x fp32 (rows x K), w bf16 (M x K, the Hugging
// Face Linear layout), out fp32 (rows x M), bias fp32 or null.
//
// Which kernel runs is chosen from the weight's shape only (never from rows), and no kernel splits
// K, so each output row is computed by the same operations whatever the number of rows.
#include "common.cuh"

// ---- tensor-core kernel (sm_80+): mma.sync m16n8k16, bf16 inputs, fp32 accumulators --------------
// A CTA computes 32 rows x 64 outputs, walking K in steps of 32. Its 4 warps form 2 (rows) x 2
// (outputs); a warp owns 16 rows x 32 outputs = 4 mma tiles of 16 x 8.
// The fp32 activations are split into bf16 high and low parts (x ~= hi + lo, 16 significant bits)
// and both are multiplied, so activations keep near-fp32 precision and only the weights are bf16.
// Requires K % 8 == 0 (16-byte weight loads); the host uses gemm_bf16_simple otherwise.
#define GEMM_BM 32
#define GEMM_BN 64
#define GEMM_BK 32
#define GEMM_LD (GEMM_BK + 8) // smem row length in bf16: 80 bytes, so fragment loads hit 32 distinct banks

__device__ __forceinline__ void mma_bf16_16x8x16(float* d, const uint32_t* a, uint32_t b0, uint32_t b1) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 "
        "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

__device__ __forceinline__ uint32_t ld_pair(const uint16_t* p) {
    return *reinterpret_cast<const uint32_t*>(p);
}

DVL_KERNEL void __launch_bounds__(128) gemm_bf16_mma(float* __restrict__ out, const float* __restrict__ x,
        const uint16_t* __restrict__ w, const float* __restrict__ bias, int rows, int K, int M) {
    __shared__ __align__(16) uint16_t sw[GEMM_BN][GEMM_LD];
    __shared__ __align__(16) uint16_t sxh[GEMM_BM][GEMM_LD];
    __shared__ __align__(16) uint16_t sxl[GEMM_BM][GEMM_LD];

    const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
    const int g = lane >> 2, t = lane & 3; // mma fragment coordinates: group and thread in group
    const int row0 = blockIdx.y * GEMM_BM, col0 = blockIdx.x * GEMM_BN;
    const int wr = (warp >> 1) * 16, wc = (warp & 1) * 32;

    float acc[4][4];
#pragma unroll
    for (int n = 0; n < 4; n++) {
#pragma unroll
        for (int e = 0; e < 4; e++) {
            acc[n][e] = 0.f;
        }
    }

    for (int k0 = 0; k0 < K; k0 += GEMM_BK) {
        // weights: 64 rows x 4 chunks of 8 bf16; out-of-range chunks are zeros (they add exactly 0)
        for (int c = tid; c < GEMM_BN * 4; c += 128) {
            int r = c >> 2, kc = (c & 3) * 8;
            int n = col0 + r, k = k0 + kc;
            uint4 v = make_uint4(0u, 0u, 0u, 0u);
            if (n < M && k < K) {
                v = *reinterpret_cast<const uint4*>(w + (size_t) n * K + k);
            }
            *reinterpret_cast<uint4*>(&sw[r][kc]) = v;
        }
        // activations: 32 rows x 8 chunks of 4 floats, split into bf16 hi + lo
        for (int c = tid; c < GEMM_BM * 8; c += 128) {
            int r = c >> 3, kc = (c & 7) * 4;
            int m = row0 + r, k = k0 + kc;
            float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
            if (m < rows && k < K) {
                v = *reinterpret_cast<const float4*>(x + (size_t) m * K + k);
            }
            float f[4] = {v.x, v.y, v.z, v.w};
            uint16_t h[4], l[4];
#pragma unroll
            for (int e = 0; e < 4; e++) {
                split_bf16(f[e], h[e], l[e]);
            }
            *reinterpret_cast<uint2*>(&sxh[r][kc]) =
                make_uint2(h[0] | ((uint32_t) h[1] << 16), h[2] | ((uint32_t) h[3] << 16));
            *reinterpret_cast<uint2*>(&sxl[r][kc]) =
                make_uint2(l[0] | ((uint32_t) l[1] << 16), l[2] | ((uint32_t) l[3] << 16));
        }
        __syncthreads();

#pragma unroll
        for (int kk = 0; kk < GEMM_BK; kk += 16) {
            // A fragment (16 x 16, row-major): rows g and g+8, columns 2t, 2t+1 and 2t+8, 2t+9
            uint32_t ah[4], al[4];
            ah[0] = ld_pair(&sxh[wr + g][kk + 2 * t]);
            ah[1] = ld_pair(&sxh[wr + g + 8][kk + 2 * t]);
            ah[2] = ld_pair(&sxh[wr + g][kk + 2 * t + 8]);
            ah[3] = ld_pair(&sxh[wr + g + 8][kk + 2 * t + 8]);
            al[0] = ld_pair(&sxl[wr + g][kk + 2 * t]);
            al[1] = ld_pair(&sxl[wr + g + 8][kk + 2 * t]);
            al[2] = ld_pair(&sxl[wr + g][kk + 2 * t + 8]);
            al[3] = ld_pair(&sxl[wr + g + 8][kk + 2 * t + 8]);
#pragma unroll
            for (int n = 0; n < 4; n++) {
                // B fragment (16 x 8, column-major = a weight row): output g, k = 2t, 2t+1 and 2t+8, 2t+9
                const uint16_t* wrow = &sw[wc + n * 8 + g][kk];
                uint32_t b0 = ld_pair(wrow + 2 * t), b1 = ld_pair(wrow + 2 * t + 8);
                mma_bf16_16x8x16(acc[n], ah, b0, b1);
                mma_bf16_16x8x16(acc[n], al, b0, b1);
            }
        }
        __syncthreads();
    }

    // C fragment: rows g (e = 0, 1) and g+8 (e = 2, 3), columns 2t and 2t+1
#pragma unroll
    for (int n = 0; n < 4; n++) {
#pragma unroll
        for (int e = 0; e < 4; e++) {
            int r = row0 + wr + g + (e >= 2 ? 8 : 0);
            int o = col0 + wc + n * 8 + 2 * t + (e & 1);
            if (r < rows && o < M) {
                float s = acc[n][e];
                out[(size_t) r * M + o] = bias != nullptr ? s + bias[o] : s;
            }
        }
    }
}

// ---- simple kernel: one warp per output element, for shapes the mma kernel does not take ---------
// Lanes stride over K, then a fixed butterfly sums the lanes. Launch with 256 threads per block.
DVL_KERNEL void gemm_bf16_simple(float* __restrict__ out, const float* __restrict__ x,
        const uint16_t* __restrict__ w, const float* __restrict__ bias, int rows, int K, int M) {
    long long item = ((long long) blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    int lane = threadIdx.x & 31;
    if (item >= (long long) rows * M) {
        return; // whole warps leave together: item is per warp
    }
    int r = (int) (item / M), o = (int) (item % M);
    const float* xr = x + (size_t) r * K;
    const uint16_t* wr = w + (size_t) o * K;
    float s = 0.f;
    for (int k = lane; k < K; k += 32) {
        s += xr[k] * bf16_to_f32(wr[k]);
    }
    s = warp_sum(s);
    if (lane == 0) {
        out[(size_t) r * M + o] = bias != nullptr ? s + bias[o] : s;
    }
}

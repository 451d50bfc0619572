// Shared helpers of the dvlcap kernels. Every kernel is extern "C" so that the driver API finds it
// by its plain name (dvlcap.backend.cuda.Kernel lists them). Weights are bf16 bit patterns held in
// uint16_t; activations and accumulators are fp32. Reductions use fixed trees, so a row's result
// never depends on how many rows a launch has (batch-independence).
#pragma once
#include <stdint.h>

#define DVL_KERNEL extern "C" __global__
#define FULL_MASK 0xffffffffu

__device__ __forceinline__ float bf16_to_f32(uint16_t b) {
    return __uint_as_float(((uint32_t) b) << 16);
}

// Round to nearest, ties to even; NaN stays a (quiet) NaN. Same rule as dvlcap.backend.cuda.Bf16.
__device__ __forceinline__ uint16_t f32_to_bf16(float f) {
    uint32_t u = __float_as_uint(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) {
        return (uint16_t) ((u >> 16) | 0x40u);
    }
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t) (u >> 16);
}

// An fp32 activation as bf16 high + low parts (x ~= hi + lo, about 16 significant bits) for the
// tensor-core GEMM. Same rule as Bf16.splitHigh/splitLow: a finite x whose rounding overflows keeps
// the largest finite bf16 of its sign, and lo is 0 when hi is infinite or NaN, so an infinity stays
// an infinity (x - hi would be inf - inf = NaN) and a NaN stays a NaN.
__device__ __forceinline__ void split_bf16(float x, uint16_t& hi, uint16_t& lo) {
    uint16_t h = f32_to_bf16(x);
    if ((h & 0x7fffu) == 0x7f80u && isfinite(x)) {
        h = (uint16_t) (h - 1u);
    }
    float hf = bf16_to_f32(h);
    hi = h;
    lo = isfinite(hf) ? f32_to_bf16(x - hf) : (uint16_t) 0;
}

__device__ __forceinline__ float warp_sum(float v) {
    for (int off = 16; off > 0; off >>= 1) {
        v += __shfl_xor_sync(FULL_MASK, v, off);
    }
    // lanes may differ in the last bit after a butterfly: take lane 0's so all agree
    return __shfl_sync(FULL_MASK, v, 0);
}

__device__ __forceinline__ float warp_max(float v) {
    for (int off = 16; off > 0; off >>= 1) {
        v = fmaxf(v, __shfl_xor_sync(FULL_MASK, v, off));
    }
    return v;
}

// Sum over a block of blockDim.x threads (a multiple of 32, at most 1024); every thread gets the
// result. `scratch` holds 32 values. Fixed order: warps first, then warp 0 over the warp sums.
template <typename T>
__device__ T block_sum(T v, T* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    for (int off = 16; off > 0; off >>= 1) {
        v += __shfl_xor_sync(FULL_MASK, v, off);
    }
    if (lane == 0) {
        scratch[warp] = v;
    }
    __syncthreads();
    if (warp == 0) {
        v = lane < warps ? scratch[lane] : (T) 0;
        for (int off = 16; off > 0; off >>= 1) {
            v += __shfl_xor_sync(FULL_MASK, v, off);
        }
        if (lane == 0) {
            scratch[0] = v;
        }
    }
    __syncthreads();
    T r = scratch[0];
    __syncthreads(); // scratch may be reused by the caller's next reduction
    return r;
}

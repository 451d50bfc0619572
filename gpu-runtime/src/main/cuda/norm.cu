// Row normalisations: one block per row, fixed-order block reductions.
#include "common.cuh"

// out[r] = x[r] / sqrt(mean(x[r]^2) + eps) * weight
DVL_KERNEL void rms_norm(float* __restrict__ out, const float* __restrict__ x, const float* __restrict__ weight,
        int dim, float eps) {
    __shared__ float scratch[32];
    const float* xr = x + (size_t) blockIdx.x * dim;
    float* orow = out + (size_t) blockIdx.x * dim;
    float ss = 0.f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        ss += xr[i] * xr[i];
    }
    ss = block_sum(ss, scratch);
    float inv = 1.f / sqrtf(ss / dim + eps);
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        orow[i] = xr[i] * inv * weight[i];
    }
}

// out[r] = (x[r] - mean) / sqrt(var + eps) * weight + bias, two passes like the reference
DVL_KERNEL void layer_norm(float* __restrict__ out, const float* __restrict__ x, const float* __restrict__ weight,
        const float* __restrict__ bias, int dim, float eps) {
    __shared__ float scratch[32];
    const float* xr = x + (size_t) blockIdx.x * dim;
    float* orow = out + (size_t) blockIdx.x * dim;
    float s = 0.f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        s += xr[i];
    }
    float mean = block_sum(s, scratch) / dim;
    float v = 0.f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        float d = xr[i] - mean;
        v += d * d;
    }
    float var = block_sum(v, scratch) / dim;
    float inv = 1.f / sqrtf(var + eps);
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        orow[i] = (xr[i] - mean) * inv * weight[i] + bias[i];
    }
}

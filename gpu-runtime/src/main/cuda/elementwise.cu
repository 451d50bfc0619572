// Gathers and element-wise ops. Transcendentals are evaluated in double where the CPU reference
// does (RoPE angles, GELU), so the two agree to float rounding.
#include "common.cuh"

// out[r] = table[ids[r]] (bf16 -> fp32) for r < n; `out` already points at the first output row.
// Grid: n blocks. ids were range-checked on the host.
DVL_KERNEL void embed_bf16(float* __restrict__ out, const uint16_t* __restrict__ table,
        const int* __restrict__ ids, int dim) {
    const uint16_t* src = table + (size_t) ids[blockIdx.x] * dim;
    float* dst = out + (size_t) blockIdx.x * dim;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        dst[i] = bf16_to_f32(src[i]);
    }
}

// out[i] = silu(gate[i]) * up[i]; out may alias gate or up (each element is read before written).
DVL_KERNEL void swiglu(float* out, const float* gate, const float* up, long long n) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        float a = gate[i];
        out[i] = a / (1.f + expf(-a)) * up[i];
    }
}

// GELU in place: exact erf, or the tanh approximation (gelu_pytorch_tanh) when use_tanh != 0.
DVL_KERNEL void gelu(float* x, long long n, int use_tanh) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        double v = x[i];
        double r;
        if (use_tanh) {
            r = 0.5 * v * (1.0 + tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
        } else {
            r = 0.5 * v * (1.0 + erf(v * 0.7071067811865476));
        }
        x[i] = (float) r;
    }
}

// acc[i] += x[i] (the residual connection).
DVL_KERNEL void add_inplace(float* acc, const float* x, long long n) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        acc[i] += x[i];
    }
}

// Rotary embedding in place, rotate_half convention: element i pairs with i + headDim/2. One
// thread per (row, head, i < headDim/2). inv_freq is rounded to float like Hugging Face's; the
// angle and its cosine and sine are taken in double and then rounded.
DVL_KERNEL void rope(float* x, const int* __restrict__ positions, int rows, int heads, int headDim, float theta) {
    int half = headDim / 2;
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long) rows * heads * half) {
        return;
    }
    int i = (int) (idx % half);
    long long rh = idx / half; // row * heads + head
    int r = (int) (rh / heads);
    float inv_freq = (float) (1.0 / pow((double) theta, (2.0 * i) / headDim));
    double angle = (double) positions[r] * (double) inv_freq;
    float c = (float) cos(angle), s = (float) sin(angle);
    float* base = x + rh * headDim;
    float a = base[i], b = base[i + half];
    base[i] = a * c - b * s;
    base[i + half] = b * c + a * s;
}

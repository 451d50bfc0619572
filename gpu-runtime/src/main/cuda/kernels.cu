// The one translation unit nvcc compiles into kernels.fatbin: every kernel of the CUDA backend.
#include "gemm.cu"
#include "elementwise.cu"
#include "norm.cu"
#include "attention.cu"
#include "sampling.cu"

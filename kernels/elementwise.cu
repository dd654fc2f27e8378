// Elementwise kernels of the dense layers. Matrices are row-major; 1-D grid-stride launches
// except bias_grad (see there).
#include "grid.cuh"

// y (rows, cols) += bias (cols) broadcast over rows, then ReLU when relu != 0.
extern "C" __global__ void bias_add(float* y, const float* bias, int rows, int cols, int relu) {
    int n = rows * cols;
    for (int i = grid_first(); i < n; i += grid_stride()) {
        float v = y[i] + bias[i % cols];
        y[i] = relu ? fmaxf(v, 0.0f) : v;
    }
}

// dBias[c] = sum over r of dy[r, c]; block (32, Y), grid ceil(cols / 32): x is the column, y strides rows, partials summed in a fixed order.
extern "C" __global__ void bias_grad(const float* dy, float* dBias, int rows, int cols) {
    __shared__ float partial[1024];
    int c = (int) (blockIdx.x * blockDim.x + threadIdx.x);
    float sum = 0.0f;
    if (c < cols) {
        for (int r = (int) threadIdx.y; r < rows; r += (int) blockDim.y) {
            sum += dy[r * cols + c];
        }
    }
    partial[threadIdx.y * blockDim.x + threadIdx.x] = sum;
    __syncthreads();
    if (threadIdx.y == 0 && c < cols) {
        float total = 0.0f;
        for (int k = 0; k < (int) blockDim.y; k++) {
            total += partial[k * blockDim.x + threadIdx.x];
        }
        dBias[c] = total;
    }
}

// dy[i] = 0 where y[i] <= 0 (y is the ReLU's output), for i < n.
extern "C" __global__ void relu_backward(float* dy, const float* y, int n) {
    for (int i = grid_first(); i < n; i += grid_stride()) {
        if (!(y[i] > 0.0f)) {
            dy[i] = 0.0f;
        }
    }
}

// out[i] = 1 / (1 + exp(-x[i])) for i < n.
extern "C" __global__ void sigmoid(const float* x, float* out, int n) {
    for (int i = grid_first(); i < n; i += grid_stride()) {
        out[i] = stable_sigmoid(x[i]);
    }
}

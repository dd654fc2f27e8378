// Elementwise kernels of the dense layers. Matrices are row-major; 1-D grid-stride launches
// except relu_backward, a column-sum kernel (see grid.cuh).
#include "grid.cuh"

// y (rows, cols) += bias (cols) broadcast over rows, then ReLU when relu != 0.
extern "C" __global__ void bias_add(float* y, const float* bias, int rows, int cols, int relu) {
    int n = rows * cols;
    for (int i = grid_first(); i < n; i += grid_stride()) {
        float v = y[i] + bias[i % cols];
        y[i] = relu ? fmaxf(v, 0.0f) : v;
    }
}

// dy (rows, cols) = 0 where y <= 0 (y is the ReLU's output), then dBias[c] = sum over rows of dy[r, c]; blocks (32, Y) over ceil(cols / 32).
extern "C" __global__ void relu_backward(float* dy, const float* y, int rows, int cols, float* dBias) {
    int c = block_column(cols);
    float sum = 0.0f;
    if (c >= 0) {
        for (int r = (int) threadIdx.y; r < rows; r += (int) blockDim.y) {
            int i = r * cols + c;
            if (!(y[i] > 0.0f)) {
                dy[i] = 0.0f;
            }
            sum += dy[i];
        }
    }
    store_column_sum(sum, dBias, c);
}

// out[i] = 1 / (1 + exp(-x[i])) for i < n.
extern "C" __global__ void sigmoid(const float* x, float* out, int n) {
    for (int i = grid_first(); i < n; i += grid_stride()) {
        out[i] = stable_sigmoid(x[i]);
    }
}

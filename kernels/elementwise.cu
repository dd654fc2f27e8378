// Elementwise kernels of the dense layers. Matrices are row-major; 1-D grid-stride launches
// except activation_backward, a column-sum kernel (see grid.cuh).
#include "grid.cuh"

// The activation codes of src/main/java/dev/vaecuda/backend/Activation.java.
#define ACTIVATION_IDENTITY 0
#define ACTIVATION_RELU 1
#define ACTIVATION_TANH 2

// y (rows, cols) += bias (cols) broadcast over rows, then the activation (ACTIVATION_*).
extern "C" __global__ void bias_add(float* y, const float* bias, int rows, int cols, int activation) {
    int n = rows * cols;
    for (int i = grid_first(); i < n; i += grid_stride()) {
        float v = y[i] + bias[i % cols];
        y[i] = activation == ACTIVATION_RELU ? fmaxf(v, 0.0f) : activation == ACTIVATION_TANH ? tanhf(v) : v;
    }
}

// dy (rows, cols) *= the activation's derivative from its output y (ReLU: y > 0; tanh: 1 - y^2), then dBias[c] = sum over rows of dy[r, c]; blocks (32, Y) over ceil(cols / 32).
extern "C" __global__ void activation_backward(float* dy, const float* y, int rows, int cols, int activation, float* dBias) {
    int c = block_column(cols);
    float sum = 0.0f;
    if (c >= 0) {
        for (int r = (int) threadIdx.y; r < rows; r += (int) blockDim.y) {
            int i = r * cols + c;
            if (activation == ACTIVATION_TANH) {
                dy[i] *= 1.0f - y[i] * y[i];
            } else if (!(y[i] > 0.0f)) {
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

// Elementwise kernels of the dense and conv layers. Matrices are row-major, conv activations
// (rows, channels, spatial) as NCHW; 1-D grid-stride launches except activation_backward, a
// column-sum kernel (see grid.cuh), and channel_activation_backward, one block per channel.
#include "grid.cuh"

// The activation codes of src/main/java/dev/vaecuda/backend/Activation.java.
#define ACTIVATION_IDENTITY 0
#define ACTIVATION_RELU 1
#define ACTIVATION_TANH 2

// The activation (ACTIVATION_*) of v.
__device__ __forceinline__ float activate(float v, int activation) {
    return activation == ACTIVATION_RELU ? fmaxf(v, 0.0f) : activation == ACTIVATION_TANH ? tanhf(v) : v;
}

// dy times the activation's derivative, taken from its output y: ReLU 1 where y > 0 (else 0, NaN too), tanh 1 - y^2, identity 1.
__device__ __forceinline__ float activation_gradient(float dy, float y, int activation) {
    return activation == ACTIVATION_TANH ? dy * (1.0f - y * y) : activation == ACTIVATION_RELU && !(y > 0.0f) ? 0.0f : dy;
}

// y (rows, cols) += bias (cols) broadcast over rows, then the activation (ACTIVATION_*).
extern "C" __global__ void bias_add(float* y, const float* bias, int rows, int cols, int activation) {
    int n = rows * cols;
    for (int i = grid_first(); i < n; i += grid_stride()) {
        y[i] = activate(y[i] + bias[i % cols], activation);
    }
}

// dy (rows, cols) = activation_gradient(dy, y), then dBias[c] = sum over rows of dy[r, c]; blocks (32, Y) over ceil(cols / 32).
extern "C" __global__ void activation_backward(float* dy, const float* y, int rows, int cols, int activation, float* dBias) {
    int c = block_column(cols);
    float sum = 0.0f;
    if (c >= 0) {
        for (int r = (int) threadIdx.y; r < rows; r += (int) blockDim.y) {
            int i = r * cols + c;
            dy[i] = activation_gradient(dy[i], y[i], activation);
            sum += dy[i];
        }
    }
    store_column_sum(sum, dBias, c);
}

// y (rows, channels, spatial) += bias (channels) broadcast over rows and spatial, then the activation.
extern "C" __global__ void channel_bias_add(float* y, const float* bias, int rows, int channels, int spatial, int activation) {
    int n = rows * channels * spatial;
    for (int i = grid_first(); i < n; i += grid_stride()) {
        y[i] = activate(y[i] + bias[(i / spatial) % channels], activation);
    }
}

// dy (rows, channels, spatial) = activation_gradient(dy, y), then dBias[c] = sum over rows and spatial of dy[r, c, s]; one 1-D block (a power of two) per channel, grid-stride over channels; each thread sums its elements in turn, block_sum adds the threads' sums in a fixed tree.
extern "C" __global__ void channel_activation_backward(float* dy, const float* y, int rows, int channels, int spatial, int activation, float* dBias) {
    int perChannel = rows * spatial;
    for (int c = (int) blockIdx.x; c < channels; c += (int) gridDim.x) {
        float sum = 0.0f;
        for (int k = (int) threadIdx.x; k < perChannel; k += (int) blockDim.x) {
            int i = ((k / spatial) * channels + c) * spatial + k % spatial;
            float g = activation_gradient(dy[i], y[i], activation);
            dy[i] = g;
            sum += g;
        }
        float total = block_sum(sum);
        if (threadIdx.x == 0) {
            dBias[c] = total;
        }
    }
}

// out[i] = 1 / (1 + exp(-x[i])) for i < n.
extern "C" __global__ void sigmoid(const float* x, float* out, int n) {
    for (int i = grid_first(); i < n; i += grid_stride()) {
        out[i] = stable_sigmoid(x[i]);
    }
}

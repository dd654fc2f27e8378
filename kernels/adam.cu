// The Adam update (Kingma and Ba), as torch.optim.Adam without weight decay.
#include "grid.cuh"

// m, v <- moving averages of g, g^2; p -= lr / (1 - beta1^step) * m / (sqrt(v) / sqrt(1 - beta2^step) + epsilon); step is 1-based.
extern "C" __global__ void adam(float* params, const float* grads, float* m, float* v, int n,
                                float lr, float beta1, float beta2, float epsilon,
                                unsigned long long step) {
    float stepSize = lr / (1.0f - powf(beta1, (float) step));
    float sqrtCorrection2 = sqrtf(1.0f - powf(beta2, (float) step));
    for (int i = grid_first(); i < n; i += grid_stride()) {
        float g = grads[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * g;
        float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i] -= stepSize * mi / (sqrtf(vi) / sqrtCorrection2 + epsilon);
    }
}

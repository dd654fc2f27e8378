// The Adam update (Kingma and Ba), as torch.optim.Adam without weight decay.
#include "grid.cuh"
#include "step_state.cuh"

// m, v <- moving averages of g, g^2; p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon); t = stepsDone, already advanced by the step's loss.
extern "C" __global__ void adam(float* params, const float* grads, float* m, float* v, int n,
                                float lr, float beta1, float beta2, float epsilon, const StepState* state) {
    float step = (float) state->stepsDone;
    float stepSize = lr / (1.0f - powf(beta1, step));
    float sqrtCorrection2 = sqrtf(1.0f - powf(beta2, step));
    for (int i = grid_first(); i < n; i += grid_stride()) {
        float g = grads[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * g;
        float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i] -= stepSize * mi / (sqrtf(vi) / sqrtCorrection2 + epsilon);
    }
}

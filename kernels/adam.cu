// The Adam update (Kingma and Ba), as torch.optim.Adam without weight decay, with Backend.adam's floors.
#include "grid.cuh"
#include "step_state.cuh"

// Backend.ADAM_GRADIENT_FLOOR and Backend.ADAM_MOMENT_FLOOR: the CPU flushes tiny values to keep
// subnormal floats out of its arithmetic; the kernel applies the same rule so both give one result.
#define ADAM_GRADIENT_FLOOR 1e-16f
#define ADAM_MOMENT_FLOOR 1e-30f

// x, or zero when |x| <= bound (NaN stays NaN), as CpuBackend.zeroBelow
__device__ __forceinline__ float zero_below(float x, float bound) {
    return x * (fabsf(x) > bound ? 1.0f : 0.0f);
}

// m, v <- moving averages of g, g^2; p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon); t = stepsDone, already advanced by the step's loss.
extern "C" __global__ void adam(float* params, const float* grads, float* m, float* v, int n,
                                float lr, float beta1, float beta2, float epsilon, const StepState* state) {
    float step = (float) state->stepsDone;
    float stepSize = lr / (1.0f - powf(beta1, step));
    float sqrtCorrection2 = sqrtf(1.0f - powf(beta2, step));
    for (int i = grid_first(); i < n; i += grid_stride()) {
        float g = zero_below(grads[i], ADAM_GRADIENT_FLOOR);
        float mi = zero_below(beta1 * m[i] + (1.0f - beta1) * g, ADAM_MOMENT_FLOOR);
        float vi = zero_below(beta2 * v[i] + (1.0f - beta2) * g * g, ADAM_MOMENT_FLOOR);
        m[i] = mi;
        v[i] = vi;
        params[i] -= stepSize * mi / (sqrtf(vi) / sqrtCorrection2 + epsilon);
    }
}

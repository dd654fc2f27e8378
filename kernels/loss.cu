// The fused VAE loss of a batch: reconstruction (BCE with logits, or squared error of
// sigmoid(logits)) + beta * KL(N(mu, exp(logvar)) || N(0, I)), with the gradients of the summed loss.
#include "grid.cuh"

// Sum of `value` over the block's threads, valid in thread 0; blockDim.x a power of two <= 1024,
// called by every thread of the block (it synchronises).
__device__ __forceinline__ float block_sum(float value) {
    __shared__ float partial[1024];
    partial[threadIdx.x] = value;
    __syncthreads();
    for (unsigned int half = blockDim.x / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            partial[threadIdx.x] += partial[threadIdx.x + half];
        }
        __syncthreads();
    }
    return partial[0];
}

// lossSum[0] += sum of recon + beta KL over the batch; writes dLogits (rows, pixels) and dMeanLogvar (rows, 2 latent, KL part only); bce != 0 picks BCE, else MSE.
extern "C" __global__ void loss_and_gradients(const float* logits, const float* target,
                                              const float* meanLogvar, float beta, int rows,
                                              int pixels, int latent, int bce, float* dLogits,
                                              float* dMeanLogvar, float* lossSum) {
    float loss = 0.0f;
    int n = rows * pixels;
    for (int i = grid_first(); i < n; i += grid_stride()) {
        float x = logits[i], t = target[i];
        if (bce) {
            // softplus form: max(x, 0) - x t + log(1 + exp(-|x|)); d/dx = sigmoid(x) - t
            loss += fmaxf(x, 0.0f) - x * t + log1pf(expf(-fabsf(x)));
            dLogits[i] = stable_sigmoid(x) - t;
        } else {
            float p = stable_sigmoid(x);
            float diff = p - t;
            loss += diff * diff;
            dLogits[i] = 2.0f * diff * p * (1.0f - p);
        }
    }
    int k = rows * latent;
    for (int e = grid_first(); e < k; e += grid_stride()) {
        int mu = (e / latent) * 2 * latent + e % latent;
        int logvar = mu + latent;
        float m = meanLogvar[mu], lv = meanLogvar[logvar];
        float variance = expf(lv);
        loss += beta * -0.5f * (1.0f + lv - m * m - variance);
        dMeanLogvar[mu] = beta * m;
        dMeanLogvar[logvar] = beta * 0.5f * (variance - 1.0f);
    }
    float total = block_sum(loss);
    if (threadIdx.x == 0) {
        atomicAdd(lossSum, total);
    }
}

// The fused VAE loss of a batch: reconstruction (BCE with logits, or squared error of
// sigmoid(logits)) + beta * KL(N(mu, exp(logvar)) || N(0, I)), with the gradients of the summed
// loss, the decoder output's bias added before and its gradient summed after.
#include "grid.cuh"
#include "loss_sum.cuh"
#include "step_state.cuh"

// logits (rows, pixels) += outputBias; lossSum->sum += sum of recon + beta KL, independent of block order; writes dLogits, dOutputBias (its column sums) and dMeanLogvar (KL part); bce != 0 picks BCE, else MSE; then advances the step state; blocks (32, Y) over ceil(pixels / 32).
extern "C" __global__ void loss_and_gradients(float* logits, const float* outputBias, const float* target,
                                              const float* meanLogvar, float beta, int rows,
                                              int pixels, int latent, int bce, float* dLogits,
                                              float* dOutputBias, float* dMeanLogvar, LossSum* lossSum,
                                              StepState* state) {
    float loss = 0.0f, columnSum = 0.0f;
    int c = block_column(pixels);
    if (c >= 0) {
        float b = outputBias[c];
        for (int r = (int) threadIdx.y; r < rows; r += (int) blockDim.y) {
            int i = r * pixels + c;
            float x = logits[i] + b, t = target[i], g;
            logits[i] = x;
            if (bce) {
                // softplus form: max(x, 0) - x t + log(1 + exp(-|x|)); d/dx = sigmoid(x) - t
                loss += fmaxf(x, 0.0f) - x * t + log1pf(expf(-fabsf(x)));
                g = stable_sigmoid(x) - t;
            } else {
                float p = stable_sigmoid(x);
                float diff = p - t;
                loss += diff * diff;
                g = 2.0f * diff * p * (1.0f - p);
            }
            dLogits[i] = g;
            columnSum += g;
        }
    }
    store_column_sum(columnSum, dOutputBias, c);
    // the KL terms, over every thread of the grid
    int threads = (int) (blockDim.x * blockDim.y);
    int self = (int) blockIdx.x * threads + (int) (threadIdx.y * blockDim.x + threadIdx.x);
    for (int e = self; e < rows * latent; e += threads * (int) gridDim.x) {
        int mu = (e / latent) * 2 * latent + e % latent;
        int logvar = mu + latent;
        float m = meanLogvar[mu], lv = meanLogvar[logvar];
        float variance = expf(lv);
        loss += beta * -0.5f * (1.0f + lv - m * m - variance);
        dMeanLogvar[mu] = beta * m;
        dMeanLogvar[logvar] = beta * 0.5f * (variance - 1.0f);
    }
    float total = block_sum(loss);
    // the last block to finish also advances the state: no thread of this kernel reads it
    if (add_block_partials_in_order(total, lossSum)) {
        state->stepsDone += 1;
        state->batchInEpoch += 1;
    }
}

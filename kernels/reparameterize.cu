// The reparameterisation z = mu + exp(0.5 logvar) eps and its backward pass. meanLogvar is
// (rows, 2 latent) row-major: mu in columns [0, latent), logvar in [latent, 2 latent).
#include "grid.cuh"
#include "philox.cuh"
#include "step_state.cuh"

// meanLogvar += headBias (the encoder head's bias, 2 latent); eps (rows, latent) ~ N(0, 1) from Philox(seed, stream, stepsDone + 1) at element r*latent + j; z = mu + sigma eps; one thread per block of 4 elements.
extern "C" __global__ void reparameterize(float* meanLogvar, const float* headBias, float* eps, float* z,
                                          int rows, int latent, unsigned long long seed, int stream,
                                          const StepState* state) {
    unsigned long long step = state->stepsDone + 1;
    int n = rows * latent;
    int quads = (n + 3) / 4;
    for (int q = grid_first(); q < quads; q += grid_stride()) {
        float4 normals = philox_normals(philox4x32_10(seed, stream, step, (unsigned int) q));
        for (int lane = 0; lane < 4; lane++) {
            int e = 4 * q + lane;
            if (e >= n) {
                break;
            }
            int r = e / latent, j = e % latent;
            // each (r, j) belongs to one thread: it adds the bias to its mu and logvar alone
            float mu = meanLogvar[r * 2 * latent + j] + headBias[j];
            float logvar = meanLogvar[r * 2 * latent + latent + j] + headBias[latent + j];
            meanLogvar[r * 2 * latent + j] = mu;
            meanLogvar[r * 2 * latent + latent + j] = logvar;
            float noise = float4_lane(normals, lane);
            eps[e] = noise;
            z[e] = mu + expf(0.5f * logvar) * noise;
        }
    }
}

// dMu += dz, dLogvar += dz * eps * 0.5 * exp(0.5 logvar) (dz, eps are (rows, latent)); then dHeadBias[c] = sum over rows of dMeanLogvar[r, c]; blocks (32, Y) over ceil(2 latent / 32).
extern "C" __global__ void reparameterize_backward(const float* dz, const float* eps,
                                                   const float* meanLogvar, float* dMeanLogvar,
                                                   float* dHeadBias, int rows, int latent) {
    int c = block_column(2 * latent);
    float sum = 0.0f;
    if (c >= 0) {
        int j = c % latent;
        for (int r = (int) threadIdx.y; r < rows; r += (int) blockDim.y) {
            int i = r * 2 * latent + c;
            float g = dz[r * latent + j];
            dMeanLogvar[i] += c < latent ? g : g * eps[r * latent + j] * 0.5f * expf(0.5f * meanLogvar[i]);
            sum += dMeanLogvar[i];
        }
    }
    store_column_sum(sum, dHeadBias, c);
}

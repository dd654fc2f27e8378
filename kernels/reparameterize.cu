// The reparameterisation z = mu + exp(0.5 logvar) eps and its backward pass. meanLogvar is
// (rows, 2 latent) row-major: mu in columns [0, latent), logvar in [latent, 2 latent).
#include "grid.cuh"
#include "philox.cuh"

// eps (rows, latent) ~ N(0, 1) from Philox(seed, stream, step) at element r*latent + j, z = mu + sigma eps; one thread per block of 4 elements.
extern "C" __global__ void reparameterize(const float* meanLogvar, float* eps, float* z, int rows,
                                          int latent, unsigned long long seed, int stream,
                                          unsigned long long step) {
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
            float mu = meanLogvar[r * 2 * latent + j];
            float logvar = meanLogvar[r * 2 * latent + latent + j];
            float noise = float4_lane(normals, lane);
            eps[e] = noise;
            z[e] = mu + expf(0.5f * logvar) * noise;
        }
    }
}

// dMu += dz, dLogvar += dz * eps * 0.5 * exp(0.5 logvar); dz and eps are (rows, latent).
extern "C" __global__ void reparameterize_backward(const float* dz, const float* eps,
                                                   const float* meanLogvar, float* dMeanLogvar,
                                                   int rows, int latent) {
    int n = rows * latent;
    for (int e = grid_first(); e < n; e += grid_stride()) {
        int mu = (e / latent) * 2 * latent + e % latent;
        int logvar = mu + latent;
        float g = dz[e];
        float sigma = expf(0.5f * meanLogvar[logvar]);
        dMeanLogvar[mu] += g;
        dMeanLogvar[logvar] += g * eps[e] * 0.5f * sigma;
    }
}

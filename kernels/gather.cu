// The batch gather from the device-resident data set of 8-bit images.
#include "grid.cuh"
#include "philox.cuh"
#include "step_state.cuh"

// x[r, :] = images[order[first + r], :] * (1/255) with first = batchInEpoch * batchSize, rows past orderLength left as they are; binarize != 0: 1 where Philox(seed, stream, stepsDone + 1) uniform at element r*pixels + i is below it, else 0.
extern "C" __global__ void gather_batch(const unsigned char* images, const int* order, int orderLength,
                                        int batchSize, int rows, int pixels, float* x, int binarize,
                                        unsigned long long seed, int stream, const StepState* state) {
    unsigned long long step = state->stepsDone + 1;
    long long first = (long long) state->batchInEpoch * batchSize;
    int n = rows * pixels;
    int quads = (n + 3) / 4;
    for (int q = grid_first(); q < quads; q += grid_stride()) {
        uint4 bits = binarize ? philox4x32_10(seed, stream, step, (unsigned int) q) : make_uint4(0, 0, 0, 0);
        for (int lane = 0; lane < 4; lane++) {
            int e = 4 * q + lane;
            if (e >= n) {
                break;
            }
            int r = e / pixels, i = e % pixels;
            if (first + r >= orderLength) {
                break;
            }
            // the same product as the CPU backend's, so both binarise a pixel alike
            float p = (float) images[(long long) order[first + r] * pixels + i] * (1.0f / 255.0f);
            x[e] = binarize ? (philox_uniform_lane(bits, lane) < p ? 1.0f : 0.0f) : p;
        }
    }
}

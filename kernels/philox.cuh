// Philox4x32-10 (Salmon et al., SC 2011) and the uniform/normal mappings of
// src/main/java/dev/vaecuda/backend/Philox.java, which is the specification: same counter and
// key layout, same 32-bit outputs bit for bit.
#pragma once

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u
#define PHILOX_TWO_PI 6.2831853071795864f

// The four outputs of counter (blockIndex, stream, step low, step high) under key (seed low, seed high).
__device__ __forceinline__ uint4 philox4x32_10(unsigned long long seed, int stream,
                                               unsigned long long step, unsigned int blockIndex) {
    unsigned int c0 = blockIndex, c1 = (unsigned int) stream;
    unsigned int c2 = (unsigned int) step, c3 = (unsigned int) (step >> 32);
    unsigned int k0 = (unsigned int) seed, k1 = (unsigned int) (seed >> 32);
    for (int round = 0; round < 10; round++) {
        unsigned long long p0 = (unsigned long long) PHILOX_M0 * c0;
        unsigned long long p1 = (unsigned long long) PHILOX_M1 * c2;
        unsigned int n0 = (unsigned int) (p1 >> 32) ^ c1 ^ k0;
        unsigned int n2 = (unsigned int) (p0 >> 32) ^ c3 ^ k1;
        c0 = n0;
        c1 = (unsigned int) p1;
        c2 = n2;
        c3 = (unsigned int) p0;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    return make_uint4(c0, c1, c2, c3);
}

// A 32-bit output as ((r >> 9) + 0.5) * 2^-23: exact in float, strictly inside (0, 1).
__device__ __forceinline__ float philox_uniform(unsigned int bits) {
    return ((float) (bits >> 9) + 0.5f) * 1.1920928955078125e-7f;
}

// Output `lane` (0..3) of a block as a uniform.
__device__ __forceinline__ float philox_uniform_lane(uint4 block, int lane) {
    unsigned int bits = lane == 0 ? block.x : lane == 1 ? block.y : lane == 2 ? block.z : block.w;
    return philox_uniform(bits);
}

// Box-Muller over one block: normals from outputs (x, y) and (z, w), as cos/sin pairs.
__device__ __forceinline__ float4 philox_normals(uint4 block) {
    float radius01 = sqrtf(-2.0f * logf(philox_uniform(block.x)));
    float angle01 = PHILOX_TWO_PI * philox_uniform(block.y);
    float radius23 = sqrtf(-2.0f * logf(philox_uniform(block.z)));
    float angle23 = PHILOX_TWO_PI * philox_uniform(block.w);
    return make_float4(radius01 * cosf(angle01), radius01 * sinf(angle01),
                       radius23 * cosf(angle23), radius23 * sinf(angle23));
}

// Lane `lane` (0..3) of a float4.
__device__ __forceinline__ float float4_lane(float4 v, int lane) {
    return lane == 0 ? v.x : lane == 1 ? v.y : lane == 2 ? v.z : v.w;
}

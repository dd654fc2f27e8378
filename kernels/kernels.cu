// The one module: every kernel file, compiled together into kernels.ptx (build-ptx.sh) and into
// the CPU emulator (src/main/native).
#include "elementwise.cu"
#include "reparameterize.cu"
#include "loss.cu"
#include "adam.cu"
#include "gather.cu"

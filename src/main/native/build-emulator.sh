#!/usr/bin/env bash
# Builds the CUDA emulator (emulator.cpp + kernels/*.cu through emulated_kernels.cpp) into a shared
# library. Maven runs it at process-resources with the output under target/classes, so the jar
# ships it and EmulatedRuntime finds it on the class path. Skips when the output is newer than
# every source, and, with a warning, when there is no g++ (then nothing can use the emulator).
# Rounding (see cuda_emu.h): by default as the shipped PTX and Java round, every operation on its
# own (-ffp-contract=off, said explicitly: g++ contracts by default where the target has FMA);
# --gpu-rounding as a GPU compiler may (a*b + c fused, the math functions off by their documented
# bounds), for the tests only (Maven puts it in target/emulator-gpu-rounding, outside the jar).
# Usage: src/main/native/build-emulator.sh [--gpu-rounding] output.so
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rounding=(-ffp-contract=off)
if [ "${1:-}" = --gpu-rounding ]; then
  rounding=(-mfma -ffp-contract=fast -DCUDA_EMU_GPU_MATH)
  shift
fi
out="$1"
sources=("$here"/*.sh "$here"/*.cpp "$here"/*.h "$here"/../../../kernels/*.cu "$here"/../../../kernels/*.cuh)
if [ -f "$out" ] && [ -z "$(find "${sources[@]}" -newer "$out")" ]; then
  exit 0
fi
if ! command -v g++ >/dev/null; then
  echo "warning: no g++: the CUDA emulator library is not built (--device emulated and its tests need it)" >&2
  exit 0
fi
mkdir -p "$(dirname "$out")"
g++ -std=c++20 -O2 -fPIC -shared -pthread -Wall -Wextra -Werror "${rounding[@]}" \
  -o "$out.tmp" "$here/emulator.cpp" "$here/emulated_kernels.cpp"
mv "$out.tmp" "$out"

#!/usr/bin/env bash
# Builds the fake CUDA driver, cuBLAS and cuDNN from the CPU emulator, for tests and CI runs of the
# real CUDA path on machines without a GPU (put the output directory on LD_LIBRARY_PATH):
#   OUTDIR/libcuda.so.1      the driver API subset JCuda's natives call (fake-cuda/fake_driver.cpp ...)
#   OUTDIR/libcublas.so.13   cuBLAS's C ABI subset the runtime calls through FFM (fake-cuda/fake_cublas.cpp)
#   OUTDIR/libcublas.so.12   the same, its symbols versioned libcublas.so.12 as the real one's
#   OUTDIR/libcudnn.so.9     cuDNN 9's convolution subset, called through FFM (fake-cuda/fake_cudnn.cpp)
# Maven runs it at process-resources with OUTDIR target/fake-cuda (outside target/classes: the
# fake never ships in the jar). Skips when the outputs are newer than every source, and, with a
# warning, when there is no g++.
# Usage: src/main/native/build-fake-cuda.sh OUTDIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$1"
sources=("$here"/*.sh "$here"/*.cpp "$here"/*.h "$here"/fake-cuda/* "$here"/../../../kernels/*.cu "$here"/../../../kernels/*.cuh)
outputs=("$out/libcuda.so.1" "$out/libcublas.so.13" "$out/libcublas.so.12" "$out/libcudnn.so.9")
up_to_date=true
for output in "${outputs[@]}"; do
  if [ ! -f "$output" ] || [ -n "$(find "${sources[@]}" -newer "$output")" ]; then up_to_date=false; fi
done
if $up_to_date; then
  exit 0
fi
if ! command -v g++ >/dev/null; then
  echo "warning: no g++: the fake CUDA driver (target/fake-cuda) is not built (its tests need it)" >&2
  exit 0
fi
mkdir -p "$out"
# -ffp-contract=off: the fake runs the kernels rounding as the shipped PTX does (build-emulator.sh)
flags=(-std=c++20 -O2 -fPIC -shared -pthread -Wall -Wextra -Werror -ffp-contract=off)
fake="$here/fake-cuda"
g++ "${flags[@]}" -Wl,-soname,libcuda.so.1 -Wl,--version-script="$fake/libcuda.map" -o "$out/libcuda.so.1.tmp" \
  "$here/emulator.cpp" "$here/emulated_kernels.cpp" \
  "$fake/fake_driver.cpp" "$fake/fake_streams.cpp" "$fake/ptx_module.cpp" "$fake/fake_config.cpp" "$fake/call_log.cpp" \
  "$fake/ptx_parser.cpp" "$fake/ptx_executor.cpp" "$fake/ptx_engine.cpp"
mv "$out/libcuda.so.1.tmp" "$out/libcuda.so.1"
# libcublas and libcudnn reach the driver's streams through libcuda.so.1's hooks, found beside
# them ($ORIGIN).
for major in 13 12; do
  g++ "${flags[@]}" -Wl,-soname,libcublas.so.$major -Wl,--version-script="$fake/libcublas$major.map" \
    -DFAKE_CUBLAS_MAJOR=$major -o "$out/libcublas.so.$major.tmp" "$fake/fake_cublas.cpp" \
    -L"$out" -l:libcuda.so.1 -Wl,-rpath,'$ORIGIN'
  mv "$out/libcublas.so.$major.tmp" "$out/libcublas.so.$major"
done
g++ "${flags[@]}" -Wl,-soname,libcudnn.so.9 -Wl,--version-script="$fake/libcudnn9.map" -o "$out/libcudnn.so.9.tmp" \
  "$fake/fake_cudnn.cpp" -L"$out" -l:libcuda.so.1 -Wl,-rpath,'$ORIGIN'
mv "$out/libcudnn.so.9.tmp" "$out/libcudnn.so.9"

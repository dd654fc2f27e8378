#!/usr/bin/env bash
# Builds the CUDA emulator (emulator.cpp + kernels/*.cu through emulated_kernels.cpp) into a shared
# library. Maven runs it at process-resources with the output under target/classes, so the jar
# ships it and EmulatedRuntime finds it on the class path. Skips when the output is newer than
# every source, and, with a warning, when there is no g++ (then nothing can use the emulator).
# Usage: src/main/native/build-emulator.sh output.so
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$1"
sources=("$here"/*.cpp "$here"/*.h "$here"/../../../kernels/*.cu "$here"/../../../kernels/*.cuh)
if [ -f "$out" ] && [ -z "$(find "${sources[@]}" -newer "$out")" ]; then
  exit 0
fi
if ! command -v g++ >/dev/null; then
  echo "warning: no g++: the CUDA emulator library is not built (--device emulated and its tests need it)" >&2
  exit 0
fi
mkdir -p "$(dirname "$out")"
g++ -std=c++20 -O2 -fPIC -shared -pthread -Wall -Wextra -Werror \
  -o "$out.tmp" "$here/emulator.cpp" "$here/emulated_kernels.cpp"
mv "$out.tmp" "$out"

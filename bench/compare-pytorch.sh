#!/usr/bin/env bash
# One MNIST epoch (or more) of the default model, ours and PyTorch's examples/vae, on this
# machine in one run, with the same thread count; prints both and the ratio of their
# seconds per epoch (the median over the epochs). Needs the built jar (mvn package), MNIST in
# data/mnist (data/fetch-mnist.sh) and Debian's PyTorch (apt-get install python3-torch).
# Usage: bench/compare-pytorch.sh [EPOCHS] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk25.sh
epochs="${1:-3}"
threads="${2:-$(nproc)}"
data=data/mnist
python=/usr/bin/python3   # Debian's interpreter, where python3-torch installs
jar=target/vae-cuda.jar
[ -f "$jar" ] || { echo "error: $jar missing: run mvn -B -q package -DskipTests" >&2; exit 1; }
[ -f "$data/train-images-idx3-ubyte" ] || { echo "error: no MNIST in $data: run data/fetch-mnist.sh" >&2; exit 1; }
"$python" -c 'import torch' 2>/dev/null || { echo "error: no PyTorch for $python: apt-get install python3-torch" >&2; exit 1; }

median_seconds() {  # the median of the "N.NN s" fields of epoch lines on stdin
  grep -oE '[0-9]+\.[0-9]+ s' | cut -d' ' -f1 | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "== vae-cuda (CPU backend, $threads threads), $epochs epochs"
java -jar "$jar" train --device cpu --threads "$threads" --data "$data" --epochs "$epochs" --out "$out/ours" \
  | tee "$out/ours.log" | grep -E '^(device|epoch)'
echo "== PyTorch $("$python" -c 'import torch; print(torch.__version__)') examples/vae ($threads threads), $epochs epochs"
"$python" bench/pytorch_vae.py "$data" "$epochs" "$threads" | tee "$out/pytorch.log"
ours=$(grep '^epoch' "$out/ours.log" | median_seconds)
theirs=$(median_seconds < "$out/pytorch.log")
awk -v o="$ours" -v t="$theirs" 'BEGIN { printf "seconds per epoch (median): vae-cuda %.2f, PyTorch %.2f; vae-cuda takes %.3f of PyTorch'"'"'s time (%.1fx faster)\n", o, t, o / t, t / o }'

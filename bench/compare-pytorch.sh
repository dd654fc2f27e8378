#!/usr/bin/env bash
# The default model on MNIST, ours and PyTorch's examples/vae, on this machine in one run
# with the same thread count, beside the GEMM floor (`bench`: the same step's GEMMs alone);
# prints the seconds per epoch of each (median over the epochs) and their ratios. Needs the built jar (mvn package), MNIST in
# data/mnist (data/fetch-mnist.sh); Debian's PyTorch (apt-get install python3-torch) is run when
# installed and skipped with a note otherwise.
# Also runs the same example in Java through DJL on PyTorch 2.7.1's CPU engine (bench/djl) when
# that project builds (its first build fetches DJL and libtorch from Maven Central).
# With ARCH conv, the conv VAE (`--arch conv`: two 4x4 stride-2 convolutions of 32 and 64
# channels and their transposes) instead, ours against DJL's; Debian's PyTorch is left out.
# Usage: bench/compare-pytorch.sh [EPOCHS] [THREADS] [mlp|conv]
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk25.sh
epochs="${1:-3}"
threads="${2:-$(nproc)}"
arch="${3:-mlp}"
case "$arch" in mlp|conv) ;; *) echo "error: ARCH must be mlp or conv, got $arch" >&2; exit 2 ;; esac
data=data/mnist
python=/usr/bin/python3   # Debian's interpreter, where python3-torch installs
jar=target/vae-cuda.jar
[ -f "$jar" ] || { echo "error: $jar missing: run mvn -B -q package -DskipTests" >&2; exit 1; }
[ -f "$data/train-images-idx3-ubyte" ] || { echo "error: no MNIST in $data: run data/fetch-mnist.sh" >&2; exit 1; }

# an epoch's last line, with its losses and seconds (not train's progress lines, whose ETA reads "N.N s" too)
epoch_lines() {
  grep -E '^epoch .*train_loss'
}

second_epoch_seconds() {  # the "N.NN s" field of the epoch-2 line on stdin
  epoch_lines | grep -E '^epoch 2[ /]' | grep -oE '[0-9]+\.[0-9]+ s' | cut -d' ' -f1
}

median_seconds() {  # the median of the "N.NN s" fields of the epoch lines on stdin
  epoch_lines | grep -oE '[0-9]+\.[0-9]+ s' | cut -d' ' -f1 | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "== vae-cuda bench (CPU backend, $threads threads, --arch $arch): a step and its GEMMs alone"
java -jar "$jar" bench --device cpu --threads "$threads" --arch "$arch" | tee "$out/bench.log" | grep -vE '^device'
floor=$(grep '^GEMMs alone' "$out/bench.log" | grep -oE '\(([0-9.]+) s per' | grep -oE '[0-9.]+')
echo "== vae-cuda (CPU backend, $threads threads, --arch $arch), $epochs epochs"
java -jar "$jar" train --device cpu --threads "$threads" --arch "$arch" --data "$data" --epochs "$epochs" --out "$out/ours" \
  | tee "$out/ours.log" | grep -E '^device|^epoch .*train_loss'
theirs=""
if [ "$arch" = conv ]; then
  # measured: 1.8 to 4.3 s a step on 2 threads, nearly all in its convolutions' backward (Debian builds it on a
  # generic BLAS); 469 steps an epoch
  echo "== PyTorch skipped for the conv VAE: Debian's build takes 15 to 30 minutes an epoch"
  echo "   (by hand: $python bench/pytorch_vae.py $data EPOCHS $threads cpu conv)"
elif "$python" -c 'import torch' 2>/dev/null; then
  echo "== PyTorch $("$python" -c 'import torch; print(torch.__version__)') examples/vae ($threads threads), $epochs epochs"
  "$python" bench/pytorch_vae.py "$data" "$epochs" "$threads" | tee "$out/pytorch.log"
  theirs=$(median_seconds < "$out/pytorch.log")
else
  echo "== PyTorch skipped: no PyTorch for $python (apt-get install python3-torch)"
fi
djl=""
if mvn -B -q -ntp -f bench/djl/pom.xml package >"$out/djl-build.log" 2>&1; then
  echo "== the $arch VAE in Java through DJL ($threads threads), $epochs epochs"
  # libtorch is extracted from its jar into bench/djl/target (once), not into ~/.djl.ai
  if java -DDJL_CACHE_DIR=bench/djl/target/djl-cache -jar bench/djl/target/djl-vae.jar "$data" "$epochs" "$threads" "$arch" \
      | tee "$out/djl.log"; then
    djl=$(median_seconds < "$out/djl.log")
    djl_name=$(sed -nE '1s/^DJL ([^,]+), PyTorch ([^,]+),.*/PyTorch \2 through DJL \1/p' "$out/djl.log")
  else
    echo "DJL peer failed: left out of the summary"
  fi
else
  echo "== DJL peer skipped: bench/djl did not build (needs Maven Central; mvn -f bench/djl/pom.xml package says why)"
fi
ours=$(median_seconds < "$out/ours.log")
awk -v o="$ours" -v f="$floor" 'BEGIN {
  printf "seconds per epoch: vae-cuda %.2f (median of %s), GEMM floor %.2f; vae-cuda / floor %.2fx\n", o, "'"$epochs"'", f, o / f }'
if [ -n "$theirs" ]; then
  awk -v o="$ours" -v t="$theirs" 'BEGIN {
    printf "PyTorch %.2f s per epoch (median); vae-cuda / PyTorch %.3f (PyTorch takes %.1fx as long)\n", t, o / t, t / o }'
fi
if [ -n "$djl" ]; then
  awk -v o="$ours" -v d="$djl" -v n="$djl_name" 'BEGIN {
    printf "%s %.2f s per epoch (median); vae-cuda / DJL %.3f (DJL takes %.1fx as long)\n", n, d, o / d, d / o }'
  if [ "$epochs" -ge 2 ]; then
    awk -v o="$(second_epoch_seconds < "$out/ours.log")" -v d="$(second_epoch_seconds < "$out/djl.log")" 'BEGIN {
      printf "second epoch: vae-cuda %.2f s, DJL %.2f s; vae-cuda / DJL %.3f\n", o, d, o / d }'
  fi
fi

#!/usr/bin/env bash
# Usage: ci/ptx-engine.sh
# The shipped PTX itself, executed by the fake CUDA driver's PTX interpreter (FAKE_CUDA_ENGINE=ptx),
# through the jar as a user runs it (target/vae-cuda.jar, LD_LIBRARY_PATH=target/fake-cuda; both
# made by mvn package; ci/test.sh runs this after bench/gpu/test-fake.sh). Outputs, a log per run
# and a train folder per run, in target/ptx-engine/.
# 1. `selftest --device cuda` on the PTX engine with FAKE_CUDA_APPROX=exact, worst and worst-down
#    (the .approx instructions computed exactly, or moved by the PTX ISA's maximum error, magnitudes
#    up or down): every check must pass each time, its tolerances being the CUDA Programming
#    Guide's documented errors (CudaMathBounds).
# 2. One epoch of training, the same seed and subset, on the CPU backend (--device cpu), on the fake
#    driver with the C++ twins of the kernels (FAKE_CUDA_ENGINE=emulator) and on the PTX engine with
#    approximations exact and worst; the MLP (MLP_LIMIT images, batch 128) and the conv model
#    (--arch conv, CONV_LIMIT images, batch 64: cuDNN is emulated by plain loops, so it is slower).
#    The test losses (metrics.csv) must agree within TOLERANCE relative, pair by pair:
#    each fake run against the CPU's, and each PTX run against the emulator's.
#    Why 1e-5 relative: it is the bound that FakeCudaJarIT and JCudaConvTrainingOnFakeDriverTest
#    hold the emulator's one-epoch test loss to against the CPU's (float rounding in other orders:
#    GEMMs, column sums, the per-block loss partials). The PTX engine runs the same kernels in the
#    same order; it differs from the emulator only in the math functions, libdevice's expf, logf,
#    log1pf, ... (ex2.approx, lg2.approx and fused range reductions) against glibc's, each within
#    its documented 1 to 2 ulps (about 2.4e-7 relative) of the exact value per element, with
#    FAKE_CUDA_APPROX=worst at that bound on every call. Those errors do not add up: the test loss
#    is a mean over N x 784 terms of both signs, and Adam's update is the ratio m / sqrt(v), so a
#    gradient's relative error of 1e-7 moves a parameter by about 1e-7 of its step. Measured
#    (docs/testing.md): the PTX runs differ from the emulator's by at most 1e-7 relative (exact:
#    5e-9, the last printed digit; worst: 7e-8 for the MLP, 9e-8 for the conv model), a margin of
#    100 to the bound; a kernel computing a wrong value (a dropped term, an inverted branch) moves
#    the loss by 1e-3 and more. That the PTX engine ran at all shows in the worst run: its loss must
#    differ from the exact run's (by about 1e-7 relative, 30 times the 6 decimals printed), and each
#    run's device line names its engine.
# Prints a table of the runs (test loss, relative difference, seconds); exits 1 with one line
# naming what failed or disagreed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source ci/jdk25.sh > /dev/null

JAR=target/vae-cuda.jar
FAKE=target/fake-cuda
OUT=target/ptx-engine
TOLERANCE=1e-5
SEED=7
MLP_LIMIT="${PTX_ENGINE_MLP_LIMIT:-1024}"
CONV_LIMIT="${PTX_ENGINE_CONV_LIMIT:-256}"

die() { echo "ptx-engine.sh: $*" >&2; exit 1; }

[[ -f "$JAR" ]] || die "no $JAR: run mvn package first"
[[ -f "$FAKE/libcuda.so.1" ]] || die "no $FAKE/libcuda.so.1: mvn package builds the fake driver (it needs g++)"
[[ -f data/mnist/t10k-images-idx3-ubyte ]] || die "no MNIST in data/mnist: run data/fetch-mnist.sh"
rm -rf "$OUT"
mkdir -p "$OUT"

# timed LOG COMMAND...: COMMAND with its output in LOG; prints the seconds it took; fails as it does
timed() {
  local log="$1" start status=0
  shift
  start=$(date +%s.%N)
  "$@" > "$log" 2>&1 || status=$?
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'
  return "$status"
}

# on_fake ENGINE APPROX LOG ARGS...: the jar's command ARGS over the fake driver, timed into LOG
on_fake() {
  local engine="$1" approx="$2" log="$3"
  shift 3
  timed "$log" env -u FAKE_CUDA_DEVICE_NAME LD_LIBRARY_PATH="$FAKE" FAKE_CUDA_ENGINE="$engine" \
    FAKE_CUDA_APPROX="$approx" java -jar "$JAR" "$@"
}

# ran_on ENGINE LOG: the device line in LOG names ENGINE (the driver's default device name says
# which engine cuInit found), else the script stops
ran_on() {
  local name="vae-cuda fake GPU (CPU emulator)"
  [[ "$1" == ptx ]] && name="vae-cuda fake GPU (PTX interpreter)"
  grep -qF "device: cuda, $name" "$2" \
    || die "$2 does not say 'device: cuda, $name': FAKE_CUDA_ENGINE=$1 did not take (an older target/fake-cuda?)"
}

# ---- 1. selftest on the PTX engine ----
declare -A seconds
for approx in exact worst worst-down; do
  log="$OUT/selftest-ptx-$approx.log"
  seconds[selftest-$approx]=$(on_fake ptx "$approx" "$log" selftest --device cuda) \
    || die "selftest --device cuda failed on the PTX engine with FAKE_CUDA_APPROX=$approx: $(grep -m1 -iE 'fail|^error' "$log" || tail -n1 "$log") ($log)"
  ran_on ptx "$log"
  grep -qE '^[0-9]+ passed, 0 failed$' "$log" || die "selftest on the PTX engine ($approx) did not end with 'N passed, 0 failed' ($log)"
done

# ---- 2. one epoch on each engine ----
# test_loss RUN: the last test loss in RUN's metrics.csv
test_loss() {
  awk -F, 'NR > 1 { loss = $3 } END { if (loss == "") exit 1; print loss }' "$OUT/$1/metrics.csv" \
    || die "$OUT/$1/metrics.csv has no test loss"
}

# within D: D (a relative difference) is at most TOLERANCE
within() {
  awk -v d="$1" -v t="$TOLERANCE" 'BEGIN { exit !(d <= t) }'
}

# relative A B: |A - B| / |B|
relative() {
  awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; printf "%.2e", d / (b < 0 ? -b : b) }'
}

# train_on MODEL DEVICE ENGINE APPROX OPTION...: one epoch, into $OUT/MODEL-ENGINE[-APPROX]
train_on() {
  local model="$1" device="$2" engine="$3" approx="$4" run status=0
  shift 4
  run="$model-$engine${approx:+-$approx}"
  local log="$OUT/$run.log" options=(train --device "$device" --epochs 1 --seed "$SEED" --out "$OUT/$run" "$@")
  if [[ "$device" == cpu ]]; then
    seconds[$run]=$(timed "$log" java -jar "$JAR" "${options[@]}") || status=$?
  else
    seconds[$run]=$(on_fake "$engine" "${approx:-exact}" "$log" "${options[@]}") || status=$?
  fi
  [[ $status -eq 0 ]] || die "train ($run) failed: $(grep -m1 '^error' "$log" || tail -n1 "$log") ($log)"
  [[ "$device" == cpu ]] || ran_on "$engine" "$log"
}

models=(mlp conv)
declare -A model_options=(
  [mlp]="--limit $MLP_LIMIT --batch-size 128"
  [conv]="--arch conv --limit $CONV_LIMIT --batch-size 64"
)
for model in "${models[@]}"; do
  read -r -a opts <<< "${model_options[$model]}"
  train_on "$model" cpu cpu "" "${opts[@]}"
  train_on "$model" cuda emulator "" "${opts[@]}"
  train_on "$model" cuda ptx exact "${opts[@]}"
  train_on "$model" cuda ptx worst "${opts[@]}"
done

# the table, then the comparisons: each fake run against the CPU, each PTX run against the emulator
failures=()
{
  echo "selftest --device cuda on the PTX engine: exact ${seconds[selftest-exact]} s, worst ${seconds[selftest-worst]} s, worst-down ${seconds[selftest-worst-down]} s: all passed"
  echo
  printf '%-22s %-14s %-12s %-12s %s\n' run test_loss "vs CPU" "vs emulator" seconds
  for model in "${models[@]}"; do
    cpu=$(test_loss "$model-cpu") emulator=$(test_loss "$model-emulator")
    for run in "$model-cpu" "$model-emulator" "$model-ptx-exact" "$model-ptx-worst"; do
      loss=$(test_loss "$run")
      versus_cpu=- versus_emulator=-
      if [[ "$run" != *-cpu ]]; then
        versus_cpu=$(relative "$loss" "$cpu")
        within "$versus_cpu" || failures+=("$run: test loss $loss differs from the CPU's $cpu by $versus_cpu relative (at most $TOLERANCE)")
      fi
      if [[ "$run" == *-ptx-* ]]; then
        versus_emulator=$(relative "$loss" "$emulator")
        within "$versus_emulator" || failures+=("$run: test loss $loss differs from the emulator engine's $emulator by $versus_emulator relative (at most $TOLERANCE)")
      fi
      printf '%-22s %-14s %-12s %-12s %s\n' "$run" "$loss" "$versus_cpu" "$versus_emulator" "${seconds[$run]}"
    done
    exact=$(test_loss "$model-ptx-exact") worst=$(test_loss "$model-ptx-worst")
    [[ "$exact" != "$worst" ]] \
      || failures+=("$model-ptx-worst: test loss $worst equals the exact run's: FAKE_CUDA_APPROX=worst changed nothing; is the PTX engine running?")
  done
  for failure in ${failures[@]+"${failures[@]}"}; do
    echo "DISAGREES: $failure"
  done
} > "$OUT/summary.txt"
cat "$OUT/summary.txt"
if [[ ${#failures[@]} -gt 0 ]]; then
  die "${failures[0]}$([[ ${#failures[@]} -gt 1 ]] && echo " (and $((${#failures[@]} - 1)) more: $OUT/summary.txt)")"
fi
echo "ptx-engine.sh: selftest passed on the PTX engine (exact, worst, worst-down); one epoch of the MLP and the conv model agrees on the CPU, the emulator and the PTX engine (exact, worst) within $TOLERANCE relative"

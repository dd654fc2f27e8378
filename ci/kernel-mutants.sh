#!/usr/bin/env bash
# Hand-written mutants of kernels/*.cu (and, for a bug made on both backends alike, of the CPU
# backend): each one is applied, the PTX regenerated (kernels/build-ptx.sh, needs nvcc) and the
# emulator and fake driver rebuilt as a developer would, then the tests named beside it run; a
# mutant must make them fail ("killed") on both emulator builds: the one that rounds as the PTX
# does (surefire's default-test) and the GPU-rounding one (emulator-gpu-rounding). The sources are
# restored afterwards, also when interrupted, and the emulator rebuilt from them. Not part of
# ci/test.sh: about a minute per mutant. Usage: ci/kernel-mutants.sh [NAME...] (default: every mutant); exit 1 if one survives.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk25.sh
command -v nvcc > /dev/null || { echo "kernel-mutants.sh: needs nvcc (kernels/build-ptx.sh)" >&2; exit 2; }

KERNEL_TESTS=CudaKernelsTest,EmulatedTrainingTest
# name | file | original text | mutated text | tests that must fail
MUTANTS=(
  "lazy-adam|kernels/adam.cu|float g = zero_below(grads[i], ADAM_GRADIENT_FLOOR);|float g = zero_below(grads[i], ADAM_GRADIENT_FLOOR); if (g == 0.0f) continue;|$KERNEL_TESTS"
  "adam-without-the-gradient-floor|kernels/adam.cu|#define ADAM_GRADIENT_FLOOR 1e-16f|#define ADAM_GRADIENT_FLOOR 0.0f|$KERNEL_TESTS"
  "adam-without-the-moment-floor|kernels/adam.cu|#define ADAM_MOMENT_FLOOR 1e-30f|#define ADAM_MOMENT_FLOOR 0.0f|$KERNEL_TESTS"
  "adam-zero-gradient-wrong-way|kernels/adam.cu|params[i] -= stepSize|params[i] -= (g == 0.0f ? -stepSize : stepSize)|$KERNEL_TESTS"
  "adam-bias-correction-one-step-off-both-backends|kernels/adam.cu|float step = (float) state->stepsDone;|float step = (float) (state->stepsDone + 1);|CpuBackendTest,$KERNEL_TESTS"
  "sigma-is-exp-logvar|kernels/reparameterize.cu|z[e] = mu + expf(0.5f * logvar) * noise;|z[e] = mu + expf(logvar) * noise;|$KERNEL_TESTS"
  "column-sum-drops-last-row|kernels/elementwise.cu|            sum += dy[i];|            sum += r < rows - 1 ? dy[i] : 0.0f;|$KERNEL_TESTS"
  "relu-backward-passes-zero|kernels/elementwise.cu|activation == ACTIVATION_RELU && !(y > 0.0f)|activation == ACTIVATION_RELU && y < 0.0f|$KERNEL_TESTS"
  "channel-bias-by-column|kernels/elementwise.cu|bias[(i / spatial) % channels]|bias[i % channels]|$KERNEL_TESTS"
  "channel-sums-of-the-first-grid-only|kernels/elementwise.cu|c += (int) gridDim.x|c += channels|$KERNEL_TESTS"
  "channel-sum-of-the-first-row-only|kernels/elementwise.cu|int i = ((k / spatial) * channels + c) * spatial + k % spatial;|int i = c * spatial + k % spatial;|$KERNEL_TESTS"
  "bce-naive-softplus|kernels/loss.cu|fmaxf(x, 0.0f) - x * t + log1pf(expf(-fabsf(x)))|log1pf(expf(x)) - x * t|$KERNEL_TESTS"
  "kl-gradient-without-beta|kernels/loss.cu|dMeanLogvar[mu] = beta * m;|dMeanLogvar[mu] = m;|$KERNEL_TESTS"
  "adam-second-moment-of-g|kernels/adam.cu|(1.0f - beta2) * g * g,|(1.0f - beta2) * fabsf(g),|$KERNEL_TESTS"
  "binarize-inverted|kernels/gather.cu|philox_uniform_lane(bits, lane) < p ? 1.0f : 0.0f|philox_uniform_lane(bits, lane) < p ? 0.0f : 1.0f|$KERNEL_TESTS"
  "eps-from-the-step-before|kernels/reparameterize.cu|unsigned long long step = state->stepsDone + 1;|unsigned long long step = state->stepsDone;|$KERNEL_TESTS"
)
# the CPU backend's half of the mutant made on both backends
CPU_BIAS_CORRECTION=(src/main/java/dev/vaecuda/backend/cpu/CpuBackend.java
  "long step = CpuStepState.of(state).stepsDone;" "long step = CpuStepState.of(state).stepsDone + 1;")

saved="$(mktemp -d)"
cp -a kernels src/main/java/dev/vaecuda/backend/cpu/CpuBackend.java src/main/resources/dev/vaecuda/backend/cuda/kernels.ptx "$saved/"
put_back() {
  cp "$saved/kernels/"* kernels/
  cp "$saved/CpuBackend.java" src/main/java/dev/vaecuda/backend/cpu/CpuBackend.java
  cp "$saved/kernels.ptx" src/main/resources/dev/vaecuda/backend/cuda/kernels.ptx
  # plain cp: the files are newer than the mutant's build, which the next build therefore remakes
}
trap 'put_back; rm -rf "$saved"; mvn -B -q -o compile > /dev/null' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

replace() { # file original mutated: exactly one occurrence, or the harness is out of date
  python3 - "$@" <<'PY'
import sys
path, original, mutated = sys.argv[1:4]
text = open(path).read()
if text.count(original) != 1:
    sys.exit(f"kernel-mutants.sh: {path} holds {text.count(original)} copies of {original!r}, expected 1")
open(path, "w").write(text.replace(original, mutated))
PY
}

mkdir -p target
survivors=0
for mutant in "${MUTANTS[@]}"; do
  IFS='|' read -r name file original mutated tests <<< "$mutant"
  if (($# > 0)) && [[ " $* " != *" $name "* ]]; then
    continue
  fi
  replace "$file" "$original" "$mutated"
  if [[ "$name" == *-both-backends ]]; then
    replace "${CPU_BIAS_CORRECTION[@]}"
  fi
  bash kernels/build-ptx.sh
  # every surefire execution runs (failures ignored), so each emulator build must kill the mutant
  if ! mvn -B -o test -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false -Dmaven.test.failure.ignore=true \
      > "target/mutant-$name.log" 2>&1; then
    echo "ERROR    $name: the build failed, no test ran to the end (target/mutant-$name.log)"
    survivors=$((survivors + 1))
    put_back
    continue
  fi
  # "execution: FailingTest ...; " for each surefire execution (default-test: the IEEE emulator) with a failure
  killers="$(awk '/--- .*surefire.*:test \(/ { e = $0; sub(/.*:test \(/, "", e); sub(/\).*/, "", e) }
    /FAILURE! -- in / { n = split($NF, p, "."); if (index(f[e], p[n]) == 0) f[e] = f[e] " " p[n] }
    END { for (e in f) printf "%s:%s; ", e, f[e] }' "target/mutant-$name.log")"
  if [[ "$killers" == *default-test:* && "$killers" == *emulator-gpu-rounding:* ]]; then
    echo "killed   $name on both emulator builds: $killers"
  else
    echo "SURVIVED $name on an emulator build (failed: ${killers:-none}; target/mutant-$name.log)"
    survivors=$((survivors + 1))
  fi
  put_back
done
echo "$survivors mutant(s) survived"
((survivors == 0))

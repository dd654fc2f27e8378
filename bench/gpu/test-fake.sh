#!/usr/bin/env bash
# Usage: bench/gpu/test-fake.sh
# Tests the GPU proof's scripts where no GPU is (ci/test.sh runs it after mvn verify, which builds
# the jar and the fake CUDA driver, cuBLAS and cuDNN in target/fake-cuda): makes .gpu/ with
# prepare.sh, then
# 1. bench/gpu/run.sh --fake, on a PATH without xz whose python3 has no PyTorch, must pass every
#    check that it runs (info, selftest, the five benches, train of the MLP and of --arch conv) and
#    name the interpreter with PyTorch (a stub, in the active virtual environment) in its summary
#    (logs in target/gpu-proof-fake/); so must .gpu/run.sh --fake, the README's other form, with
#    that interpreter named in VAE_PYTHON (target/gpu-proof-dot-gpu/);
# 2. with Adam's kernel made to fault (FAKE_CUDA_FAIL_KERNEL=adam), run.sh --fake must exit 1 and
#    its summary must mark selftest and both trains failed (target/gpu-proof-fault/): a check can fail;
# 3. with selftest, the benches and the trains given 1 s (VAE_PROOF_LIMITS), run.sh --fake must
#    exit 1 and mark those steps timeout, not fail, with their seconds (target/gpu-proof-overrun/).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

die() { echo "test-fake.sh: $*" >&2; exit 1; }

bash bench/gpu/prepare.sh
rm -rf target/gpu-proof-*

# A PATH without xz, as on a slim CUDA image: each folder of PATH is replaced by one of links to
# all its programs but xz's (xz, unxz, xzcat, lzma, ...).
no_xz="$PWD/target/gpu-proof-path"
path_without_xz=""
IFS=: read -r -a path_dirs <<< "$PATH"
for dir in "${path_dirs[@]}"; do
  [[ -n "$dir" && -d "$dir" ]] || continue
  links="$no_xz/${#path_without_xz}"
  mkdir -p "$links"
  find "$dir/" -mindepth 1 -maxdepth 1 ! -name '*xz*' ! -name '*lzma*' -exec ln -s -t "$links" {} +
  path_without_xz="${path_without_xz:+$path_without_xz:}$links"
done
! PATH="$path_without_xz" command -v xz > /dev/null || die "xz is still on the PATH made without it"

# Two stub interpreters, this machine's python3 with a torch package put first on its path: one
# whose torch fails to import, first on PATH, and one with a torch that imports (no CUDA), in a
# virtual environment; run.sh must take the second.
real_python="$(python3 -c 'import sys; print(sys.executable)')" || die "needs python3 for its stub interpreters"
stubs="$PWD/target/gpu-proof-pythons"
mkdir -p "$stubs/no-torch/torch" "$stubs/stub-torch/torch" "$stubs/bin" "$stubs/venv/bin"
echo 'raise ImportError("no PyTorch in this stub")' > "$stubs/no-torch/torch/__init__.py"
printf '%s\n' '__version__ = "0.0+stub"' 'class cuda:' '    is_available = staticmethod(lambda: False)' \
  > "$stubs/stub-torch/torch/__init__.py"
stub_python() {  # stub_python FILE TORCH_PARENT
  printf '#!/bin/sh\nPYTHONPATH=%s exec %s "$@"\n' "$2" "$real_python" > "$1"
  chmod +x "$1"
}
stub_python "$stubs/bin/python3" "$stubs/no-torch"
stub_python "$stubs/venv/bin/python3" "$stubs/stub-torch"

env -u CONDA_PREFIX PATH="$stubs/bin:$path_without_xz" VIRTUAL_ENV="$stubs/venv" \
  bash bench/gpu/run.sh --fake target/gpu-proof-fake || die "run.sh --fake failed: see target/gpu-proof-fake/summary.md"
summary=target/gpu-proof-fake/summary.md
! grep -q '| fail |' "$summary" || die "a check failed yet run.sh exited 0"
# info, selftest, five benches (four of the MLP, one of the conv model) and two trains passed,
# each with the seconds its step took
[[ "$(grep -cE '^\| [^|]+ \| pass \| [0-9]+ \| ' "$summary")" -eq 9 ]] \
  || die "$summary does not list 9 checks passed, each with its seconds"
grep -qF -- "- Python: $stubs/venv/bin/python3 (the active virtual environment): PyTorch 0.0+stub, torch.cuda.is_available() False; no PyTorch in $stubs/bin/python3 (python3 on PATH);" "$summary" \
  || die "$summary does not name the virtual environment's python3 as the one with PyTorch"

VAE_PYTHON="$stubs/venv/bin/python3" bash .gpu/run.sh --fake target/gpu-proof-dot-gpu > target/gpu-proof-dot-gpu.out 2>&1 \
  || die ".gpu/run.sh --fake failed: see target/gpu-proof-dot-gpu.out"
grep -qF -- "- Python: $stubs/venv/bin/python3 (VAE_PYTHON): PyTorch 0.0+stub" target/gpu-proof-dot-gpu/summary.md \
  || die "target/gpu-proof-dot-gpu/summary.md does not name VAE_PYTHON's interpreter"

status=0
FAKE_CUDA_FAIL_KERNEL=adam bash bench/gpu/run.sh --fake target/gpu-proof-fault > target/gpu-proof-fault.out 2>&1 || status=$?
[[ $status -eq 1 ]] || die "run.sh --fake with a faulting kernel exited $status, not 1 (target/gpu-proof-fault.out)"
for check in selftest 'train --limit' 'train --arch conv'; do
  grep -q "^| ${check}[^|]*| fail |" target/gpu-proof-fault/summary.md \
    || die "with a faulting kernel, target/gpu-proof-fault/summary.md does not mark $check failed"
done

status=0
VAE_PROOF_LIMITS='selftest=1 bench-*=1 train*=1' bash bench/gpu/run.sh --fake target/gpu-proof-overrun \
  > target/gpu-proof-overrun.out 2>&1 || status=$?
[[ $status -eq 1 ]] || die "run.sh --fake with steps overrunning exited $status, not 1 (target/gpu-proof-overrun.out)"
summary=target/gpu-proof-overrun/summary.md
[[ "$(grep -cE '^\| (selftest|bench [^|]*|train [^|]*) \| timeout \| [0-9]+ \| killed at its limit of 1 s' "$summary")" -eq 8 ]] \
  || die "$summary does not mark selftest, the five benches and the two trains timeout at their limit of 1 s"
grep -qE '^\| info \| pass \| [0-9]+ \| ' "$summary" || die "$summary does not mark info passed, with its seconds"
! grep -q '| fail |' "$summary" || die "$summary marks a step that overran as fail"

echo "test-fake.sh: bench/gpu/run.sh --fake and .gpu/run.sh --fake passed; they failed as they should with a faulting kernel and timed out with steps that overran"

#!/usr/bin/env bash
# Usage: bench/gpu/test-fake.sh
# Tests the GPU proof's scripts where no GPU is (ci/test.sh runs it after mvn verify, which builds
# the jar and the fake CUDA driver in target/fake-cuda): makes .gpu/ with prepare.sh, then
# 1. bench/gpu/run.sh --fake, on a PATH without xz, must pass every check that it runs (logs in
#    target/gpu-proof-fake/), and so must .gpu/run.sh --fake, the README's other form
#    (target/gpu-proof-dot-gpu/);
# 2. with Adam's kernel made to fault (FAKE_CUDA_FAIL_KERNEL=adam), run.sh --fake must exit 1 and
#    its summary must mark selftest and train failed (target/gpu-proof-fault/): a check can fail.
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

PATH="$path_without_xz" bash bench/gpu/run.sh --fake target/gpu-proof-fake \
  || die "run.sh --fake failed: see target/gpu-proof-fake/summary.md"
! grep -q '| fail |' target/gpu-proof-fake/summary.md || die "a check failed yet run.sh exited 0"

bash .gpu/run.sh --fake target/gpu-proof-dot-gpu > target/gpu-proof-dot-gpu.out 2>&1 \
  || die ".gpu/run.sh --fake failed: see target/gpu-proof-dot-gpu.out"

status=0
FAKE_CUDA_FAIL_KERNEL=adam bash bench/gpu/run.sh --fake target/gpu-proof-fault > target/gpu-proof-fault.out 2>&1 || status=$?
[[ $status -eq 1 ]] || die "run.sh --fake with a faulting kernel exited $status, not 1 (target/gpu-proof-fault.out)"
for check in selftest 'train --limit'; do
  grep -q "^| $check[^|]*| fail |" target/gpu-proof-fault/summary.md \
    || die "with a faulting kernel, target/gpu-proof-fault/summary.md does not mark $check failed"
done
echo "test-fake.sh: bench/gpu/run.sh --fake and .gpu/run.sh --fake passed, and failed as it should with a faulting kernel"

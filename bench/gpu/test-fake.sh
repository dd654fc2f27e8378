#!/usr/bin/env bash
# Usage: bench/gpu/test-fake.sh
# Tests the GPU proof's scripts where no GPU is (ci/test.sh runs it after mvn verify, which builds
# the jar and the fake CUDA driver in target/fake-cuda): makes .gpu/ with prepare.sh, then
# 1. run.sh --fake must pass every check that it runs (logs in target/gpu-proof-fake/);
# 2. with Adam's kernel made to fault (FAKE_CUDA_FAIL_KERNEL=adam), run.sh --fake must exit 1 and
#    its summary must mark selftest and train failed (target/gpu-proof-fault/): a check can fail.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

die() { echo "test-fake.sh: $*" >&2; exit 1; }

bash bench/gpu/prepare.sh

rm -rf target/gpu-proof-fake target/gpu-proof-fault
bash bench/gpu/run.sh --fake target/gpu-proof-fake || die "run.sh --fake failed: see target/gpu-proof-fake/summary.md"
! grep -q '| fail |' target/gpu-proof-fake/summary.md || die "a check failed yet run.sh exited 0"

status=0
FAKE_CUDA_FAIL_KERNEL=adam bash bench/gpu/run.sh --fake target/gpu-proof-fault > target/gpu-proof-fault.out 2>&1 || status=$?
[[ $status -eq 1 ]] || die "run.sh --fake with a faulting kernel exited $status, not 1 (target/gpu-proof-fault.out)"
for check in selftest 'train --limit'; do
  grep -q "^| $check[^|]*| fail |" target/gpu-proof-fault/summary.md \
    || die "with a faulting kernel, target/gpu-proof-fault/summary.md does not mark $check failed"
done
echo "test-fake.sh: run.sh --fake passed, and failed as it should with a faulting kernel"

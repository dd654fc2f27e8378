#!/usr/bin/env bash
# The project's tests: selects a JDK 25, fetches and verifies MNIST (for the tests on the real
# data set), lints docker/Dockerfile, runs the Maven build with every test, then the GPU proof's
# scripts on the fake CUDA driver that the build made (bench/gpu/test-fake.sh). Under CI=true it
# installs Graphviz (Debian's package) when `dot` is missing, so that the rendering test runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk25.sh
if [[ "${CI:-}" == true ]] && ! command -v dot > /dev/null; then
  apt-get update -qq && apt-get install -y -qq graphviz > /dev/null
fi
bash data/fetch-mnist.sh
bash ci/lint-dockerfile.sh
mvn -B -ntp verify "$@"
bash bench/gpu/test-fake.sh

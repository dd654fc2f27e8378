#!/usr/bin/env bash
# The project's tests: selects a JDK 25, fetches and verifies MNIST (for the tests on the real
# data set), lints docker/Dockerfile, runs the Maven build with every test and installs the library,
# then the GPU proof's scripts on the fake CUDA driver that the build made (bench/gpu/test-fake.sh),
# then the shipped PTX on the fake driver's PTX engine against its emulator engine and the CPU
# (ci/ptx-engine.sh: selftest, one epoch of each model), then examples/anomaly against the library, on a small model trained here. Under CI=true it
# installs Graphviz (Debian's package) when `dot` is missing, so that the rendering test runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk25.sh
if [[ "${CI:-}" == true ]] && ! command -v dot > /dev/null; then
  apt-get update -qq && apt-get install -y -qq graphviz > /dev/null
fi
bash data/fetch-mnist.sh
bash ci/lint-dockerfile.sh
mvn -B -ntp install "$@"
bash bench/gpu/test-fake.sh
bash ci/ptx-engine.sh
# the example as a user builds it, from the installed artifact; a 1-epoch model on 1000 images
java -jar target/vae-cuda.jar train --epochs 1 --limit 1000 --out target/api-example --overwrite
mvn -B -ntp -q -f examples/anomaly/pom.xml package
java -jar examples/anomaly/target/anomaly.jar target/api-example/checkpoint.vae data/mnist target/api-example/unusual.png 1000
test -s target/api-example/unusual.png

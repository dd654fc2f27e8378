#!/usr/bin/env bash
# The project's tests: selects a JDK 25, fetches and verifies MNIST (for the tests on the real
# data set), lints docker/Dockerfile, then runs the Maven build with every test.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk25.sh
bash data/fetch-mnist.sh
bash ci/lint-dockerfile.sh
exec mvn -B -ntp verify "$@"

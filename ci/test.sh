#!/usr/bin/env bash
# The project's tests: selects a JDK 25, fetches and verifies MNIST (for the tests on the real
# data set), lints docker/Dockerfile, then runs the Maven build with every test. Under CI=true it
# installs Graphviz (Debian's package) when `dot` is missing, so that the rendering test runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk25.sh
if [[ "${CI:-}" == true ]] && ! command -v dot > /dev/null; then
  apt-get update -qq && apt-get install -y -qq graphviz > /dev/null
fi
bash data/fetch-mnist.sh
bash ci/lint-dockerfile.sh
exec mvn -B -ntp verify "$@"

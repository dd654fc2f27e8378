#!/usr/bin/env bash
# Usage: bench/gpu/prepare.sh [MNIST_DIR]
# Makes .gpu/ (git-ignored): all that bench/gpu/run.sh needs on a bare CUDA machine without Java,
# Maven or network. It holds a JRE 25 made with jlink (only the modules the jar uses, by jdeps)
# as jre.tar.gz, the jar (target/vae-cuda.jar: run mvn package first), the four MNIST files as
# .gz (from MNIST_DIR, default data/mnist, plain or .gz, verified against data/mnist.sha256), the
# PyTorch peer scripts, the CPU backend's recorded figures (cpu-reference-*.csv: the MLP's and the
# conv model's) and run.sh. It looks for no CUDA library: run.sh finds the driver, cuBLAS and cuDNN
# on the GPU machine.
# Prints the sizes; fails when .gpu/ and the tracked tree together reach 60 MiB (the machine
# receives 64 MiB at most). An unchanged JRE (same JDK, modules and font) is reused.
set -euo pipefail

die() { echo "prepare.sh: $*" >&2; exit 1; }

case "${1:-}" in
  -h | --help) sed -n '2,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
esac
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mnist="${1:-data/mnist}"
source ci/jdk25.sh
jar=target/vae-cuda.jar
[[ -f "$jar" ]] || die "no $jar: run mvn -B -q package -DskipTests first"
# the CPU backend's figures that run.sh compares with: the MLP's and --arch conv's, for the proof's
# sizes and for --fake's (bench/gpu/README.md says how they were made)
for reference in cpu-reference-{,conv-}{epochs10,limit1024-epochs2}.csv; do
  [[ -f "bench/gpu/$reference" ]] || die "bench/gpu/$reference missing"
done

# Built in a staging folder and renamed at the end: a run that stops half-way leaves the old .gpu/.
staging=".gpu.staging"
rm -rf "$staging"
mkdir -p "$staging/mnist"
trap 'rm -rf "$staging"' EXIT

# ---- the JRE ----
modules="$(jdeps --print-module-deps --ignore-missing-deps --multi-release 25 "$jar")"
# A bare machine may have neither fonts nor libfontconfig, and the charts that train writes draw
# text: Java then fails with "Fontconfig head is null". So the JRE carries one font and a
# fontconfig.properties, which Java reads when libfontconfig finds no fonts or is missing.
font=""
for candidate in /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/dejavu/DejaVuSans.ttf /usr/share/fonts/TTF/DejaVuSans.ttf; do
  if [[ -f "$candidate" ]]; then font="$candidate"; break; fi
done
[[ -n "$font" ]] || die "no DejaVuSans.ttf found (apt-get install fonts-dejavu-core)"
stamp="$("$JAVA_HOME/bin/java" -version 2>&1 | head -n1); modules $modules; font $(sha256sum "$font" | cut -c1-16)"
if [[ -f .gpu/jre.tar.gz && "$(cat .gpu/jre.stamp 2>/dev/null)" == "$stamp" ]]; then
  echo "JRE: unchanged, reused ($modules)"
  cp .gpu/jre.tar.gz .gpu/jre.stamp "$staging/"
else
  echo "JRE: jlink --add-modules $modules"
  jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --output "$staging/jre" 2>&1 \
    | { grep -v 'WARNING: Using incubator modules' || true; }
  mkdir -p "$staging/jre/lib/fonts"
  cp "$font" "$staging/jre/lib/fonts/DejaVuSans.ttf"
  {
    echo "# Every logical font is DejaVu Sans, bundled in lib/fonts (see bench/gpu/prepare.sh)"
    echo "version=1"
    for family in serif sansserif monospaced dialog dialoginput; do
      for style in plain bold italic bolditalic; do echo "$family.$style.latin-1=DejaVu Sans"; done
    done
    echo "sequence.allfonts=latin-1"
    echo "filename.DejaVu_Sans=\$JRE_LIB_FONTS/DejaVuSans.ttf"
  } > "$staging/jre/lib/fontconfig.properties"
  # gzip, not xz: a bare CUDA machine may have no xz binary, while tar with gzip is everywhere
  # (xz would make it 21 instead of 30 MiB). jlink's own compression packs each class on its own,
  # which leaves the archive 7 MiB larger.
  tar -C "$staging" -cf - jre | gzip -9 -n > "$staging/jre.tar.gz"
  rm -rf "$staging/jre"
  echo "$stamp" > "$staging/jre.stamp"
fi

# ---- the jar, the scripts, the CPU reference ----
cp "$jar" "$staging/vae-cuda.jar"
cp bench/gpu/run.sh bench/pytorch_vae.py bench/gpu/pytorch_fast_vae.py bench/gpu/cpu-reference-*.csv "$staging/"

# ---- MNIST, verified, as .gz ----
while read -r expected name; do
  # a .gz of an earlier .gpu/ is kept when it still holds the right file (gzip -9 takes a while)
  if [[ -f ".gpu/mnist/$name.gz" && "$(gzip -dc ".gpu/mnist/$name.gz" | sha256sum | cut -d' ' -f1)" == "$expected" ]]; then
    actual="$expected"
    cp ".gpu/mnist/$name.gz" "$staging/mnist/$name.gz"
  elif [[ -f "$mnist/$name" ]]; then
    actual="$(sha256sum < "$mnist/$name" | cut -d' ' -f1)"
    gzip -9 -n -c "$mnist/$name" > "$staging/mnist/$name.gz"
  elif [[ -f "$mnist/$name.gz" ]]; then
    actual="$(gzip -dc "$mnist/$name.gz" | sha256sum | cut -d' ' -f1)"
    cp "$mnist/$name.gz" "$staging/mnist/$name.gz"
  else
    die "no $mnist/$name (or .gz): run data/fetch-mnist.sh"
  fi
  [[ "$actual" == "$expected" ]] || die "$mnist/$name: checksum mismatch: expected $expected, actual $actual"
done < data/mnist.sha256

rm -rf .gpu
mv "$staging" .gpu
trap - EXIT

# ---- sizes ----
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
gpu_bytes="$(du -sb .gpu | cut -f1)"
tracked_bytes="$(git ls-files -z | xargs -0 stat -c %s 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')"
total=$(( gpu_bytes + tracked_bytes ))
echo "jre.tar.gz $(mib "$(stat -c %s .gpu/jre.tar.gz)"), vae-cuda.jar $(mib "$(stat -c %s .gpu/vae-cuda.jar)"), mnist $(mib "$(du -sb .gpu/mnist | cut -f1)")"
echo ".gpu/ $(mib "$gpu_bytes") + tracked tree $(mib "$tracked_bytes") = $(mib "$total") (limit 60 MiB)"
(( total < 60 * 1048576 )) || die ".gpu/ and the tracked tree reach $(mib "$total"), over 60 MiB"

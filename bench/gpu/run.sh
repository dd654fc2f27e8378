#!/usr/bin/env bash
# Usage: run.sh [--fake] OUTDIR
# The GPU proof, run in one go on a bare CUDA machine (no Java, no Maven, no network) from what
# bench/gpu/prepare.sh put in .gpu/: finds the Python that has PyTorch, unpacks the bundled JRE
# (tar and gzip), finds libcuda.so.1, libcublas.so.13 or .12 and libcudnn.so.9, and runs info,
# selftest (the conv calls among its checks), bench (graph or not, TF32 or not; the conv model),
# 10 epochs of train on MNIST, the MLP and --arch conv, each beside the CPU backend's recorded
# figures, the PyTorch peers (the example, and the MLP and conv models with the data on the GPU,
# eager and captured) and compute-sanitizer. Each step has its own time limit and all of them fit
# in 8 minutes, so one hang cannot eat the machine's time. Writes a log per step and
# OUTDIR/summary.md (rewritten after every step, so a run cut short still leaves one), where each
# check is pass, fail, timeout (cut by its limit or the 8 minutes), skipped or n/a, with the
# seconds its step took. Exits 1 when a check failed or timed out. VAE_PROOF_LIMITS='STEP=SECONDS
# ...' replaces the limits of those steps (STEP: a log's name or a glob, e.g. info, bench-*, train*).
# --fake: the same sequence against the fake CUDA driver, cuBLAS and cuDNN of the checkout that
# holds this script (target/fake-cuda, made by mvn package; FAKE_CUDA_DIR names another) with
# small sizes, skipping the PyTorch peers and the sanitizer; CI runs it (ci/test.sh).
# .gpu/ is found next to this script (prepare.sh copies it there) or at ../../.gpu; VAE_GPU_DIR
# names another. VAE_PYTHON names the Python with PyTorch, VAE_LIBCUDA the driver's libcuda.so.1,
# when they are elsewhere; VAE_CUBLAS and VAE_CUDNN, when set, are passed on to the jar (see
# docs/gpu.md), and VAE_CUDNN's folder goes on its loader path.
set -euo pipefail

die() { echo "run.sh: $*" >&2; exit 1; }

fake=false
if [[ "${1:-}" == --fake ]]; then fake=true; shift; fi
case "${1:-}" in
  -h | --help) sed -n '2,21s/^# \{0,1\}//p' "$0"; exit 0 ;;
  "" | -*) die "usage: run.sh [--fake] OUTDIR" ;;
esac
[[ $# -eq 1 ]] || die "usage: run.sh [--fake] OUTDIR"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# this script is either .gpu/run.sh or bench/gpu/run.sh of a checkout
if [[ -f "$script_dir/vae-cuda.jar" ]]; then gpu="$script_dir"; checkout="$(dirname "$script_dir")"
else gpu="$script_dir/../../.gpu"; checkout="$(dirname "$(dirname "$script_dir")")"
fi
gpu="${VAE_GPU_DIR:-$gpu}"
[[ -f "$gpu/vae-cuda.jar" && -f "$gpu/jre.tar.gz" ]] || die "no prepared .gpu/ at $gpu (run bench/gpu/prepare.sh where Java is, then copy .gpu/ here)"
gpu="$(cd "$gpu" && pwd)"

# The whole proof, unpacking included: 8 minutes of a GPU machine's time. With --fake the emulator
# runs the CUDA steps on this machine's CPU, where a loaded CI runner may take longer than a GPU:
# its limits (step_limit) add up to 870 s.
if $fake; then TOTAL_SECONDS=900; else TOTAL_SECONDS=480; fi
# test-fake.sh makes steps overrun with VAE_PROOF_LIMITS
read -r -a limit_overrides <<< "${VAE_PROOF_LIMITS:-}"
for pair in "${limit_overrides[@]}"; do
  [[ "$pair" =~ ^[^=]+=[1-9][0-9]*$ ]] || die "VAE_PROOF_LIMITS: '$pair' is not STEP=SECONDS"
done
started=$SECONDS
mkdir -p "$1"
out="$(cd "$1" && pwd)"
summary="$out/summary.md"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Bash runs the EXIT trap on a signal only when the signal has a trap of its own.
trap 'exit 130' INT
trap 'exit 143' TERM

# the JRE and JCuda's natives in the jar are x86-64 ones
[[ "$(uname -m)" == x86_64 ]] || die "this .gpu/ holds an x86-64 JRE and JCuda natives; this machine is $(uname -m)"

# ---- the Python with PyTorch, for the peers and for cuBLAS from NVIDIA's wheels ----
# On a CUDA machine PyTorch is often not in the first python3 on PATH but in a virtual
# environment's, conda's or the system's: each candidate is asked to import torch, and the first
# that can is used. This runs before java leaves PATH, so that the paths found are the host's.
if [[ -n "${VAE_PYTHON:-}" ]]; then
  [[ -f "$VAE_PYTHON" && -x "$VAE_PYTHON" ]] || die "VAE_PYTHON=$VAE_PYTHON is not an executable file"
  candidates=("VAE_PYTHON=$VAE_PYTHON")
else
  candidates=("python3 on PATH=$(command -v python3 || true)"
    "the active virtual environment=${VIRTUAL_ENV:+$VIRTUAL_ENV/bin/python3}"
    "the active conda environment=${CONDA_PREFIX:+$CONDA_PREFIX/bin/python3}"
    "the system's=/usr/bin/python3")
  for conda in /opt/conda "${HOME:-}/miniconda3" "${HOME:-}/miniforge3" "${HOME:-}/anaconda3"; do
    candidates+=("conda's=$conda/bin/python3")
  done
fi
python="" python_label="" torch_version="" torch_cuda="" without_torch="" probed=" "
python_started=$SECONDS
for candidate in "${candidates[@]}"; do
  label="${candidate%%=*}" path="${candidate#*=}"
  [[ -f "$path" && -x "$path" && "$probed" != *" $path "* ]] || continue
  probed+="$path "
  # e.g. "2.9.0+cu130 True"; is_available() starts CUDA, hence the minute
  answer="$(timeout 60 "$path" -c 'import torch; print(torch.__version__, torch.cuda.is_available())' 2>/dev/null | tail -n1 || true)"
  if [[ "$answer" =~ ^([^ ]+)\ (True|False)$ ]]; then
    python="$path" python_label="$label" torch_version="${BASH_REMATCH[1]}" torch_cuda="${BASH_REMATCH[2]}"
    break
  fi
  without_torch+="${without_torch:+, }$path ($label)"
done
python_line="${python:+$python ($python_label): PyTorch $torch_version, torch.cuda.is_available() $torch_cuda}"
python_line="${python_line:-none with PyTorch}${without_torch:+; no PyTorch in $without_torch}"
python_line+="; probed in $(( SECONDS - python_started )) s"

# ---- the JRE, and a PATH without java: the proof must not depend on any Java of the host ----
jre_started=$SECONDS
tar -xzf "$gpu/jre.tar.gz" -C "$work" || die "cannot unpack $gpu/jre.tar.gz (tar and gzip)"
java="$work/jre/bin/java"
[[ -x "$java" ]] || die "$gpu/jre.tar.gz holds no jre/bin/java"
jre_seconds=$(( SECONDS - jre_started ))
# A folder of PATH that holds a java (/usr/bin does on many hosts) is replaced by one of links to
# all its other programs.
path_without_java=""
IFS=: read -r -a path_dirs <<< "$PATH"
for dir in "${path_dirs[@]}"; do
  [[ -n "$dir" && -d "$dir" ]] || continue
  if [[ -e "$dir/java" ]]; then
    shadow="$work/path-${#path_without_java}"
    mkdir "$shadow"
    find "$dir/" -mindepth 1 -maxdepth 1 ! -name java -exec ln -s -t "$shadow" {} +
    dir="$shadow"
  fi
  path_without_java="${path_without_java:+$path_without_java:}$dir"
done
export PATH="$path_without_java"
unset JAVA_HOME JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS _JAVA_OPTIONS
! command -v java >/dev/null || die "java still on PATH ($(command -v java))"

# ---- the driver, cuBLAS and cuDNN ----
first_file() {  # the first of the given paths that is a file
  local f
  for f in "$@"; do [[ -f "$f" ]] && { echo "$f"; return 0; }; done
  return 1
}
# cuBLAS (libcublas.so.13 or .12) and cuDNN (libcudnn.so.9) are looked for in the same places, in
# order: ldconfig's cache, CUDA toolkits, then the NVIDIA wheels of the Python with PyTorch (CUDA
# 12's nvidia/cublas/lib, CUDA 13's nvidia/cu13/lib, cuDNN's nvidia/cudnn/lib). Each folder that
# holds one goes on the jar's loader path once: the jar opens them by soname, and cuDNN opens its
# parts (libcudnn_cnn.so.9, libcudnn_ops.so.9, ...) from the loader path too. cublas_found and
# cudnn_found name each file with where it was found.
library_dirs=() cublas_found="" cudnn_found=""
add_library_dirs() {  # add_library_dirs SOURCE DIR...: keeps each DIR that holds cuBLAS or cuDNN, once
  local source="$1" dir file; shift
  for dir in "$@"; do
    [[ " ${library_dirs[*]} " != *" $dir "* ]] || continue
    for file in "$dir/libcublas.so.13" "$dir/libcublas.so.12" "$dir/libcudnn.so.9"; do
      [[ -f "$file" ]] || continue
      if [[ "$file" == */libcudnn.so.9 ]]; then cudnn_found+="${cudnn_found:+, }$file ($source)"
      else cublas_found+="${cublas_found:+, }$file ($source)"; fi
      [[ " ${library_dirs[*]} " == *" $dir "* ]] || library_dirs+=("$dir")
    done
  done
}
if $fake; then
  fake_dir="${FAKE_CUDA_DIR:-$checkout/target/fake-cuda}"
  [[ -f "$fake_dir/libcuda.so.1" ]] || die "--fake needs the fake driver in $fake_dir (mvn package builds target/fake-cuda)"
  fake_dir="$(cd "$fake_dir" && pwd)"
  libcuda="$fake_dir/libcuda.so.1"
  add_library_dirs "the fake driver's folder" "$fake_dir"
else
  driver_dirs=(/usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/wsl/lib /run/nvidia/driver/usr/lib/x86_64-linux-gnu)
  in_ldconfig="$(ldconfig -p 2>/dev/null | awk '$1 == "libcuda.so.1" && /x86-64/ { print $NF; exit }' || true)"
  # shellcheck disable=SC2086  # unquoted: an unset VAE_LIBCUDA or an empty cache adds no path
  libcuda="$(first_file ${VAE_LIBCUDA:-} $in_ldconfig "${driver_dirs[@]/%//libcuda.so.1}" || true)"
  [[ -n "$libcuda" ]] || die "no libcuda.so.1 found in ldconfig's cache or ${driver_dirs[*]}; is the NVIDIA driver installed?"
  # shellcheck disable=SC2046  # one folder a line, none with spaces in ldconfig's cache
  add_library_dirs "ldconfig's cache" $(ldconfig -p 2>/dev/null | awk '$1 ~ /^lib(cublas\.so\.1[23]|cudnn\.so\.9)$/ { print $NF }' | xargs -r -n1 dirname)
  add_library_dirs "a CUDA toolkit" /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/local/cuda-*/lib64 /usr/local/cuda-*/targets/x86_64-linux/lib
  wheel_python="${python:-python3}"
  for top in $("$wheel_python" -c 'import nvidia; print(" ".join(nvidia.__path__))' 2>/dev/null || true); do
    add_library_dirs "the NVIDIA wheels of $wheel_python" "$top"/*/lib
  done
  [[ -n "$cublas_found" || -n "${VAE_CUBLAS:-}" ]] \
    || die "no libcublas.so.13 or .12 found in ldconfig's cache, /usr/local/cuda*/lib64 or the nvidia/*/lib of $wheel_python; set VAE_CUBLAS to one"
  # no cuDNN is no reason to stop: the MLP runs without it, and the conv steps fail with the jar's
  # one line that says it is missing
fi
# Only the jar's runs see these folders: the PyTorch peers load their own libraries.
jar_library_path="$(dirname "$libcuda")"
for dir in ${VAE_CUDNN:+"$(dirname "$VAE_CUDNN")"} "${library_dirs[@]}"; do
  if [[ ":$jar_library_path:" != *":$dir:"* ]]; then jar_library_path+=":$dir"; fi
done
jar_library_path+="${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# ---- sizes: the real proof, or small ones that the fake (a CPU emulator) runs in a minute ----
# The CPU backend's figures for the same runs: cpu-reference[-conv]-SIZES.csv (bench/gpu/README.md
# says how they were made).
if $fake; then
  train_args=(--limit 1024 --epochs 2)
  bench_args=(--steps 3 --repeats 1 --warmup 1)
  sizes=limit1024-epochs2
else
  train_args=(--epochs 10)
  bench_args=()
  sizes=epochs10
fi
reference="$gpu/cpu-reference-$sizes.csv" conv_reference="$gpu/cpu-reference-conv-$sizes.csv"
for file in "$reference" "$conv_reference"; do
  [[ -f "$file" ]] || die "no $file (prepare.sh copies bench/gpu/cpu-reference-*.csv)"
done

# ---- each step's time limit ----
# step_limit NAME: the seconds the step NAME may take. On a GPU they add up to 460 s, which leaves
# the 480 s of the whole proof room for the Python probe and the JRE's unpacking (about 15 s). The
# comments say what each step should take on an H200 (predicted: no step has run on a GPU yet),
# which its limit exceeds two- to threefold. With --fake the emulator runs the steps on the CPU, at
# small sizes, and the peers and the sanitizer are skipped: those limits are the CPU's, about twice
# what each step took on 2 cores under a load average of 500 (2026-12-02: bench-conv 53 s, train
# 41 s, train-conv 153 s).
step_limit() {
  local gpu fake_cpu=""
  case "$1" in
    info) gpu=15 fake_cpu=30 ;;            # starting the JVM and CUDA, loading cuBLAS and cuDNN: 3 to 5 s
    selftest) gpu=45 fake_cpu=150 ;;       # every kernel, GEMM and convolution, then three MLP and three conv steps, against the CPU backend (most of the time): 10 to 20 s
    bench-conv) gpu=20 fake_cpu=120 ;;      # 5 x 200 conv steps after 30 warm-up ones, about 0.5 ms each, and its GEMMs alone: 5 to 8 s
    bench-*) gpu=15 fake_cpu=45 ;;         # each of the four: 5 x 200 MLP steps after 30, about 50 us each, and its GEMMs alone: 3 to 6 s, mostly starting
    train) gpu=35 fake_cpu=90 ;;           # 10 epochs of about 30 ms, each with its test pass, pictures and checkpoint: 10 to 15 s
    train-conv) gpu=45 fake_cpu=300 ;;     # 10 epochs of at most 0.25 s, with the same: 15 to 20 s
    # not run with --fake:
    pytorch-example) gpu=60 ;;             # importing torch and starting CUDA (about 10 s), 4 epochs of its DataLoader-bound loop, 3 to 5 s each: about 30 s
    pytorch-fast) gpu=30 ;;                # the same start, 4 epochs of about 0.1 s: about 12 s
    pytorch-conv-*) gpu=35 ;;              # each of eager and graph: the same start and cuDNN's algorithm search, 4 epochs of 0.3 to 1 s: about 15 s
    sanitizer-*) gpu=40 ;;                 # each of memcheck and racecheck: 1024 images without the graph under the tool: 15 to 25 s
    *) die "step_limit: no limit for the step $1" ;;
  esac
  if ! $fake; then echo "$gpu"
  elif [[ -n "$fake_cpu" ]]; then echo "$fake_cpu"
  else die "step_limit: the step $1 does not run with --fake"; fi
}

# ---- steps and the summary ----
rows=()     # "check|status|seconds|figures", in order
details=()  # markdown sections after the table
any_failed=false
step_seconds=""

# record CHECK STATUS FIGURES; STATUS is pass, fail, timeout, skipped or n/a. The seconds are those
# of the step run for CHECK (step_seconds, which record clears: a check whose step did not run has
# none).
record() {
  rows+=("$1|$2|${step_seconds:--}|$3")
  step_seconds=""
  [[ "$2" != fail && "$2" != timeout ]] || any_failed=true
  write_summary
}

write_summary() {
  {
    echo "# GPU proof$(if $fake; then echo ' on the fake CUDA driver'; fi)"
    echo
    if $fake; then
      echo "Run with --fake: the real CUDA runtime code over the fake driver (target/fake-cuda, a CPU"
      echo "emulator), small sizes (${train_args[*]}, bench ${bench_args[*]}). Its timings mean nothing;"
      echo "the PyTorch peers and compute-sanitizer are skipped. This tests the script, not a GPU."
      echo
    fi
    echo "$environment_lines"
    echo
    echo "| check | result | seconds | figures |"
    echo "| --- | --- | --- | --- |"
    local row
    for row in "${rows[@]}"; do
      IFS='|' read -r check status seconds figures <<< "$row"
      echo "| $check | $status | $seconds | $figures |"
    done
    echo
    for row in "${details[@]}"; do echo "$row"; echo; done
    echo "Logs: one per step in this folder ($(basename "$out")/NAME.log); $(( SECONDS - started )) s so far."
  } > "$summary.tmp"
  mv -f "$summary.tmp" "$summary"
}

# run_step NAME COMMAND...: runs COMMAND with its output in OUTDIR/NAME.log, killed after NAME's
# limit (step_limit, or VAE_PROOF_LIMITS's) or when the proof's 8 minutes run out; sets step_rc
# and step_seconds. Returns 1 when the step did not finish in time, killed or not run because
# fewer than 10 s were left, with the reason in step_cut.
run_step() {
  local name="$1" limit pair; shift
  limit="$(step_limit "$name")" || exit 1  # its own message says why; an if around run_step would not stop
  for pair in "${limit_overrides[@]}"; do
    # shellcheck disable=SC2053  # unquoted: STEP may be a glob
    if [[ "$name" == ${pair%%=*} ]]; then limit="${pair#*=}"; fi
  done
  local left=$(( TOTAL_SECONDS - (SECONDS - started) - 5 ))
  if (( left < 10 )); then step_cut="not run: the proof's $TOTAL_SECONDS s were spent"; return 1; fi
  step_cut="killed at its limit of $limit s"
  if (( left < limit )); then limit=$left step_cut="killed after $left s, when the proof's $TOTAL_SECONDS s ran out"; fi
  local begin=$SECONDS
  echo "== $name (limit ${limit} s): $*" | tee "$out/$name.log"
  step_rc=0
  timeout --kill-after=10 "$limit" "$@" >> "$out/$name.log" 2>&1 || step_rc=$?
  step_seconds=$(( SECONDS - begin ))
  echo "== exit $step_rc after $step_seconds s" | tee -a "$out/$name.log"
  # timeout(1) exits 124 when its TERM ended the command, 137 when it had to KILL it; a command
  # killed sooner by another (the kernel's OOM killer) is a failure, not a timeout
  if (( (step_rc == 124 || step_rc == 137) && step_seconds >= limit )); then return 1; fi
}

# the jar on the bundled JRE, with the driver's, cuBLAS's and cuDNN's folders on the loader path
jar=(env LD_LIBRARY_PATH="$jar_library_path" "$java" -jar "$gpu/vae-cuda.jar")

why_failed() {  # a short reason from the exit code and log of a step that finished
  local name="$1"
  case "$step_rc" in
    0) echo "exit 0 but no figures in $name.log" ;;
    *) echo "exit $step_rc: $(grep -m1 -E '^(error|[A-Za-z_.]*(Error|Exception)):' "$out/$name.log" | cut -c1-160 | tr '|' '/')" ;;
  esac
}

epochs_in() {  # the epochs that a metrics.csv holds, 0 when there is none
  if [[ -f "$1" ]]; then awk -F, 'NR > 1' "$1" | wc -l; else echo 0; fi
}

# a median of the numbers on stdin, one a line
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }

# ratio A B: A / B to one decimal, or nothing when either is missing
ratio() { if [[ -n "$1" && -n "$2" ]]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; fi; }

nvidia_smi="$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -n1 || true)"
environment_lines="- when: $(date -u '+%Y-%m-%d %H:%M UTC'); host: $(uname -srm)
- GPU (nvidia-smi): ${nvidia_smi:-nvidia-smi not available}
- driver: $libcuda; cuBLAS found: ${cublas_found:-none}${VAE_CUBLAS:+; VAE_CUBLAS=$VAE_CUBLAS}
- cuDNN found: ${cudnn_found:-none (the conv model cannot run on CUDA)}${VAE_CUDNN:+; VAE_CUDNN=$VAE_CUDNN}
- Python: $python_line
- JRE: $("$java" -version 2>&1 | head -n1) (bundled, unpacked in $jre_seconds s)"
write_summary

# info: the GPU, the driver's CUDA version, the cuBLAS and cuDNN in use
if run_step info "${jar[@]}" info; then
  line="$(grep -m1 '^cuda ' "$out/info.log" | sed 's/^cuda *//' | tr '|' '/' || true)"
  if [[ $step_rc -eq 0 && -n "$line" && "$line" != unavailable* ]]; then record info pass "$line"
  else record info fail "${line:-$(why_failed info)}"; fi
else record info timeout "$step_cut"; fi

# selftest: every kernel, GEMM and convolution call, and three training steps of each model,
# against the CPU backend
if run_step selftest "${jar[@]}" selftest --device cuda; then
  line="$(grep -m1 -E '^[0-9]+ passed, [0-9]+ failed' "$out/selftest.log" || true)"
  if [[ $step_rc -eq 0 && "$line" == *" 0 failed" ]]; then record selftest pass "$line"
  else record selftest fail "${line:+$line; }$(why_failed selftest)"; fi
else record selftest timeout "$step_cut"; fi

# bench_check NAME OPTION...: `bench --device cuda OPTION...`, a step and its GEMMs alone; sets
# bench_us_NAME and bench_launches_NAME (NAME's dashes as underscores) for the targets
bench_check() {
  local name="$1"; shift
  local label="bench ${*:-(graph)}" log="$out/$name.log"
  if run_step "$name" "${jar[@]}" bench --device cuda "$@" "${bench_args[@]}"; then
    local step_ms images floor_ms launches
    step_ms="$(awk '/^training step/ { print $3 }' "$log")"
    images="$(awk '/^training step/ { print $5 }' "$log")"
    floor_ms="$(awk '/^GEMMs alone/ { print $3 }' "$log")"
    # "20 launches (9 kernels + 11 GEMMs)", a conv model's with "+ N cuDNN convolutions" inside
    launches="$(grep -oE '[0-9]+ launches \([0-9]+ kernels \+ [0-9]+ GEMMs( \+ [0-9]+ cuDNN convolutions)?\)' "$log" || true)"
    if [[ $step_rc -eq 0 && -n "$step_ms" && -n "$launches" ]]; then
      record "$label" pass \
        "$launches per step; $(awk -v s="$step_ms" -v f="$floor_ms" 'BEGIN { printf "%.1f us per step, GEMMs alone %.1f us", s * 1000, f * 1000 }'); $images images/s"
      printf -v "bench_us_${name//-/_}" '%s' "$(awk -v s="$step_ms" 'BEGIN { printf "%.1f", s * 1000 }')"
      printf -v "bench_launches_${name//-/_}" '%s' "${launches%% *}"
    else record "$label" fail "$(why_failed "$name")"; fi
  else record "$label" timeout "$step_cut"; fi
}
bench_check bench-graph
bench_check bench-no-graph --no-graph
bench_check bench-graph-tf32 --tf32
bench_check bench-no-graph-tf32 --no-graph --tf32
bench_check bench-conv --arch conv

# train_check NAME REFERENCE OPTION...: `train --device cuda OPTION...` on MNIST; the test loss per
# epoch beside the CPU backend's (REFERENCE, its metrics.csv of the same run); sets
# train_median_NAME (NAME's dashes as underscores), the median seconds of epochs 2.., for the targets
train_check() {
  local name="$1" reference="$2"; shift 2
  local options=("$@" "${train_args[@]}")
  local label="train ${options[*]}" metrics="$out/$name/metrics.csv" epochs_wanted
  epochs_wanted="$(awk -F, 'NR > 1' "$reference" | wc -l)"
  if run_step "$name" "${jar[@]}" train --device cuda --data "$gpu/mnist" --out "$out/$name" --overwrite "${options[@]}"; then
    local epochs_done median first gpu_loss cpu_loss delta status table
    epochs_done="$(epochs_in "$metrics")"
    if [[ $step_rc -eq 0 && "$epochs_done" -eq "$epochs_wanted" ]]; then
      # epoch 1 also records the step, JIT-compiles the PTX and picks cuDNN's algorithms: the
      # median is over the later epochs
      median="$(awk -F, 'NR > 2 { print $4 }' "$metrics" | median)"
      printf -v "train_median_${name//-/_}" '%s' "$median"
      first="$(awk -F, 'NR == 2 { print $4 }' "$metrics")"
      gpu_loss="$(awk -F, 'END { print $3 }' "$metrics")"
      cpu_loss="$(awk -F, 'END { print $3 }' "$reference")"
      delta="$(awk -v g="$gpu_loss" -v c="$cpu_loss" 'BEGIN { d = g - c; printf "%.4f", d < 0 ? -d : d }')"
      status=pass
      # the issue's bound: the test loss after the last epoch within 0.5 of the CPU backend's
      awk -v d="$delta" 'BEGIN { exit !(d <= 0.5) }' || status=fail
      record "$label" "$status" \
        "$(awk -v m="$median" -v f="$first" 'BEGIN { printf "%.1f ms per epoch (median of epochs 2..), epoch 1 %.1f ms", m * 1000, f * 1000 }'); test loss $gpu_loss, CPU backend $cpu_loss, difference $delta (at most 0.5)"
      table="### $label: test loss per epoch, GPU and CPU backend"$'\n\n'"| epoch | seconds | test loss | CPU backend's (recorded) | difference |"$'\n'"| --- | --- | --- | --- | --- |"
      table+=$'\n'"$(awk -F, 'NR == FNR { if (FNR > 1) cpu[$1] = $3; next } FNR > 1 { printf "| %d | %.3f | %.4f | %.4f | %+.4f |\n", $1, $4, $3, cpu[$1], $3 - cpu[$1] }' "$reference" "$metrics")"
      details+=("$table")
    else record "$label" fail "$epochs_done of $epochs_wanted epochs; $(why_failed "$name")"; fi
  else record "$label" timeout "$step_cut; $(epochs_in "$metrics") of $epochs_wanted epochs done"; fi
}
train_check train "$reference"
train_check train-conv "$conv_reference" --arch conv

# peer NAME LABEL SCRIPT ARGS...: a PyTorch peer on the same GPU, SCRIPT run by the Python with
# PyTorch for 1 warm-up epoch + 3 timed; sets peer_seconds_NAME (NAME's dashes as underscores),
# the median seconds of the timed epochs, for the targets
peer() {
  local name="$1" label="$2"; shift 2
  if $fake; then record "$label" skipped "--fake: no GPU for PyTorch"; return; fi
  if [[ -z "$python" ]]; then record "$label" skipped "no Python with PyTorch found"; return; fi
  if [[ "$torch_cuda" != True ]]; then record "$label" skipped "PyTorch $torch_version in $python sees no GPU"; return; fi
  if run_step "$name" "$python" "$@"; then
    local seconds
    seconds="$(grep -E '^epoch [0-9]+ ' "$out/$name.log" | awk 'NR > 1 { print $NF == "s" ? $(NF - 1) : $NF }' | median || true)"
    if [[ $step_rc -eq 0 && -n "$seconds" ]]; then
      printf -v "peer_seconds_${name//-/_}" '%s' "$seconds"
      record "$label" pass "PyTorch $torch_version: $(awk -v s="$seconds" 'BEGIN { printf "%.1f ms per epoch", s * 1000 }') (median of epochs 2-4); $(grep -E '^epoch ' "$out/$name.log" | tail -n1 | grep -oE 'test_loss [0-9.]+')"
    else record "$label" fail "$(why_failed "$name")"; fi
  else record "$label" timeout "$step_cut"; fi
}
peer pytorch-example "PyTorch examples/vae (its DataLoader)" "$gpu/pytorch_vae.py" "$gpu/mnist" 4 "$(nproc)" cuda
peer pytorch-fast "PyTorch fast (data on GPU, CUDA graph)" "$gpu/pytorch_fast_vae.py" "$gpu/mnist" 4
peer pytorch-conv-eager "PyTorch conv, eager (data on GPU)" "$gpu/pytorch_fast_vae.py" "$gpu/mnist" 4 conv eager
peer pytorch-conv-graph "PyTorch conv fast (data on GPU, CUDA graph)" "$gpu/pytorch_fast_vae.py" "$gpu/mnist" 4 conv graph

# compute-sanitizer over a short run without the graph
sanitizer="$(command -v compute-sanitizer || first_file /usr/local/cuda/bin/compute-sanitizer /usr/local/cuda-*/bin/compute-sanitizer /usr/local/cuda/compute-sanitizer/compute-sanitizer || true)"
for tool in memcheck racecheck; do
  label="compute-sanitizer $tool"
  if $fake; then record "$label" skipped "--fake: the sanitizer needs a GPU"; continue; fi
  if [[ -z "$sanitizer" ]]; then record "$label" skipped "compute-sanitizer not installed"; continue; fi
  if run_step "sanitizer-$tool" "$sanitizer" --tool "$tool" --target-processes all "${jar[@]}" \
      train --device cuda --no-graph --limit 1024 --epochs 1 --data "$gpu/mnist" --out "$out/sanitizer-$tool" --overwrite; then
    log="$out/sanitizer-$tool.log"
    # memcheck ends with "ERROR SUMMARY: N errors", racecheck with "RACECHECK SUMMARY: ... (N errors, M warnings)"
    errors="$(grep -oE '(ERROR SUMMARY: [0-9]+ error|\([0-9]+ error)' "$log" | tail -n1 | grep -oE '[0-9]+' || true)"
    if [[ -z "$errors" ]] || grep -q 'Internal Sanitizer Error' "$log"; then
      record "$label" n/a "did not work on this machine ($(why_failed "sanitizer-$tool")); $(uname -r)"
    elif [[ $step_rc -eq 0 && "$errors" -eq 0 ]]; then record "$label" pass "0 errors"
    else record "$label" fail "$errors errors; exit $step_rc"; fi
  else record "$label" timeout "$step_cut"; fi
done

# the issue's targets (benchmarks, not checks): what docs/performance.md reports
target_rows="### Targets (H200, full MNIST, defaults, batch 128)$(if $fake; then echo ': fake driver, figures meaningless, computed to test this script'; fi)"$'\n\n'"| target | measured | met |"$'\n'"| --- | --- | --- |"
target() {  # target TEXT MEASURED CONDITION(awk, on m and the -v values)
  local text="$1" measured="$2" cond="$3"; shift 3
  local met="not measured"
  if [[ -n "$measured" ]]; then
    met="$(awk -v m="$measured" "$@" "BEGIN { print ($cond) ? \"yes\" : \"no\" }")"
  fi
  target_rows+=$'\n'"| $text | ${measured:--} | $met |"
}
target "train: at most 60 ms per epoch (graph), s" "${train_median_train:-}" 'm <= 0.060'
target "about 20 launches per step" "${bench_launches_bench_graph:-}" 'm <= 22'
target "at least 20x faster than examples/vae, x" "$(ratio "${peer_seconds_pytorch_example:-}" "${train_median_train:-}")" 'm >= 20'
target "at least 2x faster than fast PyTorch, x" "$(ratio "${peer_seconds_pytorch_fast:-}" "${train_median_train:-}")" 'm >= 2'
target "train --arch conv: at most 0.25 s per epoch (graph), s" "${train_median_train_conv:-}" 'm <= 0.25'
target "--arch conv: at least 2x faster than the captured PyTorch conv VAE, x" \
  "$(ratio "${peer_seconds_pytorch_conv_graph:-}" "${train_median_train_conv:-}")" 'm >= 2'
details+=("$target_rows")
write_summary

echo "summary: $summary"
cat "$summary"
if $any_failed; then exit 1; fi

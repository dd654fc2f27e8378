#!/usr/bin/env bash
# Burda, Grosse and Salakhutdinov, "Importance Weighted Autoencoders" (ICLR 2016), Table 1, MNIST, one
# stochastic layer, the VAE trained with k = 1 (test NLL 86.76 nats, 19 active units of 50): trains
# 784-200-200-50 with tanh, Glorot initialisation, Adam (eps 1e-4) at batch 20 on dynamically
# binarised MNIST for the paper's 3280 epochs, then estimates the test NLL with k = 5000 importance
# samples (twice: from the run's seed, and from a second seed to show the estimate's variance) and
# counts the active units. docs/reproductions.md has the setting and the figures.
#
# Usage: repro/iwae-vae.sh DATA OUT
#   DATA  folder with MNIST's IDX files (data/fetch-mnist.sh DATA fetches them)
#   OUT   run folder; keep it outside the checkout. Run the script again with the same OUT and it
#         continues from OUT/checkpoint.vae (Ctrl-C, or kill -TERM of the script, saves one inside an epoch).
# In the background: mkdir -p "$(dirname OUT)"; nohup repro/iwae-vae.sh DATA OUT > OUT.log 2>&1 &  (stop it with
# kill -TERM PID)
# Environment: VAE_JAR (default target/vae-cuda.jar of this checkout), VAE_DEVICE (default auto),
# VAE_THREADS (default: the number of cores).
set -euo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: repro/iwae-vae.sh DATA OUT" >&2
  exit 2
fi
data="$1"
out="$2"
here="$(cd "$(dirname "$0")/.." && pwd)"
jar="${VAE_JAR:-$here/target/vae-cuda.jar}"
epochs=3280
samples=5000
second_seed=2
[[ -f "$jar" ]] || { echo "error: $jar: no such jar (build it with: mvn -B -q package -DskipTests)" >&2; exit 1; }
[[ -d "$data" ]] || { echo "error: $data: no such data folder" >&2; exit 2; }
# shellcheck source=../ci/jdk25.sh
source "$here/ci/jdk25.sh"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
device=(--device "${VAE_DEVICE:-auto}" --threads "${VAE_THREADS:-$(nproc)}")
checkpoint="$out/checkpoint.vae"
# reconstructions and samples every 100 epochs and after the last: 33 pairs of pictures, not 3280
figures=(--figures-every 100)

if [[ -f "$checkpoint" ]]; then
  echo "resuming $checkpoint up to epoch $epochs"
  train=(train "${device[@]}" --data "$data" --resume "$checkpoint" --epochs "$epochs" "${figures[@]}")
else
  train=(train "${device[@]}" --data "$data" --out "$out" --epochs "$epochs"
         --hidden 200,200 --latent 50 --activation tanh --init glorot
         --batch-size 20 --lr 1e-3 --adam-eps 1e-4 --lr-schedule iwae --binarize --seed 1 "${figures[@]}")
fi

# each epoch line gets the remaining time, from the wall-clock time per epoch of this invocation
annotate() {
  local started first_epoch="" line epoch done_here per_epoch left
  started=$(date +%s)
  while IFS= read -r line; do
    echo "$line"
    if [[ $line =~ ^epoch\ ([0-9]+)/([0-9]+)\ \ train_loss ]]; then
      epoch=${BASH_REMATCH[1]}
      first_epoch=${first_epoch:-$epoch}
      done_here=$((epoch - first_epoch + 1))
      tenths=$(( ($(date +%s) - started) * 10 / done_here ))
      left=$(( (epochs - epoch) * tenths / 10 ))
      printf 'estimated remaining: %d h %02d min (%d epochs at %d.%d s each), then the k = %d evaluations\n' \
        $((left / 3600)) $((left % 3600 / 60)) $((epochs - epoch)) $((tenths / 10)) $((tenths % 10)) "$samples"
    fi
  done
}

# the trainer's output reaches annotate through a named pipe, so that the script can wait for its
# last line before the evaluation prints
pipe_dir="$(mktemp -d)"
trap 'rm -rf "$pipe_dir"' EXIT
mkfifo "$pipe_dir/output"
annotate < "$pipe_dir/output" &
annotate_pid=$!

# SIGTERM to this script reaches the trainer, which saves a checkpoint inside the epoch and stops; Ctrl-C
# on a terminal reaches the trainer directly (its process group), so the script only waits for it
"$java_bin" -jar "$jar" "${train[@]}" > "$pipe_dir/output" &
java_pid=$!
trap 'kill -TERM "$java_pid" 2>/dev/null' TERM
trap '' INT
set +e
wait "$java_pid"
status=$?
while kill -0 "$java_pid" 2>/dev/null; do
  wait "$java_pid"
  status=$?
done
wait "$annotate_pid"
set -e
trap - TERM INT
if [[ $status -ne 0 ]]; then
  echo "training stopped with exit status $status; run this script again to continue from $checkpoint" >&2
  exit "$status"
fi

# the figure, from the run's seed; then the same estimate from a second seed's draws (the test set's
# binarisation and the samples of z), which shows the estimate's variance
"$java_bin" -jar "$jar" eval "${device[@]}" --checkpoint "$checkpoint" --data "$data" \
  --iw-samples "$samples" --out "$out/eval.csv" | tee "$out/eval.txt"
"$java_bin" -jar "$jar" eval "${device[@]}" --checkpoint "$checkpoint" --data "$data" \
  --iw-samples "$samples" --seed "$second_seed" --out "$out/eval-seed$second_seed.csv" | tee "$out/eval-seed$second_seed.txt"

# the figures beside the paper's (Table 1: 86.76 nats, 19 active units; the issue's target: within 1 nat)
nll() { awk '/^-log p\(x\)/ { print $NF }' "$1"; }                  # "-log p(x), K = 5000  86.12"
active_units() { awk '/^active units/ { print $(NF - 2) }' "$1"; }    # "active units (...)  21 of 50"
echo "VAE, k = 1: -log p(x) $(nll "$out/eval.txt") nats (seed 1), $(nll "$out/eval-seed$second_seed.txt")" \
  "(seed $second_seed), $(active_units "$out/eval.txt") active units of 50; the paper: 86.76 nats, 19 active units;" \
  "the target: at most 87.76"

#!/usr/bin/env bash
# GPU check: a small experiment whose trials train a PyTorch model on the GPU, through a
# private Redis and `scriba worker --gpus all` on this machine. Prints, per trial, the GPU it
# ran on (its CUDA_VISIBLE_DEVICES and the device name PyTorch saw), its training time and
# its final loss; fails if two trials that overlapped in time shared a GPU.
# Needs: nvidia-smi, python3 with torch (CUDA), redis-server, and `npm run build` done.
# Usage: bench/gpu-check/run.sh [TRIALS]   (default: 2 per GPU)
set -euo pipefail
cd "$(dirname "$0")/../.."
here=bench/gpu-check
command -v nvidia-smi >/dev/null || { echo "gpu-check: nvidia-smi not found: this machine has no NVIDIA GPU to check" >&2; exit 3; }
python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null \
  || { echo "gpu-check: python3 cannot use CUDA through torch (pip install torch)" >&2; exit 3; }
command -v redis-server >/dev/null || { echo "gpu-check: redis-server not found (apt-get install redis-server)" >&2; exit 3; }
[ -f dist/src/bin.js ] || { echo "gpu-check: run npm run build first" >&2; exit 3; }

gpus=$(nvidia-smi --query-gpu=index --format=csv,noheader | wc -l)
trials=${1:-$((2 * gpus))}
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --daemonize yes --pidfile "$work/redis.pid" >/dev/null
url="redis://127.0.0.1:$port"
cleanup() {
  [ -n "${worker:-}" ] && kill "$worker" 2>/dev/null && wait "$worker" 2>/dev/null || true
  kill "$(cat "$work/redis.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.1; done

node dist/src/bin.js worker --queue "$url" --gpus all --name gpu-check --work-dir "$work/trials" 2>"$work/worker.log" &
worker=$!
until grep -q 'taking trials from' "$work/worker.log"; do
  kill -0 "$worker" 2>/dev/null || { cat "$work/worker.log" >&2; exit 1; }
  sleep 0.1
done
node dist/src/bin.js get workers --queue "$url"

cat >"$work/gpu-check.yaml" <<YAML
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: { name: gpu-check }
spec:
  objective: { type: minimize, objectiveMetricName: loss, additionalMetricNames: [train_seconds] }
  algorithm: { algorithmName: random }
  parallelTrialCount: $gpus
  maxTrialCount: $trials
  maxFailedTrialCount: 0
  parameters:
    - { name: lr, parameterType: double, feasibleSpace: { min: "0.0001", max: "0.01" } }
    - { name: hidden, parameterType: int, feasibleSpace: { min: "64", max: "1024" } }
  trialTemplate:
    primaryContainerName: training
    trialParameters: [{ name: lr, reference: lr }, { name: hidden, reference: hidden }]
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            restartPolicy: Never
            containers:
              - name: training
                image: pytorch
                command: [python3, $PWD/$here/train.py, --lr, "\${trialParameters.lr}", --hidden, "\${trialParameters.hidden}"]
                resources: { limits: { nvidia.com/gpu: 1 } }
YAML
start=$(date +%s.%N)
node dist/src/bin.js run "$work/gpu-check.yaml" --db "$work/gpu-check.db" --queue "$url" --json >"$work/summary.json"
echo "experiment: $(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["status"], s["trials"])' "$work/summary.json") in $(python3 -c "import time; print(round(time.time() - $start, 1))") s"
node dist/src/bin.js get trials gpu-check --db "$work/gpu-check.db" -o json >"$work/trials.json"
python3 "$here/report.py" "$work/trials.json" "$work/trials/gpu-check"

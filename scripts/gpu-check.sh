#!/usr/bin/env bash
# scripts/gpu-check.sh: on a machine with an NVIDIA GPU, starts Koe with DEVICE=cuda, then prints
# the model's load time, the realtime factor on each eval recording, and the GPU memory in use.
#
#   bash scripts/gpu-check.sh                 # the koe:cuda image (docker, or podman with CDI)
#   KOE_GPU_CHECK=native bash scripts/gpu-check.sh   # `npm start` here (ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci first)
#
# MODEL (default large-v3), DTYPE, IMAGE (koe:cuda), PORT (9300), MODEL_DIR (a folder of models,
# or empty to fetch from the hub) and KOE_EVAL_AUDIO (../shared/eval-audio) change what it runs.
set -euo pipefail
cd "$(dirname "$0")/.."

calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }

model="${MODEL:-large-v3}"
port="${PORT:-9300}"
audio="${KOE_EVAL_AUDIO:-../shared/eval-audio}"
mode="${KOE_GPU_CHECK:-image}"
url="http://127.0.0.1:$port"

command -v nvidia-smi >/dev/null || { echo "gpu-check: nvidia-smi not found: this needs an NVIDIA GPU and its driver" >&2; exit 1; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
[ -f "$audio/MANIFEST.tsv" ] || { echo "gpu-check: no eval recordings in $audio (set KOE_EVAL_AUDIO)" >&2; exit 1; }

started=$(date +%s.%N)
if [ "$mode" = native ]; then
	MODEL="$model" DEVICE=cuda PORT="$port" RATE_LIMIT_PER_MINUTE=0 npm start >/tmp/koe-gpu-check.log 2>&1 &
	server=$!
	trap 'kill $server 2>/dev/null || true' EXIT
else
	engine="$(command -v docker || command -v podman)"
	gpus=(--gpus all)
	[[ "$engine" == *podman ]] && gpus=(--device nvidia.com/gpu=all)
	mounts=()
	[ -n "${MODEL_DIR:-}" ] && mounts=(-v "$MODEL_DIR:/models")
	"$engine" rm -f koe-gpu-check >/dev/null 2>&1 || true
	"$engine" run -d --name koe-gpu-check "${gpus[@]}" -p "127.0.0.1:$port:9000" "${mounts[@]}" \
		-e MODEL="$model" -e DEVICE=cuda ${DTYPE:+-e DTYPE="$DTYPE"} -e RATE_LIMIT_PER_MINUTE=0 "${IMAGE:-koe:cuda}" >/dev/null
	trap '"$engine" logs koe-gpu-check >/tmp/koe-gpu-check.log 2>&1; "$engine" rm -f koe-gpu-check >/dev/null' EXIT
fi

alive() {
	if [ "$mode" = native ]; then kill -0 "$server" 2>/dev/null; else [ "$("$engine" inspect koe-gpu-check --format '{{.State.Running}}')" = true ]; fi
}
until curl -sf "$url/health" >/dev/null; do
	sleep 1
	alive || { echo "gpu-check: the server stopped; its log is in /tmp/koe-gpu-check.log" >&2; exit 1; }
	health=$(curl -s "$url/health" || true)
	if [[ "$health" == *'"failed"'* ]]; then echo "gpu-check: the model failed to load: $health" >&2; exit 1; fi
	if (($(date +%s) - ${started%.*} > 1800)); then echo "gpu-check: not ready after 30 minutes" >&2; exit 1; fi
done
echo "model $model loaded in $(calc "$(date +%s.%N) - $started") s (a first start includes the download)"

printf '%-45s %8s %8s %9s\n' recording audio_s wall_s realtime
total_audio=0
total_wall=0
while IFS=$'\t' read -r file language _rest; do
	[ "$file" = file ] && continue
	path="$audio/$file"
	[ -f "$path" ] || continue
	seconds=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$path")
	wall=$(curl -sf -o /dev/null -w '%{time_total}' -F "audio_file=@$path" "$url/asr?output=json&language=$language") ||
		{ echo "gpu-check: $file was refused: $(curl -s -F "audio_file=@$path" "$url/asr?language=$language")" >&2; exit 1; }
	printf '%-45s %8.1f %8.2f %8.1fx\n' "$file" "$seconds" "$wall" "$(calc "$seconds / $wall")"
	total_audio=$(calc "$total_audio + $seconds")
	total_wall=$(calc "$total_wall + $wall")
done <"$audio/MANIFEST.tsv"
printf '%-45s %8.1f %8.2f %8.1fx\n' "all" "$total_audio" "$total_wall" "$(calc "$total_audio / $total_wall")"
echo "GPU memory in use: $(nvidia-smi --query-gpu=memory.used --format=csv,noheader)"

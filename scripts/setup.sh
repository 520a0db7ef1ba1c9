#!/usr/bin/env bash
# One-time set-up on Debian or Ubuntu: system packages, npm dependencies, and the local test
# models (npm run models:prepare). Safe to run again: every step skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

# onnxruntime-node's installer fetches CUDA libraries unless told not to. The CPU build ships in
# the package, so `skip` is right everywhere but a GPU box, where the operator sets `cuda12`.
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"

# chromium: the end-to-end tests' browser; webkit2gtk-driver and xvfb: Safari's engine for the
# WebKit tests (MiniBrowser over WebDriver, on a virtual screen); ffmpeg: server-side decoding
# and subtitle checks; g++ and make: better-sqlite3 builds from source where no prebuilt binary
# can be downloaded.
packages=(chromium webkit2gtk-driver xvfb ffmpeg g++ make)
python3 -m venv --help >/dev/null 2>&1 || packages+=(python3-venv)
missing=()
for package in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "[setup] installing ${missing[*]}"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "[setup] npm ci"
	npm ci --no-audit --no-fund
fi

npm run models:prepare

#!/usr/bin/env bash
# One-time set-up on Debian or Ubuntu: system packages, npm dependencies, the local test models
# (npm run models:prepare) and schemathesis for the API fuzz test. Safe to run again: every step
# skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

# onnxruntime-node's installer fetches CUDA libraries unless told not to. The CPU build ships in
# the package, so `skip` is right everywhere but a GPU box, where the operator sets `cuda12`.
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"

# chromium: the end-to-end tests' browser; webkit2gtk-driver and xvfb: Safari's engine for the
# WebKit tests (MiniBrowser over WebDriver, on a virtual screen); ffmpeg: server-side decoding
# and subtitle checks; g++ and make: better-sqlite3 builds from source where no prebuilt binary
# can be downloaded; podman (with runc, its networking and storage helpers) and debootstrap:
# `npm run image` and the container test; redis-server: the Redis backend's tests.
packages=(chromium webkit2gtk-driver xvfb ffmpeg g++ make redis-server
	podman runc netavark aardvark-dns iptables fuse-overlayfs slirp4netns uidmap containernetworking-plugins debootstrap)
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

# schemathesis, for the API fuzz test (tests/api/fuzz.spec.ts): a venv of its own in the cache, at
# the pin of tests/api/fuzz-requirements.txt, installed again only when that file changes.
fuzz_venv="${KOE_CACHE:-$HOME/.cache/koe}/schemathesis-venv"
if ! cmp -s tests/api/fuzz-requirements.txt "$fuzz_venv/.koe-requirements"; then
	echo "[setup] installing schemathesis into $fuzz_venv"
	python3 -m venv "$fuzz_venv"
	"$fuzz_venv/bin/pip" install --quiet -r tests/api/fuzz-requirements.txt
	cp tests/api/fuzz-requirements.txt "$fuzz_venv/.koe-requirements"
fi

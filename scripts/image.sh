#!/usr/bin/env bash
# `npm run image [cpu|cuda]`: builds Koe's server image as koe:cpu or koe:cuda with podman, from
# deploy/Containerfile. No registry is needed: the Debian 13 base image is made here with
# debootstrap the first time and kept in $KOE_CACHE/images (BASE_IMAGE=… uses another base).
set -euo pipefail
cd "$(dirname "$0")/.."

flavour="${1:-cpu}"
case "$flavour" in cpu | cuda) ;; *) echo "usage: npm run image [-- cpu|cuda]" >&2; exit 2 ;; esac
command -v podman >/dev/null || { echo "[image] podman is not installed (Debian/Ubuntu: apt-get install podman runc)" >&2; exit 1; }

export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/deploy/containers.conf}"
cache="${KOE_CACHE:-$HOME/.cache/koe}/images"
base="${BASE_IMAGE:-localhost/koe-base:trixie}"

if [ -z "${BASE_IMAGE:-}" ] && ! podman image exists "$base"; then
	mkdir -p "$cache"
	tarball="$cache/debian-trixie-minbase.tar"
	if [ ! -f "$tarball" ]; then
		command -v debootstrap >/dev/null || { echo "[image] debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }
		echo "[image] making the Debian 13 base image with debootstrap (once; kept in $cache)"
		root="$(mktemp -d)"
		trap 'rm -rf "$root"' EXIT
		debootstrap --variant=minbase trixie "$root" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$cache/debootstrap.log"
		rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
		tar -C "$root" -cf "$tarball.partial" . && mv "$tarball.partial" "$tarball"
	fi
	podman import --change 'CMD ["/bin/bash"]' "$tarball" "$base" >/dev/null
fi

# The host's CA bundle goes to the steps that download (npm, pip) as a build secret, so that a
# registry behind a TLS-inspecting proxy works; it is not stored in the image.
secrets=()
ca="${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
[ -f "$ca" ] && secrets=(--secret "id=host_ca,src=$ca")

started=$SECONDS
podman build --format docker --layers "${secrets[@]}" \
	--build-arg BASE_IMAGE="$base" --build-arg FLAVOUR="$flavour" \
	-t "koe:$flavour" -f deploy/Containerfile .
size=$(podman image inspect "koe:$flavour" --format '{{.Size}}')
echo "[image] koe:$flavour built in $((SECONDS - started)) s: $((size / 1000000)) MB"

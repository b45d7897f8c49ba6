#!/usr/bin/env bash
# Makes a Docker engine and the debian:bookworm-slim base image usable here.
# Idempotent: on a machine that already has a daemon and the image, it changes nothing.
#   - no daemon answering (DOCKER_HOST or /var/run/docker.sock): install Debian's
#     docker.io if dockerd is missing, start dockerd in the background (log in
#     $HAL9000_DOCKERD_LOG), wait until it answers;
#   - debian:bookworm-slim missing and not pullable: build it from Debian packages
#     (debootstrap minbase, trimmed like the official slim image) and docker import it.
set -euo pipefail

BASE_IMAGE="${HAL9000_BASE_IMAGE:-debian:bookworm-slim}"
DOCKERD_LOG="${HAL9000_DOCKERD_LOG:-/var/log/hal9000-dockerd.log}"
CACHE_DIR="${HAL9000_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hal9000}"
SUITE=bookworm

log() { printf 'ensure-docker: %s\n' "$*" >&2; }
die() { printf 'ensure-docker: error: %s\n' "$*" >&2; exit 1; }

daemon_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $* (run this script as root or install sudo)"; fi
}

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

start_daemon() {
  if daemon_answers; then log "Docker daemon answers ($(docker version --format '{{.Server.Version}}'))"; return 0; fi
  if [ -n "${DOCKER_HOST:-}" ] && [[ "$DOCKER_HOST" != unix:///var/run/docker.sock ]]; then
    die "DOCKER_HOST=$DOCKER_HOST does not answer; start that daemon or unset DOCKER_HOST"
  fi
  command -v docker >/dev/null || apt_install docker.io
  command -v dockerd >/dev/null || apt_install docker.io
  command -v dockerd >/dev/null || die "dockerd is not installed and docker.io could not be installed"
  log "starting dockerd (log: $DOCKERD_LOG)"
  as_root mkdir -p "$(dirname "$DOCKERD_LOG")"
  as_root sh -c "nohup dockerd >>'$DOCKERD_LOG' 2>&1 &"
  for _ in $(seq 1 60); do
    daemon_answers && { log "Docker daemon is up ($(docker version --format '{{.Server.Version}}'))"; return 0; }
    sleep 1
  done
  tail -n 20 "$DOCKERD_LOG" >&2 || true
  die "dockerd did not answer within 60 s; see $DOCKERD_LOG"
}

build_base_image() {
  docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && { log "$BASE_IMAGE present"; return 0; }
  if timeout 20 docker pull -q "$BASE_IMAGE" >/dev/null 2>&1; then log "pulled $BASE_IMAGE"; return 0; fi
  local tarball="$CACHE_DIR/base/debian-$SUITE-slim.tar"
  if [ ! -s "$tarball" ]; then
    log "building $BASE_IMAGE from Debian packages (debootstrap minbase, ~1 min)"
    command -v debootstrap >/dev/null || apt_install debootstrap
    local root; root=$(mktemp -d /tmp/hal9000-rootfs.XXXXXX)
    trap 'as_root rm -rf "$root"' RETURN
    as_root debootstrap --variant=minbase "$SUITE" "$root" http://deb.debian.org/debian >/dev/null
    # Trim as the official slim image does: no docs, man pages, locales or apt lists.
    as_root sh -c "rm -rf '$root'/usr/share/doc/* '$root'/usr/share/man/* '$root'/usr/share/info/* \
      '$root'/usr/share/locale/* '$root'/var/lib/apt/lists/* '$root'/var/cache/apt/*.bin \
      '$root'/var/cache/apt/archives/*.deb '$root'/var/log/*.log '$root'/tmp/*"
    as_root mkdir -p "$root/etc/dpkg/dpkg.cfg.d"
    as_root sh -c "cat > '$root/etc/dpkg/dpkg.cfg.d/docker-slim' <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CFG"
    as_root sh -c "printf 'APT::Install-Recommends \"false\";\n' > '$root/etc/apt/apt.conf.d/docker-no-recommends'"
    as_root sh -c "cat > '$root/etc/apt/sources.list.d/debian.sources' <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC"
    as_root rm -f "$root/etc/apt/sources.list"
    mkdir -p "$(dirname "$tarball")"
    as_root tar -C "$root" --numeric-owner -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
  else
    log "importing cached $tarball"
  fi
  docker import --change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$tarball" "$BASE_IMAGE" >/dev/null
  log "$BASE_IMAGE built: $(docker image inspect -f '{{.Size}}' "$BASE_IMAGE" | awk '{printf "%.1f MB", $1/1e6}')"
}

start_daemon
build_base_image

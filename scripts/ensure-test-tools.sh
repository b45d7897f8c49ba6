#!/usr/bin/env bash
# Tools the integration suites start themselves, from Debian when missing (idempotent):
#   openssh-server — an sshd on a loopback port for the DOCKER_HOST=ssh:// tests (never started as a service);
#   openssl        — certificates for the TLS engine tests.
set -euo pipefail
log() { printf 'ensure-test-tools: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v /usr/sbin/sshd >/dev/null || missing+=(openssh-server)
command -v ssh-keygen >/dev/null || missing+=(openssh-client)
command -v openssl >/dev/null || missing+=(openssl)
[ ${#missing[@]} -eq 0 ] && exit 0
log "installing ${missing[*]} from Debian"
as_root apt-get update -qq
# policy-rc.d keeps the package from starting sshd as a service where one is installed.
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

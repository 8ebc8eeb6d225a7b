#!/usr/bin/env bash
# Installs what building and testing mlops needs, from Debian bookworm packages.
# Idempotent and fast when everything is present: apt is only called when a
# package is missing. Run as root (or with sudo available).
set -euo pipefail

BUILD_PACKAGES=(
  g++ cmake ninja-build make pkg-config git ca-certificates
  libcli11-dev libgit2-dev libcurl4-openssl-dev libssl-dev libsqlite3-dev libzstd-dev
  libyaml-cpp-dev catch2 nlohmann-json3-dev libfmt-dev libarchive-dev libcpp-httplib-dev
)
# Tools the test suites drive: real git repositories, man page rendering,
# completion loading in real shells, and the real servers the remote suites
# start on loopback (sshd, nginx with WebDAV, Ceph RGW for S3); minisign and
# zstd check and craft signed bundles independently of mlops.
TEST_PACKAGES=(man-db bash python3 zsh fish curl openssh-server openssh-client nginx libnginx-mod-http-dav-ext
  ceph-mon ceph-osd radosgw ceph-common minisign zstd)

want=("${BUILD_PACKAGES[@]}")
[[ "${1:-}" == "--with-tests" ]] && want+=("${TEST_PACKAGES[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#want[@]} packages present"
  exit 0
fi

SUDO=()
[[ $(id -u) -ne 0 ]] && SUDO=(sudo)
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Server packages must not start their daemons on 0.0.0.0 during install: the
# tests start their own on 127.0.0.1. policy-rc.d says "no" to invoke-rc.d.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${SUDO[@]}" chmod +x /usr/sbin/policy-rc.d
  trap '"${SUDO[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
fi
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
echo "install-deps: done"

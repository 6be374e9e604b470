#!/usr/bin/env bash
# Installs everything berth needs on Debian 12 (as root) and builds it. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(runc conmon containernetworking-plugins iptables iproute2 nftables util-linux
  busybox-static golang-github-containers-common tini tmux jq curl iperf3
  docker-registry skopeo openssl)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Tests start their own registry on 127.0.0.1; the package's service would listen on :5000.
  if [ -d /run/systemd/system ]; then
    systemctl disable --now docker-registry >/dev/null 2>&1 || true
  fi
fi

# `npm install` with the committed lockfile, not `npm ci`: node-unix-socket lists optional
# per-platform packages that were never published, and `npm ci` refuses such a lockfile as out of
# sync. `npm install` resolves the same versions from the lockfile and leaves it unchanged.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund --loglevel=error
fi
npm run --silent build
echo "setup: done (bin/berth and bin/berthd are ready)"

#!/usr/bin/env bash
# Installs the Debian packages the tests need (a real Mosquitto, Debian's Chromium and its driver).
# Idempotent: packages already present are left alone; apt-get update runs only when something is missing.
set -euo pipefail

need=()
command -v mosquitto >/dev/null 2>&1 || [[ -x /usr/sbin/mosquitto ]] || need+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
# Fonts make screenshots readable; fonts-dejavu-core is tiny.
[[ -d /usr/share/fonts/truetype/dejavu ]] || need+=(fonts-dejavu-core)

if ((${#need[@]} == 0)); then
  echo "system packages: all present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "need root (or sudo) to install: ${need[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts a system-wide mosquitto on 1883 when it installs one; the tests start their own on free ports.
echo "system packages installed"

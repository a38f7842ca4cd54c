#!/usr/bin/env bash
# Installs the Debian packages the tests need: Mosquitto, Chromium and its driver, InfluxDB 1.x,
# VictoriaMetrics (a server of the InfluxDB v2 write API), PostgreSQL, and Pango and poppler for the period
# report. The tests start their own instances on free loopback ports; nothing here is configured as a
# system service for them.
# Idempotent: packages already present are left alone; apt-get update runs only when something is missing.
set -euo pipefail

need=()
command -v mosquitto >/dev/null 2>&1 || [[ -x /usr/sbin/mosquitto ]] || need+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v influxd >/dev/null 2>&1 || need+=(influxdb)
command -v victoria-metrics >/dev/null 2>&1 || need+=(victoria-metrics)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# Fonts make screenshots readable; fonts-dejavu-core is tiny.
[[ -d /usr/share/fonts/truetype/dejavu ]] || need+=(fonts-dejavu-core)
# The period report's PDF: WeasyPrint lays out with Pango (and subsets fonts with HarfBuzz); the report tests
# read the PDF back with poppler's pdftotext and pdftoppm. The report's text font is DejaVu Sans (above).
have_lib() { ldconfig -p 2>/dev/null | grep -F "$1" >/dev/null; }  # not grep -q: no SIGPIPE under pipefail
have_lib libpango-1.0.so.0 || need+=(libpango-1.0-0)
have_lib libpangoft2-1.0.so.0 || need+=(libpangoft2-1.0-0)
have_lib libharfbuzz-subset.so.0 || need+=(libharfbuzz-subset0)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)

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

#!/usr/bin/env bash
# Installs the Debian packages plancheck needs, only those missing.
# Usage: scripts/install-deps.sh   (as root, or with sudo available)
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libgdal-dev gdal-bin            # I/O (GDAL/OGR) and ogrinfo/ogr2ogr
  libgeos-dev                     # geometry (GEOS C API)
  libproj-dev proj-bin            # CRS and geodesic area (PROJ)
  libsqlite3-dev sqlite3          # SQLite
  libspatialite-dev libsqlite3-mod-spatialite spatialite-bin  # cross-checks
  libfyaml-dev                    # the YAML plan file
  libjson-c-dev                   # --json output
  libssl-dev                      # SHA-256 of the plan file (libcrypto)
  libcmocka-dev                   # unit tests
  libxml2-dev libxml2-utils       # QGIS styles (QML): render reads them; xmllint
  libcairo2-dev                   # plancheck render: PNG and SVG maps
  fonts-noto-cjk                  # ... their Chinese text (Noto Sans CJK)
  python3                         # the sample-data generator and CLI tests
  valgrind                        # the CLI end to end under memcheck
  clang libclang-rt-14-dev        # the ASan/UBSan build and libFuzzer
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "plancheck: installing Debian packages: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "plancheck: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

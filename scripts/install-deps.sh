#!/usr/bin/env bash
# Installs every build and test dependency of sockgrade from Debian's packages.
# Safe to run again: it only calls apt-get when something is missing.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libboost1.81-dev          # Asio and Process v2 (not the older default Boost)
  libboost-filesystem1.81-dev  # Process v2 paths
  libyaml-cpp-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev
  libgtest-dev libgmock-dev
  iproute2 procps
  python3                   # the bundled examples are Python 3 (Java, Python 2 tests skip when absent)
  unzip                     # `sockgrade grade` opens a class handed in as a .zip
  zlib1g-dev                # tests/e2e/capture_test.cpp reads the PNG screenshot
  tshark                    # tests open the packet captures (--capture) as Wireshark would
  libxml2-utils             # xmllint: the sequence diagrams (--diagram) are well-formed XML
  chromium                  # headless screenshot of report.html with its diagrams
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  # tshark asks whether non-root users may capture; the default (no) is right here.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo_cmd[@]}" debconf-set-selections
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

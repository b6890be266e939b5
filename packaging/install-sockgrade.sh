#!/usr/bin/env bash
# Builds and installs sockgrade on Debian 12. The one script behind
# packaging/Dockerfile, ci/github/sockgrade.yml and ci/gitlab/.gitlab-ci.yml,
# so what CI templates run is what tests/e2e/ci_templates_test.cpp checks.
#
#   install-sockgrade.sh all [PREFIX]        deps, configure, build, install (PREFIX: /usr/local)
#   install-sockgrade.sh deps [--check]      apt-get the build dependencies that are missing
#                                            (--check: list the missing ones and fail, install nothing)
#   install-sockgrade.sh configure BUILD     cmake -S <source> -B BUILD (Release, no tests)
#   install-sockgrade.sh build BUILD         build the sockgrade binary in BUILD
#   install-sockgrade.sh install BUILD PREFIX   PREFIX/bin/sockgrade, PREFIX/share/sockgrade/scenarios
#   install-sockgrade.sh deb BUILD OUTDIR    a .deb of BUILD in OUTDIR (cpack -G DEB)
set -euo pipefail

source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Build dependencies, all from Debian 12's archive. The runtime libraries
# (libboost-filesystem1.81.0, libyaml-cpp0.7, libfmt9) come with their -dev packages.
build_packages=(
  cmake ninja-build g++ pkg-config
  libboost1.81-dev libboost-filesystem1.81-dev
  libyaml-cpp-dev libcli11-dev nlohmann-json3-dev libfmt-dev
)

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

missing_packages() {
  local p
  for p in "${build_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

deps() {
  local missing=()
  mapfile -t missing < <(missing_packages)
  if [ ${#missing[@]} -eq 0 ]; then
    echo "install-sockgrade: build dependencies present" >&2
    return 0
  fi
  if [ "${1:-}" = "--check" ]; then
    echo "install-sockgrade: missing: ${missing[*]}" >&2
    return 1
  fi
  local sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  echo "install-sockgrade: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

configure() {
  cmake -S "$source_dir" -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSOCKGRADE_TESTS=OFF
}

build() {
  cmake --build "$1" --target sockgrade
}

install_tree() {
  cmake --install "$1" --prefix "$2" --strip
}

deb() {
  mkdir -p "$2"
  cpack --config "$1/CPackConfig.cmake" -G DEB -B "$2"
}

command=${1:-}
[ -n "$command" ] || usage
shift
case "$command" in
  all)
    prefix=${1:-/usr/local}
    build_dir=${SOCKGRADE_BUILD_DIR:-$source_dir/build-release}
    deps
    configure "$build_dir"
    build "$build_dir"
    install_tree "$build_dir" "$prefix"
    ;;
  deps) deps "${1:-}" ;;
  configure) [ $# -eq 1 ] || usage; configure "$1" ;;
  build) [ $# -eq 1 ] || usage; build "$1" ;;
  install) [ $# -eq 2 ] || usage; install_tree "$1" "$2" ;;
  deb) [ $# -eq 2 ] || usage; deb "$1" "$2" ;;
  *) usage ;;
esac

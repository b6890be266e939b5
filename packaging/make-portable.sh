#!/usr/bin/env bash
# Makes a self-contained sockgrade tree from a built build folder, for graders
# that cannot build it themselves (Gradescope's Ubuntu images, Classroom 50
# bundles): the binary with the libraries Debian 12 gave it that other systems
# lack (Boost.Filesystem 1.81, yaml-cpp 0.7, fmt 9), the shipped scenarios, and
# bin/sockgrade, a wrapper that points the loader at those libraries. The
# target provides glibc >= 2.34 and the C++ runtime of GCC >= 12 (Ubuntu 22.04
# and later; Debian 12's own libstdc++ needs glibc 2.36, so it is not bundled).
#
#   make-portable.sh BUILD OUTDIR
#
#   OUTDIR/bin/sockgrade                      run this
#   OUTDIR/lib/sockgrade/sockgrade            the binary
#   OUTDIR/lib/sockgrade/lib/*.so.*           its libraries (not glibc's, not libstdc++)
#   OUTDIR/share/sockgrade/scenarios/*.yaml   the shipped scenarios
set -euo pipefail

if [ $# -ne 2 ]; then
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
build_dir=$1
out=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
bash "$here/install-sockgrade.sh" install "$build_dir" "$out" >/dev/null

mkdir -p "$out/lib/sockgrade/lib"
mv "$out/bin/sockgrade" "$out/lib/sockgrade/sockgrade"

# Every library the loader resolves, except glibc's and the C++ runtime (the
# target's must be the ones that run the loader).
ldd "$out/lib/sockgrade/sockgrade" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r lib; do
  case "$(basename "$lib")" in
    libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|ld-linux*|libresolv.so.*) continue ;;
    libstdc++.so.*|libgcc_s.so.*) continue ;;
  esac
  cp -L "$lib" "$out/lib/sockgrade/lib/"
done

cat > "$out/bin/sockgrade" <<'WRAPPER'
#!/bin/sh
# sockgrade, portable tree (packaging/make-portable.sh). The program under
# test never sees LD_LIBRARY_PATH: sockgrade builds its environment.
here=$(cd "$(dirname "$0")/.." && pwd)
LD_LIBRARY_PATH="$here/lib/sockgrade/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
SOCKGRADE_SCENARIOS="${SOCKGRADE_SCENARIOS:-$here/share/sockgrade/scenarios}" \
  exec "$here/lib/sockgrade/sockgrade" "$@"
WRAPPER
chmod 755 "$out/bin/sockgrade"
echo "make-portable: $out" >&2

#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image
# (Ubuntu), in /autograder/source. sockgrade itself comes prebuilt in
# source/sockgrade (packaging/make-portable.sh): Ubuntu has no Boost 1.81 to
# build it with. Here: what students' programs need to build and run.
#
# SOCKGRADE_APT_PACKAGES replaces the list below (make-zip.sh --apt writes it
# into source/apt-packages.txt); packages already installed are skipped.
set -euo pipefail
root=${AUTOGRADER_ROOT:-/autograder}
source_dir=$root/source

packages=(python3 build-essential)
if [ -n "${SOCKGRADE_APT_PACKAGES+set}" ]; then
  read -r -a packages <<<"$SOCKGRADE_APT_PACKAGES"
elif [ -f "$source_dir/apt-packages.txt" ]; then
  read -r -a packages < "$source_dir/apt-packages.txt"
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# run_autograder is Python 3; fail the image build now rather than every submission.
command -v python3 >/dev/null || { echo "setup.sh: python3 is required by run_autograder" >&2; exit 1; }
chmod 755 "$source_dir/run_autograder" "$source_dir/sockgrade/bin/sockgrade"
# The portable sockgrade needs the C++ runtime of GCC 12 or later
# (GLIBCXX_3.4.30): an image whose libstdc++6 is older gets it upgraded.
if ! "$source_dir/sockgrade/bin/sockgrade" --version; then
  echo "setup.sh: upgrading libstdc++6 for sockgrade" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --only-upgrade libstdc++6
  "$source_dir/sockgrade/bin/sockgrade" --version
fi
lab=$(cd "$source_dir" && python3 -c 'import sockgrade_ci; print(sockgrade_ci.read_assignment("sockgrade-assignment.yaml")["lab"])')
"$source_dir/sockgrade/bin/sockgrade" validate "$lab"

# Shared by scripts/demo.sh and scripts/test.sh (sourced, not run): installs Debian packages
# that are missing, idempotently.
#
#   apt_ensure PKG:CHECK [PKG:CHECK …]
#
# CHECK is a path that exists once PKG is installed, or `cmd/NAME` for a command on PATH. The
# missing packages are installed with apt-get (as root, or through sudo when it needs no
# password); otherwise the function prints the one command to run and returns 2.

apt_ensure() {
  local missing=() spec pkg check
  for spec in "$@"; do
    pkg=${spec%%:*}
    check=${spec#*:}
    case $check in
    cmd/*) command -v "${check#cmd/}" >/dev/null 2>&1 || missing+=("$pkg") ;;
    *) [ -e "$check" ] || missing+=("$pkg") ;;
    esac
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    else
      echo "galmass needs these system packages: ${missing[*]}" >&2
      echo "install them and run this again:  sudo apt-get install ${missing[*]}" >&2
      echo "(other systems: the HDF5 C library with headers, e.g. 'brew install hdf5' or 'dnf install hdf5-devel')" >&2
      return 2
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "galmass needs: ${missing[*]} (the HDF5 C library with headers; no apt-get here: use your package manager)" >&2
    return 2
  fi
  echo "installing with apt-get: ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The HDF5 C library that hdf5-metno links (Debian's serial HDF5 1.10) and pkg-config, which
# its build script uses to find it.
GALMASS_HDF5_PACKAGES=(libhdf5-dev:/usr/include/hdf5/serial/hdf5.h pkg-config:cmd/pkg-config)

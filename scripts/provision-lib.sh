# Shared by scripts/provision-*.sh (sourced): logging, and running apt as root or through password-less sudo.

log() { printf '[provision] %s\n' "$*"; }
die() { printf '[provision] ERROR: %s\n' "$*"; exit 1; }

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  SUDO=(sudo -n)
fi

as_root() {
  if [[ ${#SUDO[@]} -gt 0 ]] && ! sudo -n true 2>/dev/null; then
    die "need root (or passwordless sudo) to run: $*"
  fi
  "${SUDO[@]}" "$@"
}

pkg_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

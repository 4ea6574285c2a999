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

# The fcntl locks apt and dpkg take. Another apt-get, dpkg or unattended-upgrades run may hold them for
# minutes; provisioning waits for it instead of failing. HELPERIQ_APT_LOCKS overrides the list (tests).
read -r -a APT_LOCKS <<< "${HELPERIQ_APT_LOCKS:-/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock}"
# How long to wait for such a process, in seconds.
APT_LOCK_WAIT="${HELPERIQ_APT_LOCK_WAIT:-600}"

# Prints "PID (command)" of a process holding one of APT_LOCKS, or nothing. Reads /proc/locks by inode,
# so it sees fcntl and flock locks alike without fuser or lslocks.
apt_lock_holder() {
  local file inode pid
  for file in "${APT_LOCKS[@]}"; do
    [[ -e "$file" ]] || continue
    inode="$(stat -c %i "$file")"
    # "N: POSIX ADVISORY WRITE PID MAJ:MIN:INODE START END"; waiters carry an extra "->" field.
    pid="$(awk -v inode="$inode" '{ i = ($2 == "->") ? 1 : 0; split($(6 + i), dev, ":"); if (dev[3] == inode) { print $(5 + i); exit } }' /proc/locks 2>/dev/null || true)"
    if [[ -n "$pid" ]]; then
      printf '%s (%s)' "$pid" "$(cat "/proc/$pid/comm" 2>/dev/null || echo '?')"
      return
    fi
  done
}

# apt_get [VAR=value…] ARGS…: apt-get as root, non-interactive, that waits up to APT_LOCK_WAIT seconds
# while another apt/dpkg process holds the lock and says so. DPkg::Lock::Timeout covers the dpkg lock of
# install; `apt-get update` fails at once on the lists lock whatever that option says, so a run that
# failed while a lock is held is tried again once the holder is gone.
apt_get() {
  local env_vars=(DEBIAN_FRONTEND=noninteractive)
  while [[ $# -gt 0 && "$1" =~ ^[A-Z_]+= ]]; do env_vars+=("$1"); shift; done
  local deadline=$((SECONDS + APT_LOCK_WAIT)) holder said="" rc
  while true; do
    holder="$(apt_lock_holder)"
    if [[ -z "$holder" ]]; then
      rc=0
      as_root env "${env_vars[@]}" apt-get -o "DPkg::Lock::Timeout=$APT_LOCK_WAIT" "$@" || rc=$?
      [[ "$rc" -eq 0 ]] && return 0
      holder="$(apt_lock_holder)"
      [[ -n "$holder" ]] || return "$rc"
    fi
    if (( SECONDS >= deadline )); then
      log "gave up: another apt/dpkg process, ${holder}, still holds its lock after ${APT_LOCK_WAIT}s"
      return 1
    fi
    if [[ "$said" != "$holder" ]]; then
      log "waiting for another apt/dpkg process, ${holder}, to finish (up to ${APT_LOCK_WAIT}s)…"
      said="$holder"
    fi
    sleep 1
  done
}

#!/usr/bin/env bash
# Makes sure the Dovecot IMAP server is installed for the mail suites (tests/support/dovecot.ts starts a
# private, unprivileged instance per run; the system service is never configured or started by us).
# Idempotent; installs only what is missing.
#
# Env:
#   HELPERIQ_SKIP_PROVISION=1   do nothing (the caller already provisioned)
set -euo pipefail

# All output (including apt chatter) goes to stderr; stdout stays clean for callers.
exec 1>&2

# shellcheck source=provision-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/provision-lib.sh"

if [[ "${HELPERIQ_SKIP_PROVISION:-}" == "1" ]]; then
  log "HELPERIQ_SKIP_PROVISION=1: not checking Dovecot"
  exit 0
fi

dovecot_installed() {
  [[ -x /usr/sbin/dovecot && -d /usr/lib/dovecot ]] && [[ -x /usr/lib/dovecot/imap ]]
}

if dovecot_installed; then
  log "dovecot already installed ($(/usr/sbin/dovecot --version 2>/dev/null || echo '?'))"
  exit 0
fi

log "running apt-get update…"
apt_get update -q || die "apt-get update failed"
log "installing dovecot-core dovecot-imapd from Debian packages (the IMAP server the mail suites run against)…"
# policy-rc.d 101 keeps the package's own system service from being started inside containers; the
# suites start a private instance with their own configuration instead.
apt_get RUNLEVEL=1 install -y -q --no-install-recommends dovecot-core dovecot-imapd \
  || die "apt-get install dovecot-core dovecot-imapd failed"
dovecot_installed || die "dovecot binaries missing after install (/usr/sbin/dovecot, /usr/lib/dovecot/imap)"
log "dovecot installed ($(/usr/sbin/dovecot --version 2>/dev/null || echo '?'))"

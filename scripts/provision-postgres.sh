#!/usr/bin/env bash
# Makes sure PostgreSQL ${PG_MAJOR} with pg_trgm (contrib) and pgvector is installed.
# Idempotent; installs only what is missing. Does not start a server.
#
# Debian bookworm has no pgvector package, so it is built from the Debian trixie
# *source* package, fetched with a private apt configuration that leaves the
# system's apt sources and lists untouched.
#
# Env:
#   PG_MAJOR                 PostgreSQL major version (default 15)
#   HELPERIQ_DEBIAN_MIRROR   Debian mirror URI for the trixie source fetch
#                            (default: derived from the system's apt sources)
set -euo pipefail

# All output (including apt/make chatter) goes to stderr; stdout stays clean for callers.
exec 1>&2

PG_MAJOR="${PG_MAJOR:-15}"
PG_BINDIR="/usr/lib/postgresql/${PG_MAJOR}/bin"
PG_CONFIG="${PG_BINDIR}/pg_config"
EXT_DIR="/usr/share/postgresql/${PG_MAJOR}/extension"
PGVECTOR_SUITE="trixie"
DEBIAN_KEYRING="/usr/share/keyrings/debian-archive-keyring.gpg"

# shellcheck source=provision-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/provision-lib.sh"

APT_UPDATED=0
apt_install() {
  if [[ "$APT_UPDATED" -eq 0 ]]; then
    log "running apt-get update…"
    apt_get update -q || die "apt-get update failed"
    APT_UPDATED=1
  fi
  log "installing $* from Debian packages…"
  apt_get install -y -q --no-install-recommends "$@" \
    || die "apt-get install $* failed"
}

ensure_postgres() {
  if [[ -x "${PG_BINDIR}/postgres" && -f "${EXT_DIR}/pg_trgm.control" ]]; then
    log "postgresql ${PG_MAJOR} with pg_trgm already installed"
    return
  fi
  apt_install "postgresql-${PG_MAJOR}" postgresql-contrib
  [[ -x "${PG_BINDIR}/postgres" ]] || die "postgres binary missing after install: ${PG_BINDIR}/postgres"
  [[ -f "${EXT_DIR}/pg_trgm.control" ]] || die "pg_trgm missing after install (${EXT_DIR}/pg_trgm.control)"
}

ensure_build_deps() {
  local missing=()
  pkg_installed "postgresql-server-dev-${PG_MAJOR}" || missing+=("postgresql-server-dev-${PG_MAJOR}")
  pkg_installed build-essential || missing+=(build-essential)
  if [[ ${#missing[@]} -gt 0 ]]; then
    apt_install "${missing[@]}"
  fi
}

# Prints the first http(s) URI of a system apt source that serves the main Debian
# archive (suite == this release's codename), covering both the one-line
# sources.list format and deb822 *.sources files.
system_debian_mirror() {
  local codename
  codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  [[ -n "$codename" ]] || return 1
  local files=()
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  local f
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] && files+=("$f")
  done
  [[ ${#files[@]} -gt 0 ]] || return 1
  awk -v want="$codename" '
    function has_suite(list,   n, i, parts) {
      n = split(list, parts, /[ \t]+/)
      for (i = 1; i <= n; i++) if (parts[i] == want) return 1
      return 0
    }
    function flush() {
      if (!found && types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no" && has_suite(suites)) {
        n = split(uris, u, /[ \t]+/)
        for (i = 1; i <= n; i++) if (u[i] ~ /^https?:\/\//) { print u[i]; found = 1; exit }
      }
      types = ""; uris = ""; suites = ""; enabled = ""
    }
    FNR == 1 { flush(); deb822 = (FILENAME ~ /\.sources$/) }
    deb822 {
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      if ($0 ~ /^[ \t]*#/) next
      key = tolower($1); sub(/:$/, "", key)
      val = $0; sub(/^[^:]*:[ \t]*/, "", val)
      if (key == "types") types = val
      else if (key == "uris") uris = val
      else if (key == "suites") suites = val
      else if (key == "enabled") enabled = tolower(val)
      next
    }
    $1 == "deb" || $1 == "deb-src" {
      line = $0; sub(/\[[^]]*\]/, "", line)
      split(line, w, /[ \t]+/)
      if (w[3] == want && w[2] ~ /^https?:\/\//) { print w[2]; found = 1; exit }
    }
    END { flush() }
  ' "${files[@]}"
}

pgvector_version() {
  sed -n "s/^default_version *= *'\\(.*\\)'.*/\\1/p" "${EXT_DIR}/vector.control"
}

pgvector_installed() {
  [[ -f "${EXT_DIR}/vector.control" && -f "/usr/lib/postgresql/${PG_MAJOR}/lib/vector.so" ]]
}

ensure_pgvector() {
  if pgvector_installed; then
    log "pgvector already installed ($(pgvector_version))"
    return
  fi
  ensure_build_deps

  local mirror="${HELPERIQ_DEBIAN_MIRROR:-}"
  if [[ -z "$mirror" ]]; then
    mirror="$(system_debian_mirror)" || true
  fi
  [[ -n "$mirror" ]] || die "could not derive a Debian mirror from /etc/apt/sources*; set HELPERIQ_DEBIAN_MIRROR"
  [[ -f "$DEBIAN_KEYRING" ]] || die "missing ${DEBIAN_KEYRING} (package debian-archive-keyring)"

  local work
  work="$(mktemp -d /tmp/helperiq-pgvector.XXXXXX)"
  # shellcheck disable=SC2064  # expand $work now, the variable is local
  trap "rm -rf '$work'" EXIT
  mkdir -p "$work/sources" "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
  printf 'deb-src [signed-by=%s] %s %s main\n' "$DEBIAN_KEYRING" "$mirror" "$PGVECTOR_SUITE" \
    > "$work/sources/pgvector.list"

  # Private Dir::* settings keep the system apt state untouched; the sandbox user
  # must be root because the private dirs are not readable by _apt.
  local apt_opts=(
    -o "Dir::Etc::SourceList=/dev/null"
    -o "Dir::Etc::SourceParts=$work/sources"
    -o "Dir::State::Lists=$work/lists"
    -o "Dir::Cache=$work/cache"
    -o "APT::Sandbox::User=root"
  )
  log "fetching pgvector source package from ${mirror} (${PGVECTOR_SUITE})…"
  as_root apt-get "${apt_opts[@]}" -q update || die "apt-get update for ${PGVECTOR_SUITE} sources failed"
  (cd "$work/src" && as_root apt-get "${apt_opts[@]}" -q source --download-only pgvector) \
    || die "apt-get source pgvector failed"

  local tarball
  tarball="$(find "$work/src" -maxdepth 1 -name 'pgvector_*.orig.tar.*' | head -n1)"
  [[ -n "$tarball" ]] || die "no pgvector orig tarball downloaded"
  log "building $(basename "$tarball")…"
  mkdir "$work/build"
  tar -xf "$tarball" -C "$work/build" --strip-components=1
  # OPTFLAGS="" drops -march=native so the binary is portable across CI hosts.
  as_root make -C "$work/build" -j"$(nproc)" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" install \
    || die "pgvector build/install failed"
  pgvector_installed || die "pgvector install did not produce ${EXT_DIR}/vector.control"
  log "pgvector installed ($(pgvector_version))"
}

ensure_postgres
ensure_pgvector
log "done"

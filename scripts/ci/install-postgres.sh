#!/usr/bin/env bash
# PostgreSQL 15 server binaries for the shop tests (issue 20), from Debian's packages, with
# NO service started and NO cluster created: the tests start their own throw-away server
# as a non-root user in a temp dir (test/helpers/postgres.ts). Idempotent.
#
# How no service starts: Debian's maintainer scripts ask /usr/sbin/policy-rc.d before they
# start anything, and exit code 101 means "not allowed". This script puts one in place for
# the install and afterwards restores what was there (or removes it if nothing was).
# How no cluster is made: postgresql-common reads create_main_cluster from
# /etc/postgresql-common/createcluster.conf; it is set to false before the install if the
# file is not there yet (an existing file is left as it is).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

BIN=/usr/lib/postgresql/15/bin
say() { echo "install-postgres: $*"; }

if [ -x "$BIN/postgres" ] && [ -x "$BIN/initdb" ] && [ -x "$BIN/pg_isready" ]; then
  say "PostgreSQL 15 is already installed ($BIN)"
  exit 0
fi
[ "$(id -u)" = 0 ] || {
  echo "install-postgres: ERROR: run as root (apt-get install)" >&2
  exit 1
}

POLICY=/usr/sbin/policy-rc.d
BACKUP=""
if [ -e "$POLICY" ]; then
  BACKUP="$(mktemp /tmp/policy-rc.d.XXXXXX)"
  cp -p "$POLICY" "$BACKUP"
fi
restore() {
  if [ -n "$BACKUP" ]; then
    cp -p "$BACKUP" "$POLICY"
    rm -f "$BACKUP"
  else
    rm -f "$POLICY"
  fi
}
trap restore EXIT
printf '#!/bin/sh\n# install-postgres.sh: no service may start during this install\nexit 101\n' >"$POLICY"
chmod 755 "$POLICY"

if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
  mkdir -p /etc/postgresql-common
  echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
  say "create_main_cluster = false in /etc/postgresql-common/createcluster.conf"
fi

say "installing postgresql-15 (no service is started)"
apt-get update -qq
apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold postgresql-15
for b in postgres initdb pg_isready createdb; do
  [ -x "$BIN/$b" ] || {
    echo "install-postgres: ERROR: $BIN/$b missing after the install" >&2
    exit 1
  }
done
say "done: $("$BIN/postgres" --version)"

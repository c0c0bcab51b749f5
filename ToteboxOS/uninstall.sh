#!/bin/sh
# Removes the doorman program and its units. Never touches the state: the ledger, the
# keys and the corpus under /var/lib/doorman (and /var/lib/doorman-*) stay, as do
# /etc/doorman and the doorman user, so a reinstall carries on the same ledger chain.
#
#   sudo ToteboxOS/uninstall.sh          same PREFIX and DESTDIR as install.sh
set -eu

prefix=${PREFIX:-/usr/local}
root=${DESTDIR:-}
say() { echo "doorman uninstall: $*" >&2; }

if [ -z "$root" ] && [ "$(id -u)" != 0 ]; then
  say "run as root (or set DESTDIR)"
  exit 1
fi

if [ -z "$root" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  systemctl disable --now doorman.service 2>/dev/null || true
  for instance in $(systemctl list-units --plain --no-legend 'doorman@*' 2>/dev/null | awk '{print $1}'); do
    systemctl disable --now "$instance" || true
  done
fi
rm -f "$root/etc/systemd/system/doorman.service" "$root/etc/systemd/system/doorman@.service"
if [ -z "$root" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  systemctl daemon-reload
fi

# Only the symlink install.sh made, and only the folder it filled.
if [ -L "$root$prefix/bin/doorman" ]; then
  rm -f "$root$prefix/bin/doorman"
fi
rm -rf "$root$prefix/lib/doorman" "$root$prefix/lib/doorman.new" "$root$prefix/lib/doorman.old"
say "removed the program; kept /var/lib/doorman (ledger, keys, corpus), /etc/doorman and the doorman user"

#!/bin/sh
# Installs the doorman appliance (idempotent: run it again to upgrade the program).
#
#   sudo ToteboxOS/install.sh [DIST]     DIST: the build's output folder (default: dist/ beside ToteboxOS/)
#
# Installs the program into PREFIX/lib/doorman/ (the one-folder bundle unpacked from its
# archive, or the one-file executable) with the model beside it, links PREFIX/bin/doorman,
# creates the `doorman` system user, /etc/doorman/doorman.toml (only if absent) and
# /var/lib/doorman (0750), and installs and enables doorman.service with MemoryMax
# from the appliance envelope. Variables:
#   PREFIX=/usr/local   where the program goes
#   DESTDIR=            install into this root instead of / (no user is created, no
#                       ownership set, systemd untouched): for packaging and tests
#   MEMORY_MAX=600M MEMORY_HIGH=550M   the unit's memory envelope
#   START=1             0: enable the unit but do not (re)start it
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dist=${1:-$here/../dist}
prefix=${PREFIX:-/usr/local}
root=${DESTDIR:-}
memory_max=${MEMORY_MAX:-600M}
memory_high=${MEMORY_HIGH:-550M}
arch=$(uname -m)
model_name=gemma-3-270m-q4_k_m.gguf

say() { echo "doorman install: $*" >&2; }
fail() { say "$*"; exit 1; }

# The build ships a one-folder bundle as one archive (the default) or a one-file executable.
bundle=$(ls "$dist"/doorman-*-linux-"$arch".tar.xz 2>/dev/null | sort -V | tail -n 1)
exe=$(ls "$dist"/doorman-*-linux-"$arch" 2>/dev/null | sort -V | tail -n 1)
[ -n "$bundle$exe" ] || fail "no doorman-VERSION-linux-$arch(.tar.xz) in $dist; build it: python build_appliance.py"
[ -f "$dist/$model_name" ] || fail "no $model_name in $dist (the build writes it beside the executable)"
if [ -z "$root" ] && [ "$(id -u)" != 0 ]; then
  fail "run as root (or set DESTDIR to install into another root)"
fi
case "$memory_max$memory_high" in
  *[!0-9KMGT]*) fail "MEMORY_MAX and MEMORY_HIGH take a size like 600M" ;;
esac

# The user first, so the folders below can be given to it.
if [ -z "$root" ]; then
  if ! getent passwd doorman >/dev/null; then
    useradd --system --user-group --home-dir /var/lib/doorman --no-create-home \
      --shell /usr/sbin/nologin --comment "doorman inference gateway" doorman
    say "created the system user doorman"
  fi
else
  say "DESTDIR set: not creating the doorman user or changing ownership"
fi
owner() { [ -z "$root" ] && chown "$@" || true; }

# The program: staged beside the old one, then swapped in by renames, so an interrupted
# install leaves the old program whole and a running service keeps its open files.
libdir="$root$prefix/lib/doorman"
install -d -m 0755 "$root$prefix/lib" "$root$prefix/bin"
rm -rf "$libdir.new" "$libdir.old"
install -d -m 0755 "$libdir.new"
if [ -n "$bundle" ]; then
  tar -xJf "$bundle" -C "$libdir.new" --strip-components=1 --no-same-owner
  [ -x "$libdir.new/doorman" ] || fail "$bundle holds no doorman executable"
  what=$(basename "$bundle")
else
  install -m 0755 "$exe" "$libdir.new/doorman"
  what=$(basename "$exe")
fi
if cmp -s "$dist/$model_name" "$libdir/$model_name" 2>/dev/null; then
  ln "$libdir/$model_name" "$libdir.new/$model_name" 2>/dev/null || cp -p "$libdir/$model_name" "$libdir.new/"
else
  install -m 0644 "$dist/$model_name" "$libdir.new/$model_name"
fi
chmod -R u=rwX,go=rX "$libdir.new"
[ -e "$libdir" ] && mv "$libdir" "$libdir.old"
mv "$libdir.new" "$libdir"
rm -rf "$libdir.old"
ln -sfn "$prefix/lib/doorman/doorman" "$root$prefix/bin/doorman"
say "installed $what into $prefix/lib/doorman, with $model_name beside the executable"

# The config: written once; an administrator's edits are never overwritten.
install -d -m 0755 "$root/etc/doorman"
if [ ! -e "$root/etc/doorman/doorman.toml" ]; then
  cat > "$root/etc/doorman/doorman.toml" <<'EOF'
# doorman's configuration (see the README's Configuration section). Restart after edits:
#   systemctl restart doorman
[local]
model = "embedded"            # the model beside the executable

[server]
host = "127.0.0.1"
port = 8088
EOF
  chmod 0640 "$root/etc/doorman/doorman.toml"
  owner root:doorman "$root/etc/doorman/doorman.toml"
  say "wrote /etc/doorman/doorman.toml"
else
  say "kept the existing /etc/doorman/doorman.toml"
fi

# The state: the ledger, keys and corpus live here and survive reinstalls and uninstalls.
install -d -m 0750 "$root/var/lib/doorman"
chmod 0750 "$root/var/lib/doorman"
owner doorman:doorman "$root/var/lib/doorman"

# The unit, with this install's paths and memory envelope.
install -d -m 0755 "$root/etc/systemd/system"
for unit in doorman.service doorman@.service; do
  sed -e "s|/usr/local/bin/doorman|$prefix/bin/doorman|g" \
      -e "s|^MemoryMax=.*|MemoryMax=$memory_max|" \
      -e "s|^MemoryHigh=.*|MemoryHigh=$memory_high|" \
      "$here/$unit" > "$root/etc/systemd/system/.$unit.new"
  chmod 0644 "$root/etc/systemd/system/.$unit.new"
  mv -f "$root/etc/systemd/system/.$unit.new" "$root/etc/systemd/system/$unit"
done
say "installed doorman.service and doorman@.service (MemoryMax=$memory_max, MemoryHigh=$memory_high)"

if [ -n "$root" ]; then
  say "DESTDIR set: systemd left alone"
elif [ ! -d /run/systemd/system ] || ! command -v systemctl >/dev/null; then
  say "systemd is not running here: enable the unit later with: systemctl enable --now doorman"
else
  systemctl daemon-reload
  systemctl enable doorman.service
  if [ "${START:-1}" = 1 ]; then
    systemctl restart doorman.service
    say "doorman.service enabled and (re)started"
  else
    say "doorman.service enabled"
  fi
fi

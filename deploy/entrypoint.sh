#!/bin/sh
# Install the keys handed to the container as secret files into the data dir, then run the
# command. A secret file's name is its path in the data dir with "__" for "/"
# (keys__directory.pem -> keys/directory.pem). A file already in the data dir is kept: a key
# rotated there (saathi keys rotate) is not put back by an older secret at the next start.
set -eu
secrets_dir="${SAATHI_SECRETS_DIR:-/run/secrets}"
data_dir="${SAATHI_DATA_DIR:-/var/lib/saathi}"
umask 077
mkdir -p "$data_dir/keys"
if [ -d "$secrets_dir" ]; then
  for secret in "$secrets_dir"/*; do
    [ -f "$secret" ] || continue
    name=$(basename "$secret")
    case "$name" in .*) continue ;; esac
    target="$data_dir/$(printf '%s' "$name" | sed 's#__#/#g')"
    if [ ! -e "$target" ]; then
      mkdir -p "$(dirname "$target")"
      cp "$secret" "$target"
      chmod 0600 "$target"
    fi
  done
fi
exec "$@"

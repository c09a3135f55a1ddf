#!/bin/sh
# The `casepress` command (package.json `bin`). It starts Node from Casepress's V8 startup
# snapshot (scripts/dev/snapshot.cjs, built by `npm ci`) when the snapshot is current, and
# otherwise runs scripts/casepress.mjs, which is never stale. A shell script rather than a Node
# one: a second Node process would cost more than the snapshot saves.
#
# The snapshot is current when the key written beside it names this Node binary (size,
# modification time, inode) and this Casepress folder, and no file under scripts/ (but
# scripts/bench/), templates/, package.json or the bundle is newer than it.
#
# The arguments are handed on as they are ("$@"); nothing here evaluates them.
# NODE_EXTRA_CA_CERTS is dropped: Node reads and parses that file at every start, and Casepress
# opens no TLS connection.
unset NODE_EXTRA_CA_CERTS

self=$(readlink -f -- "$0" 2>/dev/null) || self=$0
[ -n "$self" ] || self=$0
case $self in
*/*) scripts=${self%/*} ;;
*) scripts=. ;;
esac
root=$(cd -P -- "$scripts/.." && pwd) || exit 2
cache=$root/node_modules/.cache/casepress
blob=$cache/casepress.blob

if [ -z "${CASEPRESS_FROM_SOURCE:-}" ] && [ -f "$blob" ] && [ -f "$blob.key" ] &&
  node=$(command -v node); then
  want_node='' want_root=''
  { IFS= read -r want_node && IFS= read -r want_root; } <"$blob.key"
  have_node=$(stat -L -c '%s %Y %i' -- "$node" 2>/dev/null) || have_node=''
  if [ -n "$have_node" ] && [ "$want_node" = "$have_node" ] && [ "$want_root" = "$root" ]; then
    newer=$(find "$root/scripts" "$root/templates" "$root/package.json" "$cache/cli.cjs" \
      -path "$root/scripts/bench" -prune -o -newer "$blob" -print 2>/dev/null) || newer=error
    if [ -z "$newer" ]; then
      exec "$node" --snapshot-blob "$blob" -- "$@"
    fi
  fi
fi
exec node "$root/scripts/casepress.mjs" "$@"

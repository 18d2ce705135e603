#!/bin/sh
# Follows docs/module-authors.md, "From an empty folder to an installed
# module", literally: extracts every block marked
# `<!-- author-walk: <file> -->` into an empty folder, runs the block marked
# `<!-- author-walk: commands -->` there with FLYTEPLUG (the installed
# prefix) and STAGE (a second, empty prefix) set, and checks the outcome.
#
# usage: author_walk_test.sh DOC FLYTEPLUG_PREFIX WORK_DIR
set -eu
DOC=$1
FLYTEPLUG=$2
WORK=$3

fail() { echo "author_walk_test: FAIL: $*" >&2; exit 1; }

# Prints the fenced block following the marker line for `$1`.
block() {
  awk -v marker="<!-- author-walk: $1 -->" '
    $0 == marker { found = 1; next }
    found == 1 && /^```/ { found = 2; next }
    found == 2 && /^```$/ { exit }
    found == 2 { print }
  ' "$DOC"
}

rm -rf "$WORK"
mkdir -p "$WORK"
files=$(sed -n 's/^<!-- author-walk: \(.*\) -->$/\1/p' "$DOC" | grep -v '^commands$')
[ -n "$files" ] || fail "no author-walk files in $DOC"
for f in $files; do
  mkdir -p "$WORK/$(dirname "$f")"
  block "$f" > "$WORK/$f"
  [ -s "$WORK/$f" ] || fail "empty block for $f"
done
block commands > "$WORK/commands.sh"
[ -s "$WORK/commands.sh" ] || fail "no commands block"
echo "files: $files"

STAGE=$WORK/stage
export FLYTEPLUG STAGE
(cd "$WORK" && sh -eux commands.sh) > "$WORK/walk.log" 2>&1 \
  || { cat "$WORK/walk.log"; fail "the walk's commands"; }
grep -q "100% tests passed, 0 tests failed out of 2" "$WORK/walk.log" \
  || { cat "$WORK/walk.log"; fail "the unit test and conformance did not both pass"; }
grep -q "^hello	" "$WORK/walk.log" \
  || { cat "$WORK/walk.log"; fail "the installed CLI does not list hello"; }
MOD=$STAGE/lib/flyteplug/modules/libhello.so
[ -f "$MOD" ] || fail "not installed into the second prefix: $(find "$STAGE" -type f)"
rpath=$(readelf -d "$MOD" | sed -n 's/.*\(RPATH\|RUNPATH\).*\[\(.*\)\]/\2/p')
[ "$rpath" = '$ORIGIN/../..' ] || fail "$MOD: RPATH/RUNPATH '$rpath'"
[ ! -e "$FLYTEPLUG/lib/flyteplug/modules/libhello.so" ] \
  || fail "--prefix did not redirect: installed into the flyteplug prefix"
echo "author_walk_test: OK"

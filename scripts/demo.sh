#!/bin/sh
# make demo: a fresh demo workspace, an invented complaint logged, and what pals made of it.
set -eu
PALS="$1"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEMO="$ROOT/demo"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

rm -rf "$DEMO"
step "pals init demo   (a workspace: pals.yaml, Templates/, Outbox/, register.sqlite)"
"$PALS" init "$DEMO"
export PALS_WORKSPACE="$DEMO"

step "pals config check"
"$PALS" config check

step "pals case new --file Examples/complaint.json   (an invented complaint; prints the new reference)"
REF=$("$PALS" case new --file "$ROOT/Examples/complaint.json")
echo "$REF"

step "pals case show $REF"
"$PALS" case show "$REF"

step "pals case list --open"
"$PALS" case list --open

step "Done. The demo workspace is $DEMO (try: PALS_WORKSPACE=$DEMO $PALS --help)"

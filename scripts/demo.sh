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

step "pals deadlines   (what is due next, most urgent first)"
"$PALS" deadlines

step "pals deadlines calc --profile england --received 2021-12-23   (the officer's calculator)"
"$PALS" deadlines calc --profile england --received 2021-12-23

step "pals preview acknowledgement $REF   (exactly the letter that would be sent)"
"$PALS" preview acknowledgement "$REF"

step "pals preview acknowledgement $REF --format pdf --output demo/$REF-acknowledgement.pdf"
"$PALS" preview acknowledgement "$REF" --format pdf --output "$DEMO/$REF-acknowledgement.pdf"

step "pals templates check"
"$PALS" templates check

step "pals daemon --once   (acknowledges the new case: queued, then delivered by the file transport into Outbox/local/)"
"$PALS" daemon --once

step "pals archive list   (the sent-items archive: a Maildir in Outbox/sent/)"
"$PALS" archive list

step "pals letter holding $REF --set reason=… --set newDate=…   (an officer's letter; moves the agreed date)"
NEW_DATE=$("$PALS" deadlines calc --profile england --received "$(date +%F)" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["backstop"])')
"$PALS" letter holding "$REF" --set "reason=We are waiting for a statement from the emergency department team." --set "newDate=$NEW_DATE"

step "pals outbox list"
"$PALS" outbox list

step "pals outbox flush"
"$PALS" outbox flush

step "pals case show $REF   (the case history records every letter)"
"$PALS" case show "$REF"

step "pals status"
"$PALS" status

step "ls Outbox/"
ls "$DEMO/Outbox"

step "Done. The demo workspace is $DEMO (try: PALS_WORKSPACE=$DEMO $PALS --help)"

#!/usr/bin/env python3
"""Peer of `pals deadlines --json`: the deadline board of a pals register, in Python (stdlib only).

Reads the open cases of a pals register (SQLite) and prints what `pals deadlines --json` prints for them:
each case's next deadline (acknowledgement until acknowledged, then the response), working days left,
red/amber/green and the backstop, most urgent first, as pretty-printed JSON with sorted keys.

Scope: the England profile with the starter configuration's numbers (acknowledge 3 WD; respond by the
agreed date, else 25/40/60 WD by complexity; backstop 6 calendar months, moved by a later agreed date;
amber within 5 WD), on the england-and-wales bank holidays pals ships, no local closures. That is what
the benchmark's register holds; run.py checks that the output equals pals' output.

Usage: python3 deadline_board.py REGISTER.sqlite HOLIDAYS.json TODAY(YYYY-MM-DD)
"""
import bisect
import calendar
import datetime
import json
import sqlite3
import sys
from zoneinfo import ZoneInfo

TARGETS = {"standard": 25, "complex": 40, "very-complex": 60}
RULE_SET = "england-2009"  # the name of the one rule set pals ships for England, listed with each item
LONDON = ZoneInfo("Europe/London")
UTC = datetime.timezone.utc


def main():
    register, holidays_path, today_text = sys.argv[1], sys.argv[2], sys.argv[3]
    today = datetime.date.fromisoformat(today_text).toordinal()
    with open(holidays_path, encoding="utf-8") as f:
        closed = {datetime.date.fromisoformat(e["date"]).toordinal()
                  for e in json.load(f)["england-and-wales"]["events"]}
    start = datetime.date(2012, 1, 1).toordinal()
    end = datetime.date(2030, 1, 1).toordinal()
    cumulative, working, n = [], [], 0
    for ordinal in range(start, end):
        if ordinal % 7 not in (6, 0) and ordinal not in closed:
            n += 1
            working.append(ordinal)
        cumulative.append(n)

    def add_working(ordinal, days):
        return working[cumulative[ordinal - start] + days - 1]

    def six_months(day):
        month = day.month + 6
        year = day.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))

    db = sqlite3.connect("file:%s?mode=ro" % register, uri=True)
    rows = db.execute(
        "SELECT reference, receivedAt, officer, profile, stage, complexity, agreedResponseDate, acknowledgedAt "
        "FROM cases WHERE status IN ('open', 'awaiting-consent')")
    items = []
    for reference, received_at, officer, profile, stage, complexity, agreed, acknowledged in rows:
        if profile != "england":
            raise SystemExit("deadline_board.py knows the england profile only (case %s)" % reference)
        instant = datetime.datetime.fromisoformat(received_at).replace(tzinfo=UTC)
        received = instant.astimezone(LONDON).date()
        ordinal = received.toordinal()
        agreed_day = datetime.date.fromisoformat(agreed) if agreed else None
        backstop = six_months(received)
        if agreed_day and agreed_day > backstop:
            backstop = agreed_day
        if acknowledged is None:
            kind, due = "acknowledgement", add_working(ordinal, 3)
        else:
            kind = "response"
            due = agreed_day.toordinal() if agreed_day else add_working(ordinal, TARGETS[complexity or "standard"])
        remaining = cumulative[due - start] - cumulative[today - start]
        state = "red" if today > due else ("amber" if remaining <= 5 else "green")
        item = {"backstop": backstop.isoformat(), "deadline": kind, "due": datetime.date.fromordinal(due).isoformat(),
                "officer": officer, "profile": profile, "reference": reference, "ruleSet": RULE_SET, "state": state,
                "workingDaysRemaining": remaining}
        if stage is not None:
            item["stage"] = stage
        items.append(item)
    items.sort(key=lambda item: (item["due"], item["reference"]))
    sys.stdout.write(json.dumps(items, indent=2, sort_keys=True, separators=(",", " : "), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Peer of deadline-bench: England deadlines for 1,000,000 receipt dates in Python.

The same dates as Benchmarks/DeadlineBench/main.swift (spread evenly over 2013-01-01 … 2027-12-31) and the
same rules as pals' DeadlineCalculator for England with the statutory defaults: acknowledge by 3 working
days after receipt, respond by 25 working days after receipt (the standard target), backstop 6 calendar
months after receipt clamped to the month's end. "N working days after" counts from the day after receipt.
Working days: Monday to Friday, not an england-and-wales bank holiday of the GOV.UK feed that pals ships.

Implementations (IMPL):
  pure    pure Python with a precomputed table (working days on or before each day, and the list of working
          days), the same technique as pals' WorkingDayCalendar index; one date at a time
  numpy   numpy.busday_offset(roll="backward") with the holiday set, and month arithmetic on datetime64,
          vectorised over all dates

Usage: python3 deadlines.py IMPL HOLIDAYS.json [COUNT]
Prints {"impl", "count", "seconds", "per_second", "checksum"}: the checksum is the sum of the three dates'
day numbers (days since 1970-01-01), as deadline-bench sums them for one round.
"""
import calendar
import datetime
import json
import sys
import time

EPOCH = datetime.date(1970, 1, 1).toordinal()


def inputs(count):
    first = datetime.date(2013, 1, 1).toordinal()
    span = datetime.date(2027, 12, 31).toordinal() - first + 1
    return [first + i * span // count for i in range(count)]


def holidays(path):
    with open(path, encoding="utf-8") as f:
        feed = json.load(f)
    return sorted(datetime.date.fromisoformat(e["date"]) for e in feed["england-and-wales"]["events"])


def pure(dates, holiday_days):
    start = datetime.date(2012, 1, 1).toordinal()
    end = datetime.date(2029, 1, 1).toordinal()
    closed = {d.toordinal() for d in holiday_days}
    cumulative = []  # working days on or before start + i
    working = []  # ordinals of the working days
    n = 0
    for ordinal in range(start, end):
        if ordinal % 7 not in (6, 0) and ordinal not in closed:  # date.toordinal() % 7: 6 = Saturday, 0 = Sunday
            n += 1
            working.append(ordinal)
        cumulative.append(n)
    month_days = {(y, m): calendar.monthrange(y, m)[1] for y in range(2012, 2030) for m in range(1, 13)}
    fromordinal = datetime.date.fromordinal

    t0 = time.perf_counter()
    checksum = 0
    for ordinal in dates:
        up_to = cumulative[ordinal - start]
        acknowledge = working[up_to + 3 - 1]
        respond = working[up_to + 25 - 1]
        day = fromordinal(ordinal)
        month = day.month + 6
        year = day.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        backstop = datetime.date(year, month, min(day.day, month_days[(year, month)])).toordinal()
        checksum += acknowledge + respond + backstop - 3 * EPOCH
    return time.perf_counter() - t0, checksum


def vectorised(dates, holiday_days):
    import numpy as np

    t0 = time.perf_counter()
    days = np.array(dates, dtype=np.int64) - EPOCH
    received = days.astype("datetime64[D]")
    closed = np.array([d.isoformat() for d in holiday_days], dtype="datetime64[D]")
    calendar_ = np.busdaycalendar(weekmask="1111100", holidays=closed)
    acknowledge = np.busday_offset(received, 3, roll="backward", busdaycal=calendar_)
    respond = np.busday_offset(received, 25, roll="backward", busdaycal=calendar_)
    months = received.astype("datetime64[M]")
    into = (received - months.astype("datetime64[D]")).astype(np.int64)
    target = months + 6
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    backstop = target.astype("datetime64[D]") + np.minimum(into, length - 1)
    checksum = int(acknowledge.astype(np.int64).sum() + respond.astype(np.int64).sum()
                   + backstop.astype(np.int64).sum())
    return time.perf_counter() - t0, checksum


def main():
    impl = sys.argv[1]
    holiday_days = holidays(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
    dates = inputs(count)
    seconds, checksum = (pure if impl == "pure" else vectorised)(dates, holiday_days)
    print(json.dumps({"impl": impl, "count": count, "seconds": seconds, "per_second": count / seconds,
                      "checksum": checksum}))


if __name__ == "__main__":
    main()

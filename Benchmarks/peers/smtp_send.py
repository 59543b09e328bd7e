#!/usr/bin/env python3
"""Peer of pals' SMTP sending: smtplib over one reused connection.

Sends COUNT copies of the message in EML (the exact bytes pals composes) to HOST:PORT, one envelope each
to a distinct recipient (as pals does), over a single SMTP connection, and prints
{"count", "delivered", "seconds", "per_second"}. Loopback only: refuses any other host.

Usage: python3 smtp_send.py HOST PORT EML COUNT
"""
import json
import smtplib
import sys
import time


def main():
    host, port, path, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    if not host.startswith("127."):
        raise SystemExit("smtp_send.py sends to loopback only")
    with open(path, "rb") as f:
        data = f.read()
    delivered = 0
    start = time.perf_counter()
    with smtplib.SMTP(host, port, local_hostname="bench.invalid") as smtp:
        smtp.ehlo()
        for index in range(count):
            refused = smtp.sendmail("pals-bench@riverside.example", ["complainant-%d@example.org" % index], data)
            if not refused:
                delivered += 1
    elapsed = time.perf_counter() - start
    print(json.dumps({"count": count, "delivered": delivered, "seconds": elapsed, "per_second": delivered / elapsed}))


if __name__ == "__main__":
    main()

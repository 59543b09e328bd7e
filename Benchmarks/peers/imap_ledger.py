#!/usr/bin/env python3
"""The peer of "mailbox → cases": Python's imaplib reads every new message of a folder, parses it with the email
package, and records it in an SQLite ledger with Message-ID de-duplication, keeping the raw bytes in a fsynced
file before the row commits, then marks it \\Seen (the same order as pals: kept, recorded, then marked). Each new
message also opens a case in triage, in the same transaction as its ledger row (as pals's intake does): the
sender's name and address, the subject as summary, the arrival time and the body's text kept in the case.

Usage: imap_ledger.py HOST PORT USER PASSWORD_FILE FOLDER WORK_DIR
Prints JSON: {"taken": N, "cases": N, "duplicates": N, "seconds": S, "per_second": R}.
"""
import email
import email.policy
import email.utils
import imaplib
import json
import os
import sqlite3
import sys
import time


def main():
    host, port, user, password_file, folder, work = sys.argv[1:7]
    with open(password_file, encoding="utf-8") as f:
        password = f.readline().rstrip("\r\n")
    os.makedirs(os.path.join(work, "Inbox"), exist_ok=True)
    db = sqlite3.connect(os.path.join(work, "ledger.sqlite"))
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE IF NOT EXISTS inbound (id INTEGER PRIMARY KEY, uidvalidity INTEGER, uid INTEGER, "
               "message_id TEXT UNIQUE, subject TEXT, size INTEGER, path TEXT, UNIQUE(uidvalidity, uid))")
    db.execute("CREATE TABLE IF NOT EXISTS cases (reference TEXT PRIMARY KEY, status TEXT, received_at TEXT, "
               "name TEXT, address TEXT, summary TEXT, body TEXT, inbound_id INTEGER)")
    db.commit()
    started = time.monotonic()
    imap = imaplib.IMAP4(host, int(port))
    imap.login(user, password)
    typ, data = imap.select(folder)
    validity = int(imap.untagged_responses.get("UIDVALIDITY", [b"0"])[0])
    typ, data = imap.uid("SEARCH", "UID", "1:*")
    uids = [int(u) for u in data[0].split()] if data and data[0] else []
    taken = duplicates = 0
    for uid in uids:
        typ, data = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
        raw = data[0][1]
        message = email.message_from_bytes(raw, policy=email.policy.default)
        message_id = (message.get("Message-ID") or "").strip() or None
        if message_id and db.execute("SELECT 1 FROM inbound WHERE message_id = ?", (message_id,)).fetchone():
            duplicates += 1
        else:
            path = os.path.join(work, "Inbox", "%d-%d.eml" % (validity, uid))
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.write(fd, raw)
            os.fsync(fd)
            os.close(fd)
            subject = str(message.get("Subject", ""))
            cursor = db.execute(
                "INSERT INTO inbound(uidvalidity, uid, message_id, subject, size, path) VALUES (?,?,?,?,?,?)",
                (validity, uid, message_id, subject, len(raw), path))
            name, address = email.utils.parseaddr(str(message.get("From", "")))
            part = message.get_body(preferencelist=("plain", "html"))
            body = part.get_content() if part is not None else ""
            date = message.get("Date")
            received = email.utils.parsedate_to_datetime(str(date)).isoformat() if date else None
            count = db.execute("SELECT count(*) FROM cases").fetchone()[0]
            db.execute("INSERT INTO cases(reference, status, received_at, name, address, summary, body, inbound_id) "
                       "VALUES (?,?,?,?,?,?,?,?)", ("PALS-2026-%04d" % (count + 1), "triage", received, name,
                                                    address, subject[:200], body, cursor.lastrowid))
            db.commit()
            taken += 1
        imap.uid("STORE", str(uid), "+FLAGS.SILENT", "(\\Seen)")
    imap.logout()
    seconds = time.monotonic() - started
    cases = db.execute("SELECT count(*) FROM cases").fetchone()[0]
    print(json.dumps({"taken": taken, "cases": cases, "duplicates": duplicates, "seconds": seconds,
                      "per_second": len(uids) / seconds if seconds else 0}))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The oracle for ReceivedMailParserOracleTests: prints, as JSON, what Python's email package (policy.default)
reads from each .eml file named on the command line, in the shape ReceivedMail has.

Text body: the inline text/plain parts (no file name, not attachments) outside forwarded messages and delivery
reports, joined; attachments: every other leaf part with its sanitised-free file name and decoded size. Forwarded
messages (message/rfc822) are walked for their attachments; their text is reported separately so the Swift test can
check it follows the forwarding note.
"""
import email
import email.policy
import json
import sys


def leaf_parts(part, in_report=False):
    """Yields (part, kind) for each leaf: kind is 'body', 'forwarded', 'report' or 'attachment' context."""
    ctype = part.get_content_type()
    if part.is_multipart() and ctype.startswith("multipart/"):
        is_report = ctype == "multipart/report"
        for child in part.iter_parts():
            yield from leaf_parts(child, in_report or is_report)
    elif ctype in ("message/rfc822", "message/global"):
        if in_report:
            return
        inner = part.get_payload()[0] if isinstance(part.get_payload(), list) else part.get_content()
        yield (inner, "forwarded")
    else:
        yield (part, "leaf")


def texts_and_attachments(message):
    texts, attachments, forwarded = [], [], []
    for part, kind in leaf_parts(message):
        if kind == "forwarded":
            inner = texts_and_attachments(part)
            forwarded.append(inner["text"])
            attachments += inner["attachments"]
            continue
        ctype = part.get_content_type()
        if ctype in ("message/delivery-status", "text/rfc822-headers", "message/global-delivery-status"):
            continue
        filename = part.get_filename()
        inline = not part.is_attachment() and filename is None
        if ctype == "text/plain" and inline:
            texts.append(part.get_content().replace("\r\n", "\n"))
        elif ctype == "text/html" and inline:
            pass
        else:
            data = part.get_payload(decode=True) or b""
            attachments.append({"filename": filename, "size": len(data)})
    return {"text": texts, "attachments": attachments, "forwarded": forwarded}


def unescape(text):
    """Raw 8-bit header bytes come back from Python as surrogate escapes; as UTF-8 they are what the sender meant."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if text is not None else None


def addresses(message, name):
    header = message[name]
    if header is None:
        return []
    return [{"name": unescape(a.display_name) or None, "address": unescape(a.addr_spec)} for a in header.addresses]


def ids(value):
    return [token.strip("<>") for token in str(value or "").split() if token.strip("<>")]


for path in sys.argv[1:]:
    with open(path, "rb") as handle:
        message = email.message_from_bytes(handle.read(), policy=email.policy.default)
    found = texts_and_attachments(message)
    print(json.dumps({
        "file": path.rsplit("/", 1)[-1],
        "from": addresses(message, "from"),
        "to": addresses(message, "to"),
        "subject": unescape(str(message["subject"] or "")),
        "messageID": (ids(message["message-id"]) or [None])[0],
        "inReplyTo": ids(message["in-reply-to"]),
        "references": ids(message["references"]),
        "texts": found["text"],
        "forwarded": found["forwarded"],
        "attachments": found["attachments"],
    }))

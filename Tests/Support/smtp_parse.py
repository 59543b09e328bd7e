#!/usr/bin/python3
"""Parses an .eml file with Python's email package (policy=default) and prints JSON, so tests can
check a message with a parser that is not ours.

usage: smtp_parse.py MESSAGE.eml [ATTACHMENT_DIR]

Output: header_names (in order), headers (name -> list of decoded values), from/to/cc/reply_to
(lists of {display_name, addr_spec}), defects (every parser complaint), and parts (each leaf part:
content_type, charset, filename from the Content-Disposition header object, legacy_filename from
Message.get_filename(), text for text parts, size and saved_as for others, written to ATTACHMENT_DIR).
"""

import email
import email.policy
import json
import os
import sys


def addresses(message, name):
    header = message[name]
    if header is None:
        return []
    return [{"display_name": a.display_name, "addr_spec": a.addr_spec} for a in header.addresses]


def main():
    path = sys.argv[1]
    save_dir = sys.argv[2] if len(sys.argv) > 2 else None
    with open(path, "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)

    defects = [repr(d) for d in message.defects]
    headers = {}
    for name, value in message.items():
        headers.setdefault(name.lower(), []).append(str(value))
        defects += ["%s: %r" % (name, d) for d in getattr(value, "defects", ())]

    parts = []
    for index, part in enumerate(message.walk()):
        defects += [repr(d) for d in part.defects] if part is not message else []
        if part.is_multipart():
            continue
        disposition = part["Content-Disposition"]
        entry = {
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "transfer_encoding": part.get("Content-Transfer-Encoding"),
            "filename": disposition.params.get("filename") if disposition is not None else None,
            "legacy_filename": part.get_filename(),
        }
        content = part.get_content()
        if isinstance(content, str):
            entry["text"] = content
        else:
            entry["size"] = len(content)
            if save_dir:
                target = os.path.join(save_dir, "part-%d.bin" % index)
                with open(target, "wb") as out:
                    out.write(content)
                entry["saved_as"] = target
        parts.append(entry)

    json.dump({
        "header_names": [name for name, _ in message.items()],
        "headers": headers,
        "from": addresses(message, "From"),
        "to": addresses(message, "To"),
        "cc": addresses(message, "Cc"),
        "reply_to": addresses(message, "Reply-To"),
        "defects": defects,
        "parts": parts,
    }, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""A loopback SMTP server that records when each message arrived (aiosmtpd; Debian: python3-aiosmtpd).

Run with /usr/bin/python3. Listens on 127.0.0.1 (a free port), writes {"port": N, "pid": P} to
--ready-file once it accepts connections, and appends one JSON line per accepted message to --log:
  {"t": UNIX-TIME-AT-FINAL-DOT, "rcpt": [...], "message_id": "<...>", "size": BYTES}
The line is written (and flushed) before the 250 reply goes out. Messages are not kept.
SIGTERM or SIGINT stops it.

Usage: /usr/bin/python3 recorder.py --ready-file FILE --log FILE
"""
import argparse
import asyncio
import json
import os
import re
import signal
import time

from aiosmtpd.smtp import SMTP

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]*>)", re.IGNORECASE | re.MULTILINE)


class Handler:
    def __init__(self, log):
        self.log = log
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        arrived = time.time()
        content = envelope.original_content or envelope.content or b""
        head = content[: content.find(b"\r\n\r\n") + 2] if b"\r\n\r\n" in content else content
        match = MESSAGE_ID.search(head)
        self.count += 1
        self.log.write(json.dumps({
            "t": arrived, "rcpt": list(envelope.rcpt_tos),
            "message_id": match.group(1).decode("ascii", "replace") if match else None,
            "size": len(content),
        }) + "\n")
        self.log.flush()
        return "250 2.0.0 Ok: queued as %d" % self.count


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--log", required=True)
    options = parser.parse_args()
    log = open(options.log, "a", encoding="utf-8")
    handler = Handler(log)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="bench.invalid", data_size_limit=0, enable_SMTPUTF8=True),
        host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    tmp = options.ready_file + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"port": port, "pid": os.getpid()}, f)
    os.rename(tmp, options.ready_file)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    log.close()


if __name__ == "__main__":
    asyncio.run(main())

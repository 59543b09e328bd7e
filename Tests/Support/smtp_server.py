#!/usr/bin/python3
"""A scriptable SMTP server for tests, built on aiosmtpd (Debian: python3-aiosmtpd).

Run with /usr/bin/python3. It listens on a free loopback port and, once it accepts
connections, writes {"port": N, "pid": P} to --ready-file (atomically, by rename), so a test
can poll for that file with a deadline. SIGTERM or SIGINT stops it, and so does the end of the
process that started it.

Everything the server sees is saved under --mail-dir:
  msg-0001.eml          the raw message bytes as received (dot-unstuffed, CRLF kept)
  msg-0001.json         {"mail_from", "rcpt_tos", "connection", "tls", "auth_user", "size"}
                        (written after the .eml, so its presence means the message is complete)
  connections           the number of connections accepted so far (rewritten atomically)
  events.jsonl          one JSON object a line: connect, rcpt (every RCPT address, accepted or
                        not), mail (every MAIL FROM, before its reply), message, drop, shutdown

Scripting (all optional):
  --greeting-reply "421 4.3.2 busy"   answer every connection with this line and close it
  --rcpt-reply "[ADDR=]550 5.1.1 no"  refuse RCPT TO (for ADDR only, or for everyone); repeatable
  --data-reply "451 4.3.0 later"      answer the final dot with this reply (message not saved)
  --data-reply-times N                only for the first N messages, then accept (default: always)
  --size-limit BYTES                  refuse larger messages with 552 (aiosmtpd's data_size_limit)
  --drop-after-dot                    save the message, then close the connection without replying
  --drop-after-dot-times N            only for the first N messages (DATA commands), then answer as usual
  --shutdown-after-dot N              answer the N-th final dot (counted from 1) with 421 without keeping the
                                      message, close that connection, then greet every new one with 421 and close it
  --delay-data SECONDS                wait before answering DATA (before the 354)
  --delay-data-times N                only for the first N DATA commands, then answer at once
  --delay-rcpt SECONDS                wait before answering RCPT TO
  --delay-after-dot SECONDS           wait before answering the final dot
  --delay-after-dot-times N           only for the first N messages (DATA commands), then answer at once
                                      (--data-reply-times counts the same DATA commands, in arrival order)
  --tls-cert FILE --tls-key FILE      offer STARTTLS with this certificate
  --require-starttls                  refuse everything but EHLO/STARTTLS/QUIT before TLS
  --implicit-tls                      speak TLS from the first byte (smtps)
  --auth-user USER --auth-password-file FILE
                                      offer AUTH PLAIN/LOGIN (only over TLS) and require it
  --auth-mechanisms "LOGIN"           offer only these mechanisms (space-separated)
  --auth-echo "501 5.5.2 cannot decode:"
                                      a broken server: answer AUTH with this reply followed by everything
                                      the client sent in the exchange (the AUTH line, then each answer to a
                                      334 challenge, raw base64), and never authenticate
"""

import argparse
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


class Recorder:
    """Saves messages and counts connections in the mail folder."""

    def __init__(self, folder):
        self.folder = folder
        self.connections = 0
        self.messages = 0
        self.shut_down = False
        os.makedirs(folder, exist_ok=True)
        write_atomically(os.path.join(folder, "connections"), b"0\n")

    def event(self, **fields):
        with open(os.path.join(self.folder, "events.jsonl"), "a", encoding="utf-8") as f:
            f.write(json.dumps(fields) + "\n")

    def connected(self):
        self.connections += 1
        write_atomically(os.path.join(self.folder, "connections"), b"%d\n" % self.connections)
        self.event(event="connect", connection=self.connections)
        return self.connections

    def save(self, envelope, session, connection, tls):
        self.messages += 1
        stem = os.path.join(self.folder, "msg-%04d" % self.messages)
        content = envelope.original_content or envelope.content or b""
        write_atomically(stem + ".eml", content)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "mail_options": list(envelope.mail_options),
            "connection": connection,
            "tls": tls,
            "auth_user": session.auth_data.decode() if isinstance(session.auth_data, bytes) else None,
            "size": len(content),
        }
        write_atomically(stem + ".json", json.dumps(meta).encode())
        self.event(event="message", number=self.messages, **meta)


class Handler:
    def __init__(self, options, recorder):
        self.options = options
        self.recorder = recorder
        self.data_commands = 0
        self.rcpt_replies = []
        for spec in options.rcpt_reply:
            first, _, rest = spec.partition(" ")
            address, _, code = first.rpartition("=")
            self.rcpt_replies.append((address.lower(), (code + " " + rest).strip()))

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.recorder.event(event="mail", address=address, connection=server.connection_number)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.recorder.event(event="rcpt", address=address, connection=server.connection_number)
        if self.options.delay_rcpt:
            await asyncio.sleep(self.options.delay_rcpt)
        for match, reply in self.rcpt_replies:
            if not match or match == address.lower():
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Numbered on arrival: a message on a second connection may arrive while the first one's reply waits.
        number = self.data_commands
        self.data_commands += 1
        delay_limit = self.options.delay_after_dot_times
        if self.options.delay_after_dot and (delay_limit is None or number < delay_limit):
            await asyncio.sleep(self.options.delay_after_dot)
        if self.options.shutdown_after_dot == number + 1:
            # A server going down: 421 to this message (not kept), then the connection closes once the reply is out.
            self.recorder.shut_down = True
            self.recorder.event(event="shutdown", connection=server.connection_number)
            asyncio.get_running_loop().call_later(0.2, server.transport.close)
            return "421 4.3.2 Service shutting down, closing the connection"
        if self.options.data_reply:
            limit = self.options.data_reply_times
            if limit is None or number < limit:
                self.recorder.event(event="data-reply", connection=server.connection_number,
                                    reply=self.options.data_reply)
                return self.options.data_reply
        tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        self.recorder.save(envelope, session, server.connection_number, tls)
        drop_limit = self.options.drop_after_dot_times
        if self.options.drop_after_dot and (drop_limit is None or number < drop_limit):
            self.recorder.event(event="drop", connection=server.connection_number)
            server.transport.abort()
            return "250 never sent"
        return "250 2.0.0 Ok: queued as %d" % self.recorder.messages


class CountingSMTP(SMTP):
    """aiosmtpd's SMTP that numbers its connection in the recorder (and can echo AUTH, see --auth-echo)."""

    recorder = None
    echoed_auth_reply = None
    options = None
    data_commands = 0

    def connection_made(self, transport):
        # aiosmtpd calls this again on the TLS transport after STARTTLS: still the same connection.
        if getattr(self, "connection_number", None) is None:
            self.connection_number = self.recorder.connected()
        super().connection_made(transport)

    async def smtp_DATA(self, arg):
        # Counted on arrival, across connections, like the handler's DATA count.
        number = CountingSMTP.data_commands
        CountingSMTP.data_commands += 1
        limit = self.options.delay_data_times
        if self.options.delay_data and (limit is None or number < limit):
            await asyncio.sleep(self.options.delay_data)
        return await super().smtp_DATA(arg)

    async def smtp_AUTH(self, arg):
        if not self.echoed_auth_reply or not self._tls_protocol or not arg:
            return await super().smtp_AUTH(arg)
        # What a careless server does: quote the undecodable input back, credentials and all.
        sent = ["AUTH " + arg]
        words = arg.split()
        mechanism = words[0].upper()
        challenges = []
        if mechanism == "PLAIN" and len(words) == 1:
            challenges = [b""]
        elif mechanism == "LOGIN":
            challenges = ([b"VXNlcm5hbWU6"] if len(words) == 1 else []) + [b"UGFzc3dvcmQ6"]
        for challenge in challenges:
            await self.push(b"334 " + challenge)
            line = await self._reader.readline()
            sent.append(line.decode("utf-8", "replace").rstrip("\r\n"))
        self.recorder.event(event="auth-echo", connection=self.connection_number)
        await self.push(self.echoed_auth_reply + " " + " ".join(sent))


class Refuser(asyncio.Protocol):
    """Answers the greeting with a fixed reply and closes the connection."""

    def __init__(self, reply, recorder):
        self.reply = reply
        self.recorder = recorder

    def connection_made(self, transport):
        self.recorder.connected()
        transport.write(self.reply.encode() + b"\r\n")
        transport.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--mail-dir", required=True)
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--greeting-reply")
    parser.add_argument("--hostname", default="smtp-test.invalid", help="the name in the greeting and EHLO reply")
    parser.add_argument("--rcpt-reply", action="append", default=[])
    parser.add_argument("--data-reply")
    parser.add_argument("--data-reply-times", type=int)
    parser.add_argument("--size-limit", type=int, default=64 * 1024 * 1024)
    parser.add_argument("--drop-after-dot", action="store_true")
    parser.add_argument("--drop-after-dot-times", type=int)
    parser.add_argument("--shutdown-after-dot", type=int)
    parser.add_argument("--delay-data", type=float, default=0)
    parser.add_argument("--delay-data-times", type=int)
    parser.add_argument("--delay-rcpt", type=float, default=0)
    parser.add_argument("--delay-after-dot", type=float, default=0)
    parser.add_argument("--delay-after-dot-times", type=int)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth-user")
    parser.add_argument("--auth-password-file")
    parser.add_argument("--auth-mechanisms")
    parser.add_argument("--auth-echo")
    options = parser.parse_args()

    recorder = Recorder(options.mail_dir)
    handler = Handler(options, recorder)

    context = None
    if options.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(options.tls_cert, options.tls_key)

    authenticator = None
    if options.auth_user:
        with open(options.auth_password_file, encoding="utf-8") as f:
            password = f.read().rstrip("\r\n")

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login.decode() == options.auth_user
                  and auth_data.password.decode() == password)
            return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)

    CountingSMTP.recorder = recorder
    CountingSMTP.echoed_auth_reply = options.auth_echo
    CountingSMTP.options = options
    excluded = None
    if options.auth_mechanisms:
        wanted = set(options.auth_mechanisms.upper().split())
        excluded = [m for m in ("PLAIN", "LOGIN") if m not in wanted]

    def factory():
        if options.greeting_reply:
            return Refuser(options.greeting_reply, recorder)
        if recorder.shut_down:
            return Refuser("421 4.3.2 Service shutting down", recorder)
        return CountingSMTP(
            handler,
            data_size_limit=options.size_limit,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=options.hostname,
            tls_context=None if options.implicit_tls else context,
            require_starttls=options.require_starttls,
            authenticator=authenticator,
            auth_required=authenticator is not None,
            auth_require_tls=True,
            auth_exclude_mechanism=excluded,
        )

    # A child started from a thread that blocks signals (libdispatch's workers do, and Foundation's Process
    # passes the mask on) would never see SIGTERM: unblock the ones used to stop the server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        factory, host=options.host, port=0, ssl=context if options.implicit_tls else None))
    port = server.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    async def watch_parent(parent):
        # Stop when the test process that started the server has gone (crashed or killed).
        while os.getppid() == parent:
            await asyncio.sleep(0.5)
        stop.set()

    watcher = loop.create_task(watch_parent(os.getppid()))
    write_atomically(options.ready_file, json.dumps({"port": port, "pid": os.getpid()}).encode())
    loop.run_until_complete(stop.wait())
    watcher.cancel()
    server.close()
    loop.run_until_complete(server.wait_closed())
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""`make bench`: every benchmark of issue 8, pals against its peer, side by side; rewrites BENCHMARKS.md.

Run from anywhere: python3 Benchmarks/run.py [--only FIGURE[,FIGURE…]] [--rounds N] [--keep]
FIGURE is one of compose, smtp, deadlines, latency, memory, durability, idle (see Benchmarks/README.md).
With --only, the table is printed but BENCHMARKS.md is left alone (it always holds a complete run).

What it does, in order:
  1. installs what is missing: the Debian packages postfix (for smtp-sink and smtp-source; preseeded as
     "No configuration" and stopped, so nothing listens on port 25) and python3-aiosmtpd, and Jinja2 for the
     Python peers (pip, else Debian's python3-jinja2);
  2. builds pals, pals-bench, deadline-bench and OutboxStress in release mode;
  3. runs each figure for several rounds, pals and its peer alternately in each round, and records the
     median and the spread (min–max) of the rounds;
  4. writes BENCHMARKS.md with the machine, the date and the table.

Every server is started here on 127.0.0.1 on a free port and stopped at the end; no traffic leaves loopback.
Every person in the data is invented. Work files live in a temporary folder, removed at the end (--keep
keeps it).
"""
import argparse
import atexit
import collections
import datetime
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "Benchmarks")
PEERS = os.path.join(BENCH, "peers")
HOLIDAYS = os.path.join(ROOT, "Sources", "WorkingDays", "Resources", "bank-holidays.json")
SMTP_SINK = "/usr/sbin/smtp-sink"
SMTP_SOURCE = "/usr/sbin/smtp-source"
POSTFIX_COMMAND = "/usr/sbin/postfix"
POSTFIX_SENDMAIL = "/usr/sbin/sendmail"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, with python3-aiosmtpd

# The fixed "now" of every pals run that reads the register: a Wednesday, a working day, after the reminder time.
NOW = "2026-11-25T10:00:00Z"
TODAY = "2026-11-25"

# Sizes named by issue 8.
SMTP_MESSAGES = 2000
DEADLINE_DATES = 1_000_000
REGISTER_CASES = 100_000
SENT_MESSAGES = 10_000
CRASH_MESSAGES = 5000
CRASH_KILLS = 40
MAILBOX_MESSAGES = 1000
# Messages delivered one at a time to a running daemon for the delivery → receipt latency.
MAILBOX_LATENCY_MESSAGES = 20
# `intake.mailbox.interval` for that daemon: the shortest pals accepts (libcurl has no IDLE).
MAILBOX_LATENCY_INTERVAL = 10
LATENCY_CASES = 200
LATENCY_CASES_AT_SIZE = 50
COMPOSE_SECONDS = 2.0
WARM_RUNS = 10

STARTED = time.monotonic()
LOAD_AT_START = os.getloadavg()
FIGURES = ["compose", "smtp", "deadlines", "latency", "memory", "durability", "idle", "mailbox"]
FIGURES.append("web")


# MARK: Output


def log(text):
    minutes, seconds = divmod(int(time.monotonic() - STARTED), 60)
    print("[%2d:%02d] %s" % (minutes, seconds, text), flush=True)


def fail(text):
    log("FAILED: " + text)
    raise SystemExit(1)


# MARK: Processes and servers

_children = []


def _stop_children():
    for process in reversed(_children):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    _children.clear()


atexit.register(_stop_children)
for _signal in (signal.SIGTERM, signal.SIGINT):
    signal.signal(_signal, lambda number, frame: sys.exit(128 + number))


def start(command, **options):
    process = subprocess.Popen(command, **options)
    _children.append(process)
    return process


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process in _children:
        _children.remove(process)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    fail("nothing listens on 127.0.0.1:%d" % port)


def run(command, env=None, input=None, check=True, capture=True, timeout=900):
    result = subprocess.run(command, env=env, input=input, capture_output=capture, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (" ".join(command), result.returncode,
                                                  (result.stderr or b"").decode(errors="replace")[-2000:]))
    return result


def run_json(command, env=None, timeout=900):
    out = run(command, env=env, timeout=timeout).stdout.decode()
    return json.loads(out.strip().splitlines()[-1])


def timed(command, env=None, stdout=subprocess.DEVNULL, input=None):
    """Wall time of a process from start to exit, and its peak RSS (KiB) from wait4's rusage."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=stdout, stderr=subprocess.PIPE,
                               stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL)
    if input is not None:
        process.stdin.write(input)
        process.stdin.close()
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (" ".join(command), process.returncode,
                                                  stderr.decode(errors="replace")[-2000:]))
    return elapsed, usage.ru_maxrss, stderr.decode(errors="replace")


def one_core(command):
    """Pins a command to CPU 0 (Linux taskset), for the "per second on one core" figures."""
    return (["taskset", "-c", "0"] + command) if shutil.which("taskset") else command


def drop_caches():
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


class Recorder:
    """Benchmarks/servers/recorder.py: a loopback SMTP server logging the arrival time of each message."""

    def __init__(self, folder):
        os.makedirs(folder, exist_ok=True)
        self.log_path = os.path.join(folder, "arrivals.jsonl")
        ready = os.path.join(folder, "ready.json")
        for path in (self.log_path, ready):
            if os.path.exists(path):
                os.remove(path)
        self.process = start([SYSTEM_PYTHON, os.path.join(BENCH, "servers", "recorder.py"),
                              "--ready-file", ready, "--log", self.log_path],
                             stdout=subprocess.DEVNULL, stderr=open(os.path.join(folder, "recorder.err"), "ab"))
        deadline = time.monotonic() + 20
        while not os.path.exists(ready):
            if self.process.poll() is not None or time.monotonic() > deadline:
                fail("the SMTP recorder did not start (see %s)" % os.path.join(folder, "recorder.err"))
            time.sleep(0.05)
        with open(ready) as f:
            self.port = json.load(f)["port"]
        self.url = "smtp://127.0.0.1:%d" % self.port
        open(self.log_path, "a").close()
        self._reader = open(self.log_path, encoding="utf-8")
        self._partial = ""

    def new_arrivals(self):
        """Arrivals logged since the last call."""
        text = self._partial + self._reader.read()
        lines = text.split("\n")
        self._partial = lines.pop()
        return [json.loads(line) for line in lines if line]

    def all_arrivals(self):
        with open(self.log_path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def stop(self):
        stop(self.process)


# MARK: Statistics


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values),
            "rounds": values}


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))
    return ordered[index]


class Table:
    """The rows of BENCHMARKS.md: each with pals' rounds, the peer's, and which way is better."""

    def __init__(self):
        self.rows = []
        self.notes = []
        self.failures = []

    def add(self, figure, what, unit, better, pals, peer_name=None, peer=None, note=""):
        self.rows.append({"figure": figure, "what": what, "unit": unit, "better": better,
                          "pals": summary(pals) if isinstance(pals, list) else pals,
                          "peer_name": peer_name,
                          "peer": summary(peer) if isinstance(peer, list) else peer, "note": note})
        row = self.rows[-1]
        log("  %s: pals %s %s%s" % (what, fmt(row["pals"]), unit,
                                     "" if not row["peer"] else " | %s %s (ratio %s)" % (
                                         peer_name, fmt(row["peer"]), ratio(row))))


def number(value):
    if value is None:
        return "—"
    if isinstance(value, int):
        return "{:,}".format(value)
    magnitude = abs(value)
    if magnitude >= 100_000:
        return "{:,.0f}".format(value)
    if magnitude >= 1000:
        return "{:,.0f}".format(value)
    if magnitude >= 100:
        return "%.0f" % value
    if magnitude >= 10:
        return "%.1f" % value
    if magnitude >= 1:
        return "%.2f" % value
    return "%.3f" % value


def fmt(stats):
    if stats is None:
        return "—"
    if stats["n"] == 1 or stats["min"] == stats["max"]:
        return number(stats["median"])
    return "%s (%s–%s)" % (number(stats["median"]), number(stats["min"]), number(stats["max"]))


def ratio(row):
    """How many times better pals is: pals/peer when higher is better, peer/pals when lower is better."""
    if not row["pals"] or not row["peer"] or not row["pals"]["median"] or not row["peer"]["median"]:
        return "—"
    pals, peer = row["pals"]["median"], row["peer"]["median"]
    value = pals / peer if row["better"] == "higher" else peer / pals
    return "%.2f×" % value


# MARK: Setup


def have_package(name):
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", name], capture_output=True)
    return result.returncode == 0 and b"install ok installed" in result.stdout


_apt_updated = False


def apt_install(packages):
    global _apt_updated
    missing = [p for p in packages if not have_package(p)]
    if not missing:
        return []
    if os.geteuid() != 0 and not shutil.which("sudo"):
        fail("need root (or sudo) to install %s" % " ".join(missing))
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if "postfix" in missing:
        # "No configuration": installs smtp-sink and smtp-source without setting up a mail server.
        subprocess.run(prefix + ["debconf-set-selections"], input=b"postfix postfix/main_mailer_type select No configuration\n",
                       env=env, check=False)
    if not _apt_updated:
        log("apt-get update")
        run(prefix + ["apt-get", "update", "-qq"], env=env, timeout=600)
        _apt_updated = True
    log("installing Debian packages: %s" % " ".join(missing))
    run(prefix + ["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + missing, env=env, timeout=1200)
    return missing


def port_25_listening():
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[1].endswith(":0019") and fields[3] == "0A":
                        return True
        except OSError:
            pass
    return False


def stop_postfix_service():
    """The benchmark needs only postfix's test programs: its mail service must not run or listen on port 25."""
    status = subprocess.run(["postfix", "status"], capture_output=True)
    if status.returncode == 0:
        log("stopping the postfix service (only smtp-sink and smtp-source are used)")
        subprocess.run(["postfix", "stop"], capture_output=True)
    if port_25_listening():
        log("note: something listens on port 25; the benchmark does not use it")


def python_with(module, python):
    return subprocess.run([python, "-c", "import %s" % module], capture_output=True).returncode == 0


def setup(figures):
    notes = []
    packages = []
    if "smtp" in figures:
        packages.append("postfix")
    if {"latency", "durability"} & set(figures):
        packages.append("python3-aiosmtpd")
    if "mailbox" in figures:
        packages += ["dovecot-imapd", "python3-aiosmtpd"]
    if "web" in figures:
        packages.append("wrk")
    installed = apt_install(packages)
    if installed:
        notes.append("installed Debian packages: %s" % ", ".join(installed))
    if "smtp" in figures:
        stop_postfix_service()
        for tool in (SMTP_SINK, SMTP_SOURCE):
            if not os.path.exists(tool):
                fail("%s is missing (Debian package postfix)" % tool)

    # The Python peers: this interpreter with Jinja2, installing it if needed.
    python = sys.executable
    if not python_with("jinja2", python):
        log("Jinja2 is missing: pip install jinja2")
        pip = subprocess.run([python, "-m", "pip", "install", "--quiet", "jinja2"], capture_output=True)
        if pip.returncode == 0 and python_with("jinja2", python):
            notes.append("installed Jinja2 with pip")
        else:
            apt_install(["python3-jinja2"])
            python = SYSTEM_PYTHON
            notes.append("installed Debian's python3-jinja2; the peers run on %s" % python)
    return python, notes


def build(figures=FIGURES):
    products = ["pals", "pals-bench", "deadline-bench", "OutboxStress"]
    if set(figures) <= {"mailbox"}:
        products = ["pals"]  # the mailbox figure runs only pals
    for product in products:
        log("swift build -c release --product %s" % product)
        result = subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT,
                                capture_output=True)
        if result.returncode != 0:
            sys.stdout.write(result.stdout.decode(errors="replace")[-4000:])
            sys.stdout.write(result.stderr.decode(errors="replace")[-4000:])
            fail("the release build of %s failed" % product)
    bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT,
                              capture_output=True, check=True).stdout.decode().strip()
    return {product: os.path.join(bin_path, product) for product in products}


def first_line(command):
    try:
        output = subprocess.run(command, capture_output=True, timeout=30)
        text = (output.stdout or output.stderr).decode(errors="replace").strip()
        return text.splitlines()[0] if text else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def machine(python):
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                memory = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
    debian = "?"
    if os.path.exists("/etc/debian_version"):
        with open("/etc/debian_version") as f:
            debian = f.read().strip()
    versions = {
        "swift": first_line(["swift", "--version"]),
        "python": first_line([python, "--version"]),
        "jinja2": first_line([python, "-c", "import jinja2; print(jinja2.__version__)"]),
        "numpy": first_line([python, "-c", "import numpy; print(numpy.__version__)"]) if python_with("numpy", python) else "not installed",
        "libcurl": first_line(["curl-config", "--version"]),
        "postfix": first_line(["postconf", "-dh", "mail_version"]) if shutil.which("postconf") else "?",
    }
    return {"load": "%.2f %.2f %.2f" % LOAD_AT_START, "cores": os.cpu_count(), "cpu": model, "memory": memory, "kernel": platform.release(),
            "debian": debian, "versions": versions}


def pals_env(workspace, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PALS_")}
    env.update(PALS_WORKSPACE=workspace, PALS_NOW=NOW)
    env.update(extra)
    return env


# MARK: Workspaces


class Fixture:
    """The workspaces every figure shares, made once: a small one with one case, a large register."""

    def __init__(self, binaries, work):
        self.bin = binaries
        self.work = work
        self._small = None
        self._large = None
        self._outbox_filled = False

    def pals(self, *arguments):
        return [self.bin["pals"]] + list(arguments)

    def bench(self, *arguments):
        return [self.bin["pals-bench"]] + list(arguments)

    def new_workspace(self, name):
        folder = os.path.join(self.work, name)
        if os.path.exists(folder):
            shutil.rmtree(folder)
        run(self.pals("init", folder), env=pals_env(folder))
        return folder

    @property
    def small(self):
        """A workspace with one case: the example complaint (invented), whose acknowledgement is the letter."""
        if self._small is None:
            folder = self.new_workspace("small")
            with open(os.path.join(ROOT, "Examples", "complaint.json"), "rb") as f:
                complaint = f.read()
            reference = run(self.pals("case", "new", "--file", "-"), env=pals_env(folder), input=complaint).stdout
            self._small = (folder, reference.decode().strip())
        return self._small

    @property
    def large(self):
        """A workspace whose register holds 100,000 open, acknowledged cases (all green on TODAY)."""
        if self._large is None:
            folder = self.new_workspace("large")
            log("logging %s invented cases through CaseRegister.create" % "{:,}".format(REGISTER_CASES))
            result = run_json(self.bench("register", folder, str(REGISTER_CASES), NOW), env=pals_env(folder),
                              timeout=1800)
            self._large = (folder, "PALS-2026-0001", result)
        return self._large

    def fill_outbox(self):
        folder = self.large[0]
        if not self._outbox_filled:
            log("filling the large workspace's Outbox with %s sent messages" % "{:,}".format(SENT_MESSAGES))
            result = run_json(self.bench("fill-outbox", folder, str(SENT_MESSAGES)), env=pals_env(folder),
                              timeout=1800)
            if result["sent"] != SENT_MESSAGES:
                raise RuntimeError("fill-outbox sent %d of %d" % (result["sent"], SENT_MESSAGES))
            self._outbox_filled = result
        return self._outbox_filled


# MARK: Figures


def figure_compose(fx, table, rounds, python):
    title = "1. Merge and compose (one core)"
    log(title)
    folder, reference = fx.small
    context = os.path.join(fx.work, "context.json")
    with open(context, "wb") as f:
        f.write(run(fx.bench("context", folder, reference), env=pals_env(folder)).stdout)
    # The peer's text and HTML are checked against pals' own, so both sides build the same letter.
    with open(context, encoding="utf-8") as f:
        spec = json.load(f)
    peer_text = run([python, os.path.join(PEERS, "letter_mime.py"), "once", context]).stdout.decode()
    same_text = peer_text == spec["text"]
    table.notes.append("Merge and compose: the peer's text part is %s pals' text part (both wrap at 72 columns); "
                       "the peer's HTML template reproduces pals' HTML." % ("identical to" if same_text else "NOT identical to"))
    modes = ["merge", "mime", "prepare-mime", "pdf", "full"]
    pals = collections.defaultdict(list)
    peer = collections.defaultdict(list)
    sizes = {}
    for round_number in range(rounds):
        log("  round %d/%d" % (round_number + 1, rounds))
        for mode in modes:
            result = run_json(one_core(fx.bench("compose", folder, reference, str(COMPOSE_SECONDS), mode)),
                              env=pals_env(folder))
            pals[mode].append(result["per_second"])
            sizes[mode] = result["bytes"]
            if mode in ("merge", "mime"):
                result = run_json(one_core([python, os.path.join(PEERS, "letter_mime.py"), mode, context,
                                            str(COMPOSE_SECONDS)]))
                peer[mode].append(result["per_second"])
                if mode == "mime":
                    peer_size = result["bytes"]
    unit = "letters/s"
    table.add(title, "merge only (strict render + markup → document) from a ready context", unit, "higher",
              pals["merge"], "Jinja2 render of the same markup (autoescape, StrictUndefined)", peer["merge"])
    table.add(title, "**letter+MIME (text+HTML)**: merge, text (wrapped), HTML, MIME message from a ready context",
              unit, "higher", pals["mime"],
              "Jinja2 text + HTML templates + EmailMessage (policy.default) as_bytes()", peer["mime"])
    table.add(title, "letter+MIME incl. LetterDesk.prepare (register read, deadlines, context)", unit, "higher",
              pals["prepare-mime"], note="no peer (the peer reads no register)")
    table.add(title, "PDF letters (cairo + pango, A4, DejaVu Sans 11 pt)", unit, "higher", pals["pdf"],
              note="no peer (no PDF library in the Python standard library)")
    table.add(title, "the queued message: prepare + compose with the PDF attached (%s bytes)" % "{:,}".format(
        sizes["full"]), unit, "higher", pals["full"], note="no peer")
    table.notes.append("Merge and compose: the MIME message without attachment is %s bytes (pals) and %s bytes "
                       "(peer); the PDF is %s bytes." % ("{:,}".format(sizes["mime"]), "{:,}".format(peer_size),
                                                         "{:,}".format(sizes["pdf"])))


class PostfixPeer:
    """A Postfix instance of the bench's own: its own configuration, queue and data directories, no SMTP listener
    (mail comes in through its sendmail), no local delivery, everything relayed to the sink with 4 connections at
    most. Never touches the system's Postfix (its configuration directory is not /etc/postfix)."""

    def __init__(self, work, sink_port, concurrency=4):
        self.dir = os.path.join(work, "postfix")
        shutil.rmtree(self.dir, ignore_errors=True)
        # The bench's work folder is made 0700 (mkdtemp): Postfix's own user must be able to pass through it to
        # reach its queue, or `postfix start` fails.
        os.chmod(work, os.stat(work).st_mode | 0o711)
        self.config = os.path.join(self.dir, "etc")
        self.queue = os.path.join(self.dir, "spool")
        data = os.path.join(self.dir, "lib")
        for folder in (self.config, self.queue, data):
            os.makedirs(folder)
        os.chown(data, *self._ids("postfix"))
        settings = {
            "compatibility_level": "3.6",
            "queue_directory": self.queue,
            "data_directory": data,
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "myhostname": "bench.invalid",
            "mydestination": "",
            "inet_interfaces": "loopback-only",
            "inet_protocols": "ipv4",
            "local_transport": "error:no local delivery in the bench",
            "alias_maps": "",
            "alias_database": "",
            "relayhost": "[127.0.0.1]:%d" % sink_port,
            "default_destination_concurrency_limit": str(concurrency),
            "smtp_destination_concurrency_limit": str(concurrency),
            "initial_destination_concurrency": str(concurrency),
            "smtp_tls_security_level": "none",
            "smtp_dns_support_level": "disabled",
            "disable_dns_lookups": "yes",
            "maillog_file": os.path.join(self.dir, "maillog"),
            "maillog_file_prefixes": self.dir,
            "message_size_limit": "0",
            "biff": "no",
        }
        with open(os.path.join(self.config, "main.cf"), "w") as f:
            for key, value in settings.items():
                f.write("%s = %s\n" % (key, value))
        # The system's services, without the SMTP listener, none chrooted (the queue is not set up for a chroot),
        # and the postlog service the maillog_file needs.
        lines = []
        with open("/etc/postfix/master.cf") as f:
            for line in f:
                fields = line.split()
                if not line.strip() or line[0] in "# \t":
                    lines.append(line)
                    continue
                if len(fields) >= 8 and fields[1] == "inet":
                    continue
                if len(fields) >= 8:
                    fields[4] = "n"
                    line = " ".join(fields) + "\n"
                lines.append(line)
        if not any(l.startswith("postlog") for l in lines):
            lines.append("postlog unix-dgram n - n - 1 postlogd\n")
        with open(os.path.join(self.config, "master.cf"), "w") as f:
            f.writelines(lines)
        self.env = dict(os.environ, MAIL_CONFIG=self.config)

    @staticmethod
    def _ids(user):
        import pwd
        entry = pwd.getpwnam(user)
        return entry.pw_uid, entry.pw_gid

    def start(self):
        subprocess.run([POSTFIX_COMMAND, "-c", self.config, "start"], check=True, capture_output=True, env=self.env)

    def stop(self):
        subprocess.run([POSTFIX_COMMAND, "-c", self.config, "stop"], capture_output=True, env=self.env)

    def inject(self, eml, sender, recipient):
        with open(eml, "rb") as f:
            subprocess.run([POSTFIX_SENDMAIL, "-C", self.config, "-f", sender, "-i", recipient], stdin=f, check=True,
                           env=self.env)

    def queued(self):
        """How many messages are in the queue (maildrop, incoming, active, deferred, hold)."""
        total = 0
        for name in ("maildrop", "incoming", "active", "deferred", "hold"):
            for _, _, files in os.walk(os.path.join(self.queue, name)):
                total += len(files)
        return total

    def delivered(self):
        """How many messages the instance's log says were relayed (status=sent)."""
        try:
            with open(os.path.join(self.dir, "maillog"), errors="replace") as f:
                return sum(1 for line in f if "status=sent" in line)
        except OSError:
            return 0

    def run(self, eml, count, injectors=4):
        """Injects `count` copies of `eml` with `injectors` sendmail processes at a time; returns the seconds from
        the first injection until the queue is empty and the log shows every one relayed."""
        import concurrent.futures
        before = self.delivered()
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(injectors) as pool:
            list(pool.map(lambda index: self.inject(eml, "pals-bench@riverside.example",
                                                    "complainant-%d@example.org" % index), range(count)))
        deadline = time.monotonic() + 600
        while self.queued() > 0:
            if time.monotonic() > deadline:
                raise RuntimeError("Postfix did not empty its queue in 10 minutes")
            time.sleep(0.005)
        elapsed = time.monotonic() - started
        while self.delivered() - before < count and time.monotonic() < deadline:
            time.sleep(0.05)  # postlogd writes the log a moment after the queue file is removed
        if self.delivered() - before != count:
            raise RuntimeError("Postfix relayed %d of %d" % (self.delivered() - before, count))
        return elapsed


def figure_smtp(fx, table, rounds, python):
    title = "2. SMTP throughput to smtp-sink on loopback"
    log(title)
    folder, reference = fx.small
    eml = os.path.join(fx.work, "ack.eml")
    info = run_json(fx.bench("eml", folder, reference, eml), env=pals_env(folder))
    # smtp-source -F reads lines and appends CRLF itself: give it the same message with LF line ends.
    eml_lf = os.path.join(fx.work, "ack-lf.eml")
    with open(eml, "rb") as f, open(eml_lf, "wb") as out:
        out.write(f.read().replace(b"\r\n", b"\n"))
    size = info["bytes"]
    port = free_port()
    sink = start([SMTP_SINK, "-u", "nobody", "127.0.0.1:%d" % port, "256"], stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL)
    postfix = PostfixPeer(fx.work, port)
    try:
        wait_for_port(port)
        postfix.start()
        url = "smtp://127.0.0.1:%d" % port
        results = collections.defaultdict(list)

        def source(sessions):
            elapsed, _, _ = timed([SMTP_SOURCE, "-d", "-s", str(sessions), "-m", str(SMTP_MESSAGES), "-F", eml_lf,
                                   "-f", "pals-bench@riverside.example", "-t", "complainant@example.org",
                                   "-M", "bench.invalid", "127.0.0.1:%d" % port])
            return SMTP_MESSAGES / elapsed

        for round_number in range(rounds):
            log("  round %d/%d" % (round_number + 1, rounds))
            for lanes in (1, 4):
                result = run_json(fx.bench("smtp", url, eml, str(SMTP_MESSAGES), str(lanes)))
                if result["delivered"] != SMTP_MESSAGES:
                    raise RuntimeError("pals delivered %d of %d" % (result["delivered"], SMTP_MESSAGES))
                results["pals-%d" % lanes].append(result["per_second"])
            result = run_json([python, os.path.join(PEERS, "smtp_send.py"), "127.0.0.1", str(port), eml,
                               str(SMTP_MESSAGES)])
            if result["delivered"] != SMTP_MESSAGES:
                raise RuntimeError("smtplib delivered %d of %d" % (result["delivered"], SMTP_MESSAGES))
            results["smtplib"].append(result["per_second"])
            results["source-1"].append(source(1))
            results["source-4"].append(source(4))
            outbox = os.path.join(fx.work, "smtp-outbox-%d" % round_number)
            result = run_json(fx.bench("outbox-smtp", outbox, url, eml, str(SMTP_MESSAGES), "4"))
            if result["delivered"] != SMTP_MESSAGES:
                raise RuntimeError("the outbox delivered %d of %d" % (result["delivered"], SMTP_MESSAGES))
            results["outbox-4"].append(result["per_second"])
            results["outbox-queue-4"].append(result["queue_and_send_per_second"])
            shutil.rmtree(outbox, ignore_errors=True)
            results["postfix-4"].append(SMTP_MESSAGES / postfix.run(eml_lf, SMTP_MESSAGES))
    finally:
        postfix.stop()
        stop(sink)
    unit = "messages/s"
    what = "%s messages of %s bytes (the real acknowledgement, %s-byte PDF attached)" % (
        "{:,}".format(SMTP_MESSAGES), "{:,}".format(size), "{:,}".format(info["pdf_bytes"]))
    table.notes.append("SMTP: " + what + "; one envelope per message. smtp-source sends the same message "
                       "(-F, -d keeps the connection) and is timed from process start to exit.")
    table.add(title, "pals CurlSMTPTransport, one reused connection", unit, "higher", results["pals-1"],
              "Python smtplib, one reused connection", results["smtplib"])
    table.add(title, "pals CurlSMTPTransport, one reused connection", unit, "higher", results["pals-1"],
              "smtp-source -s 1 -d (the ceiling)", results["source-1"])
    table.add(title, "pals CurlSMTPTransport, 4 lanes", unit, "higher", results["pals-4"],
              "smtp-source -s 4 -d (the ceiling)", results["source-4"])
    table.add(title, "pals Outbox → SMTP (OutboxSender: claim, send, archive; 4 lanes, batches of 10)", unit,
              "higher", results["outbox-4"], "pals CurlSMTPTransport, 4 lanes (no outbox)", results["pals-4"],
              note="the cost of durability: the ratio is outbox/transport")
    table.add(title, "pals Outbox → SMTP (OutboxSender: claim, send, archive; 4 lanes, batches of 10)", unit,
              "higher", results["outbox-4"], "Postfix queue → SMTP (its own instance, sendmail, 4 connections)",
              results["postfix-4"], note="Postfix is timed from its first sendmail (4 at a time) until its queue is "
              "empty, so its queueing is in its figure; the pals outbox is filled before its timing starts")
    table.add(title, "pals queue + Outbox → SMTP (Outbox.queue one at a time, then the drain above)", unit,
              "higher", results["outbox-queue-4"], "Postfix queue → SMTP (its own instance, sendmail, 4 connections)",
              results["postfix-4"], note="both with their queueing: pals queues serially in one process, "
              "Postfix runs 4 sendmail processes at a time")


def figure_deadlines(fx, table, rounds, python):
    title = "3. Deadlines"
    log(title)
    has_numpy = python_with("numpy", python)
    pals, pure, vector = [], [], []
    checksum = None
    peer_checksums = set()
    for round_number in range(rounds):
        log("  round %d/%d: 1,000,000 dates" % (round_number + 1, rounds))
        result = run(one_core([fx.bin["deadline-bench"]]))
        line = result.stdout.decode().strip().splitlines()[-1]
        pals.append(DEADLINE_DATES / float(line.split(" in ")[1].split(" s")[0]))
        total = int(result.stderr.decode().split("checksum")[1].strip())
        checksum = total // 7  # deadline-bench sums 7 rounds
        result = run_json(one_core([python, os.path.join(PEERS, "deadlines.py"), "pure", HOLIDAYS,
                                    str(DEADLINE_DATES)]))
        pure.append(result["per_second"])
        peer_checksums.add(result["checksum"])
        if has_numpy:
            result = run_json(one_core([python, os.path.join(PEERS, "deadlines.py"), "numpy", HOLIDAYS,
                                        str(DEADLINE_DATES)]))
            vector.append(result["per_second"])
            peer_checksums.add(result["checksum"])
    agree = peer_checksums == {checksum}
    table.notes.append("Deadlines: the Python peers' checksum (sum of the day numbers of every acknowledge-by, "
                       "respond-by and backstop date) %s deadline-bench's (%d)." % (
                           "equals" if agree else "DIFFERS FROM", checksum))
    unit = "dates/s"
    if has_numpy:
        table.add(title, "1,000,000 receipt dates through DeadlineCalculator (deadline-bench, median of 7 passes)",
                  unit, "higher", pals, "numpy busday_offset + datetime64 months (vectorised)", vector)
    table.add(title, "1,000,000 receipt dates through DeadlineCalculator (deadline-bench, median of 7 passes)", unit,
              "higher", pals, "pure Python, precomputed working-day table", pure,
              note="" if has_numpy else "numpy not installed: no vectorised peer")

    folder, reference, created = fx.large
    table.add(title, "logging 100,000 cases through CaseRegister.create (set-up, one process)", "cases/s",
              "higher", [created["per_second"]], note="one run; no peer")
    board_pals, board_peer = [], []
    pals_out = os.path.join(fx.work, "deadlines-pals.json")
    peer_out = os.path.join(fx.work, "deadlines-peer.json")
    for round_number in range(rounds):
        log("  round %d/%d: pals deadlines --json over 100,000 cases" % (round_number + 1, rounds))
        with open(pals_out, "wb") as out:
            board_pals.append(timed(fx.pals("deadlines", "--json"), env=pals_env(folder), stdout=out)[0])
        with open(peer_out, "wb") as out:
            board_peer.append(timed([python, os.path.join(PEERS, "deadline_board.py"),
                                     os.path.join(folder, "register.sqlite"), HOLIDAYS, TODAY], stdout=out)[0])
    with open(pals_out, "rb") as a, open(peer_out, "rb") as b:
        same = a.read() == b.read()
    with open(pals_out, encoding="utf-8") as f:
        listed = len(json.load(f))
    if listed != REGISTER_CASES:
        raise RuntimeError("pals deadlines listed %d cases, not %d" % (listed, REGISTER_CASES))
    table.notes.append("`pals deadlines --json`: %s cases listed; the Python peer's output is %s." % (
        "{:,}".format(listed), "byte-for-byte identical" if same else "NOT identical"))
    table.add(title, "`pals deadlines --json`, 100,000 open cases, process start to exit", "s", "lower", board_pals,
              "Python: sqlite3 + the same arithmetic + json.dumps", board_peer)

    log("  idle daemon pass (pals daemon --once) over 100,000 cases")
    passes = []
    timed(fx.pals("daemon", "--once"), env=pals_env(folder))  # the first pass after logging: reads everything once
    for round_number in range(rounds):
        elapsed, _, stderr = timed(fx.pals("daemon", "--once"), env=pals_env(folder))
        if "delivered=0" not in stderr:
            raise RuntimeError("the idle pass sent something: %s" % stderr[-500:])
        passes.append(elapsed)
    queued = os.listdir(os.path.join(folder, "Outbox", "queued"))
    if queued:
        raise RuntimeError("the idle pass queued %d messages" % len(queued))
    table.add(title, "one idle daemon pass (`pals daemon --once`: intake, watcher, sender), 100,000 cases",
              "s", "lower", passes, note="no peer; nothing to send (all acknowledged, all green)")


def figure_latency(fx, table, rounds, python):
    title = "4. Latency a person feels"
    log(title)
    folder, _, _ = fx.large
    # The large register's cases were all logged acknowledged (an idle daemon); an acknowledgement preview is
    # refused for them, as pals refuses a second acknowledgement. Log one new, unacknowledged case to preview.
    with open(os.path.join(ROOT, "Examples", "complaint.json"), "rb") as f:
        reference = run(fx.pals("case", "new", "--file", "-"), env=pals_env(folder), input=f.read()).stdout.decode().strip()
    context = os.path.join(fx.work, "context-large.json")
    with open(context, "wb") as f:
        f.write(run(fx.bench("context", folder, reference), env=pals_env(folder)).stdout)
    preview = fx.pals("preview", "acknowledgement", reference)
    peer = [python, os.path.join(PEERS, "letter_mime.py"), "once", context]
    cold_pals, cold_peer, warm_pals, warm_peer = [], [], [], []
    can_drop = drop_caches()
    for round_number in range(rounds):
        log("  round %d/%d: pals preview, cold and warm" % (round_number + 1, rounds))
        if can_drop:
            drop_caches()
            cold_pals.append(timed(preview, env=pals_env(folder))[0])
            drop_caches()
            cold_peer.append(timed(peer)[0])
        warm_a, warm_b = [], []
        for _ in range(WARM_RUNS):
            warm_a.append(timed(preview, env=pals_env(folder))[0])
            warm_b.append(timed(peer)[0])
        warm_pals.append(statistics.median(warm_a))
        warm_peer.append(statistics.median(warm_b))
    unit = "ms"
    ms = lambda values: [v * 1000 for v in values]
    peer_name = "python3 + Jinja2 rendering the same letter's text from its context (no config, no register)"
    if can_drop:
        table.add(title, "`pals preview acknowledgement REF` (100,000-case register), cold: page cache dropped",
                  unit, "lower", ms(cold_pals), peer_name, ms(cold_peer))
    else:
        table.notes.append("Preview cold: not measured (cannot write /proc/sys/vm/drop_caches).")
    table.add(title, "`pals preview acknowledgement REF`, warm (median of %d runs per round)" % WARM_RUNS, unit,
              "lower", ms(warm_pals), peer_name, ms(warm_peer))

    small = fx.new_workspace("latency")
    samples, new_case = acknowledgement_latency(fx, small, LATENCY_CASES, "lat")
    table.add(title, "new case → acknowledgement accepted by the SMTP server, %d cases, `pals daemon --interval 0.1`"
              ": median" % LATENCY_CASES, unit, "lower", [statistics.median(samples) * 1000],
              note="no peer; %d samples, spread min–max %s–%s ms" % (
                  len(samples), number(min(samples) * 1000), number(max(samples) * 1000)))
    table.add(title, "… p99", unit, "lower", [percentile(samples, 0.99) * 1000], note="no peer")
    table.add(title, "… of which `pals case new` (process start to exit): median", unit, "lower",
              [statistics.median(new_case) * 1000], note="no peer")
    samples, _ = acknowledgement_latency(fx, folder, LATENCY_CASES_AT_SIZE, "size")
    table.add(title, "new case → acknowledgement accepted, with 100,000 open cases in the register (%d cases): median"
              % LATENCY_CASES_AT_SIZE, unit, "lower", [statistics.median(samples) * 1000],
              note="no peer; spread %s–%s ms" % (number(min(samples) * 1000), number(max(samples) * 1000)))


def acknowledgement_latency(fx, folder, count, tag):
    """Logs `count` cases one after another with a daemon running; returns the case-to-acceptance times."""
    recorder = Recorder(os.path.join(fx.work, "recorder-%s" % tag))
    env = pals_env(folder, PALS_SMTP_URL=recorder.url)
    daemon_log = open(os.path.join(fx.work, "daemon-%s.log" % tag), "wb")
    daemon = start(fx.pals("daemon", "--interval", "0.1"), env=env, stdout=daemon_log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while b"daemon started" not in open(daemon_log.name, "rb").read():
            if daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the daemon did not start: %s" % open(daemon_log.name, "rb").read()[-1000:])
            time.sleep(0.05)
        time.sleep(0.5)
        samples, new_case = [], []
        log("  %d new cases, one at a time, each until its acknowledgement arrives%s" % (
            count, " (100,000 cases in the register)" if tag == "size" else ""))
        for index in range(count):
            email = "%s-%d@example.org" % (tag, index)
            case = {
                "channel": "email",
                "complainant": {"title": "Mx", "firstName": "Alys", "lastName": "Example-%d" % index,
                                "email": email, "preferredContact": "email"},
                "summary": "INVENTED: a benchmark complaint about parking at the main entrance.",
                "service": "Estates", "officer": "alex",
            }
            started = time.time()
            elapsed, _, _ = timed(fx.pals("case", "new", "--file", "-"), env=env, input=json.dumps(case).encode())
            new_case.append(elapsed)
            arrived = None
            wait_until = time.monotonic() + 60
            while arrived is None:
                for arrival in recorder.new_arrivals():
                    if email in arrival["rcpt"]:
                        arrived = arrival["t"]
                if arrived is None:
                    if time.monotonic() > wait_until:
                        raise RuntimeError("the acknowledgement to %s did not arrive in 60 s" % email)
                    time.sleep(0.002)
            samples.append(arrived - started)
            if (index + 1) % 50 == 0:
                log("    %d/%d, median so far %.0f ms" % (index + 1, count, statistics.median(samples) * 1000))
        return samples, new_case
    finally:
        stop(daemon)
        daemon_log.close()
        recorder.stop()


def proc_status(pid, field):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def figure_memory(fx, table, rounds, python):
    title = "5. Memory"
    log(title)
    folder, _, _ = fx.large
    fx.fill_outbox()
    sent = sum(len(files) for _, _, files in os.walk(os.path.join(folder, "Outbox", "sent")))
    peaks, times = [], []
    for round_number in range(rounds):
        elapsed, peak, stderr = timed(fx.pals("daemon", "--once"), env=pals_env(folder))
        peaks.append(peak / 1024)
        times.append(elapsed)
    table.add(title, "peak RSS of `pals daemon --once`: 100,000 cases, Outbox with %s sent messages" %
              "{:,}".format(SENT_MESSAGES), "MiB", "lower", peaks,
              note="no peer; wait4 ru_maxrss; %s files under Outbox/sent" % "{:,}".format(sent))
    table.add(title, "… the same pass's time (compare the idle pass without the sent archive, figure 3)", "s",
              "lower", times, note="no peer")
    # A running daemon, sampled: VmHWM after several passes of every service.
    log("  a running daemon (--interval 1) sampled for 8 s")
    daemon = start(fx.pals("daemon", "--interval", "1"), env=pals_env(folder), stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    try:
        time.sleep(8)
        hwm = proc_status(daemon.pid, "VmHWM")
        rss = proc_status(daemon.pid, "VmRSS")
    finally:
        stop(daemon)
    if hwm:
        table.add(title, "running `pals daemon --interval 1` after 8 s: VmHWM (VmRSS %s MiB)" % number(rss / 1024),
                  "MiB", "lower", [hwm / 1024], note="no peer; one sample")
    elapsed, peak, _ = timed(fx.pals("deadlines", "--json"), env=pals_env(folder))
    _, peer_peak, _ = timed([python, os.path.join(PEERS, "deadline_board.py"), os.path.join(folder, "register.sqlite"),
                             HOLIDAYS, TODAY])
    table.add(title, "peak RSS of `pals deadlines --json`, 100,000 cases", "MiB", "lower", [peak / 1024],
              "the Python peer of figure 3", [peer_peak / 1024], note="one run each")

def cpu_seconds(pid):
    """utime + stime of a process so far, in seconds (/proc/PID/stat fields 14 and 15)."""
    with open("/proc/%d/stat" % pid) as f:
        # The command name (field 2) is in parentheses and may hold spaces: split after its closing one.
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


IDLE_SECONDS = 60


def figure_idle(fx, table, rounds, python):
    title = "7. Idle daemon"
    log(title)
    folder, _, _ = fx.large
    # Start-up runs every service once over the whole register (intake, the day's reminders): wait until the
    # process has used under 1 % of a core over 2 s (at most 120 s), then measure an idle minute.
    log("  a running `pals daemon` over %s cases: settling, then %d s idle" % ("{:,}".format(REGISTER_CASES),
                                                                            IDLE_SECONDS))
    daemon = start(fx.pals("daemon"), env=pals_env(folder), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        settle_deadline = time.monotonic() + 120
        previous = cpu_seconds(daemon.pid)
        while time.monotonic() < settle_deadline:
            time.sleep(2)
            current = cpu_seconds(daemon.pid)
            if current - previous < 0.02:
                break
            previous = current
        started, wall = cpu_seconds(daemon.pid), time.monotonic()
        time.sleep(IDLE_SECONDS)
        used, elapsed = cpu_seconds(daemon.pid) - started, time.monotonic() - wall
        if daemon.poll() is not None:
            raise RuntimeError("the daemon exited during the idle minute (status %s)" % daemon.returncode)
    finally:
        stop(daemon)
    table.add(title, "CPU of an idle `pals daemon` over %s cases, %d s after start-up settled (goal < 0.1)" %
              ("{:,}".format(REGISTER_CASES), IDLE_SECONDS), "% of a core", "lower", [100 * used / elapsed],
              note="no peer; utime+stime from /proc/PID/stat; one sample")


def figure_durability(fx, table, rounds, python):
    title = "6. Durability at size (outbox crash test)"
    log(title)
    work = os.path.join(fx.work, "crash")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    outbox = os.path.join(work, "Outbox")
    stress = fx.bin["OutboxStress"]
    queue_time, _, _ = timed([stress, "queue", outbox, str(CRASH_MESSAGES)])
    recorder = Recorder(os.path.join(work, "server"))
    chance = random.Random(8)
    runs = []  # (started, ended, killed)
    kills = 0
    started_all = time.monotonic()
    log("  %s messages queued in %.1f s; sending with up to %d SIGKILLs" % (
        "{:,}".format(CRASH_MESSAGES), queue_time, CRASH_KILLS))
    try:
        finished = False
        while not finished:
            if time.monotonic() - started_all > 900:
                raise RuntimeError("the crash test did not finish in 15 minutes")
            began = time.time()
            process = subprocess.Popen([stress, "send", outbox, recorder.url, "8"], stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE)
            if kills < CRASH_KILLS:
                delay = chance.uniform(0.010, 0.150)
                try:
                    process.wait(timeout=delay)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                    kills += 1
                    runs.append((began, time.time(), True))
                    continue
            out, err = process.communicate(timeout=900)
            runs.append((began, time.time(), False))
            if process.returncode != 0:
                raise RuntimeError("OutboxStress send exited %d: %s" % (process.returncode, err.decode()[-500:]))
            if True:  # a sender that exits by itself has drained the queue (or retries are pending)
                audit = run_json(fx.bench("outbox-audit", outbox))
                counts = audit["counts"]
                finished = all(counts.get(state, 0) == 0 for state in ("queued", "active", "deferred"))
        total = time.monotonic() - started_all
        time.sleep(0.3)
        arrivals = recorder.all_arrivals()
    finally:
        recorder.stop()
    received = collections.Counter(a["message_id"] for a in arrivals)
    sent = {item["key"]: item for item in audit["sent"]}
    held = {item["key"]: item for item in audit["held"]}
    keys = collections.Counter([item["key"] for item in audit["sent"]] + [item["key"] for item in audit["held"]])
    lost = sum(1 for index in range(CRASH_MESSAGES) if keys["stress-%d" % index] == 0)
    duplicates = sum(count - 1 for count in received.values() if count > 1) + sum(
        count - 1 for count in keys.values() if count > 1)
    archived_not_received = sum(1 for item in sent.values() if received[item["message_id"]] != 1)
    held_received = sum(1 for item in held.values() if received[item["message_id"]] >= 1)
    # Restart to first delivery: after each kill, from the new process's start to the server's next arrival.
    times = sorted(a["t"] for a in arrivals)
    recovery = []
    for (began, ended, _), previous in zip(runs[1:], runs[:-1]):
        if not previous[2]:
            continue
        first = next((t for t in times if began <= t <= ended), None)
        if first is not None:
            recovery.append((first - began) * 1000)
    table.add(title, "messages lost (must be 0) of %s, %d SIGKILLs, %d sender runs" % (
        "{:,}".format(CRASH_MESSAGES), kills, len(runs)), "messages", "lower", [lost], note="no peer")
    table.add(title, "duplicates (a message received twice, or twice in archive + hold)", "messages", "lower",
              [duplicates], note="no peer; archived but not received exactly once: %d" % archived_not_received)
    table.add(title, "held for an officer (interrupted mid-send; never resent)", "messages", "lower", [len(held)],
              note="no peer; of which the server had received %d. A kill holds only the message whose SMTP "
                   "transaction was in flight (OutboxStress: 1 lane, batches of 8)" % held_received)
    table.add(title, "held per kill (messages held ÷ SIGKILLs; goal: at most 1 per lane, here 1 lane)", "messages",
              "lower", [len(held) / kills if kills else 0.0], note="no peer; %d held, %d kills" % (len(held), kills))
    if recovery:
        table.add(title, "restart after a kill → first delivery (process start, recovery, claim, SMTP)", "ms",
                  "lower", recovery, note="no peer; %d restarts delivered before their own kill or end" % len(recovery))
    table.add(title, "whole crash test: queueing %s (%.1f s) excluded, sending through all kills" % (
        "{:,}".format(CRASH_MESSAGES), queue_time), "s", "lower", [total], note="no peer")
    if lost or duplicates:
        table.failures.append("durability: %d lost, %d duplicates" % (lost, duplicates))


# MARK: Mailbox


class Dovecot:
    """A Dovecot IMAP server on loopback with its own configuration, a passwd file and Maildirs (as the tests')."""

    def __init__(self, work):
        self.folder = os.path.join(work, "dovecot")
        os.chmod(work, 0o711)  # Dovecot's auth process (its own user) reads the passwd file inside
        for name in ("", "run", "state", "mail"):
            os.makedirs(os.path.join(self.folder, name), exist_ok=True)
        os.chmod(self.folder, 0o711)
        self.uid, self.gid = (65534, 65534) if os.getuid() == 0 else (os.getuid(), os.getgid())
        self.mail = os.path.join(self.folder, "mail")
        os.chown(self.mail, self.uid, self.gid)
        os.chmod(self.mail, 0o755)
        self.password = "Bench-Passw0rd-%d" % random.randrange(10 ** 6)
        self.passwd = os.path.join(self.folder, "passwd")
        self.users = []
        self.port = free_port()
        config = os.path.join(self.folder, "dovecot.conf")
        with open(config, "w") as f:
            f.write("""protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = {fu}
first_valid_gid = {fg}
mail_location = maildir:{m}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {p}
}}
userdb {{
  driver = static
  args = uid={u} gid={g} home={m}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
""".format(d=self.folder, m=self.mail, p=self.passwd, u=self.uid, g=self.gid, fu=min(self.uid, 500),
           fg=min(self.gid, 500), port=self.port))
        self.password_file = os.path.join(self.folder, "password")
        with open(self.password_file, "w") as f:
            f.write(self.password + "\n")
        os.chmod(self.password_file, 0o600)
        self._write_passwd()
        self.process = start(["/usr/sbin/dovecot", "-c", config, "-F"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def _write_passwd(self):
        with open(self.passwd, "w") as f:
            for user in self.users:
                f.write("%s:{PLAIN}%s\n" % (user, self.password))
        os.chmod(self.passwd, 0o644)

    def new_user(self, name, messages):
        """A user whose INBOX holds `messages` (raw bytes each), delivered through tmp/ into new/."""
        self.users.append(name)
        self._write_passwd()
        root = os.path.join(self.mail, name)
        for sub in ("", "cur", "new", "tmp"):
            path = os.path.join(root, sub)
            os.makedirs(path, exist_ok=True)
            os.chown(path, self.uid, self.gid)
            os.chmod(path, 0o700)
        for number, raw in enumerate(messages):
            temporary = os.path.join(root, "tmp", "%d.%d.bench" % (int(time.time()), number))
            with open(temporary, "wb") as f:
                f.write(raw)
            os.chown(temporary, self.uid, self.gid)
            os.rename(temporary, os.path.join(root, "new", os.path.basename(temporary)))
        return name

    def deliver(self, name, raw, tag):
        """Delivers one message into `name`'s INBOX while the server runs (tmp/, then renamed into new/)."""
        root = os.path.join(self.mail, name)
        temporary = os.path.join(root, "tmp", "%d.%s.bench" % (int(time.time()), tag))
        with open(temporary, "wb") as f:
            f.write(raw)
        os.chown(temporary, self.uid, self.gid)
        os.rename(temporary, os.path.join(root, "new", os.path.basename(temporary)))


def mailbox_messages(count, tag, sender=lambda number: "ada@example.org"):
    """`count` invented complaints of about 2 KB, each with its own Message-ID."""
    body = "I am writing about my father's appointment at the outpatients clinic, which was cancelled. " * 20
    return [("From: Ada Example <%s>\r\nTo: pals@riverside.example\r\n"
             "Message-ID: <bench-%s-%d@example.org>\r\nSubject: Complaint %d\r\n"
             "Date: Wed, 25 Nov 2026 09:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"
             % (sender(number), tag, number, number, body)).encode() for number in range(count)]


def figure_mailbox(fx, table, rounds, python):
    title = "8. Mailbox → cases"
    log(title)
    if not os.path.exists("/usr/sbin/dovecot"):
        raise RuntimeError("/usr/sbin/dovecot is missing (Debian package dovecot-imapd)")
    server = Dovecot(fx.work)
    results = collections.defaultdict(list)
    try:
        for round_number in range(rounds):
            log("  round %d/%d" % (round_number + 1, rounds))
            user = server.new_user("pals%d" % round_number, mailbox_messages(MAILBOX_MESSAGES, "p%d" % round_number))
            folder = fx.new_workspace("mailbox-%d" % round_number)
            with open(os.path.join(folder, "pals.yaml"), "a") as f:
                f.write("\nintake:\n  mailbox:\n    url: imap://127.0.0.1:%d\n    username: %s\n"
                        "    passwordFile: %s\n" % (server.port, user, server.password_file))
            elapsed, _, _ = timed(fx.pals("intake", "poll"), env=pals_env(folder))
            register = os.path.join(folder, "register.sqlite")
            taken = register_count(register, "SELECT count(*) FROM inbound_messages")
            if taken != MAILBOX_MESSAGES:
                raise RuntimeError("pals took %s of %d" % (taken, MAILBOX_MESSAGES))
            cases = register_count(register, "SELECT count(*) FROM cases WHERE status = 'triage'")
            if cases != MAILBOX_MESSAGES:
                raise RuntimeError("pals opened %d triage cases for %d messages" % (cases, MAILBOX_MESSAGES))
            results["pals"].append(MAILBOX_MESSAGES / elapsed)
            peer_user = server.new_user("peer%d" % round_number,
                                        mailbox_messages(MAILBOX_MESSAGES, "q%d" % round_number))
            peer_work = os.path.join(fx.work, "mailbox-peer-%d" % round_number)
            started = time.monotonic()
            result = run_json([python, os.path.join(PEERS, "imap_ledger.py"), "127.0.0.1", str(server.port),
                               peer_user, server.password_file, "INBOX", peer_work])
            peer_elapsed = time.monotonic() - started
            if result["taken"] != MAILBOX_MESSAGES or result["cases"] != MAILBOX_MESSAGES:
                raise RuntimeError("the peer took %d of %d" % (result["taken"], MAILBOX_MESSAGES))
            results["peer"].append(MAILBOX_MESSAGES / peer_elapsed)
        samples = mailbox_receipt_latency(fx, server)
    finally:
        stop(server.process)
    table.notes.append("Mailbox: %s invented messages of about 2 KB in a fresh Dovecot Maildir each round; pals is "
                       "`pals intake poll` (process start to exit: libcurl, one UID FETCH per message, MIME parse, "
                       "raw file fsynced, ledger row and a triage case committed through the intake rules, receipts "
                       "queued (capped per sender: all mail is from one sender), \\Seen in batches of 25); the peer "
                       "is imaplib + email + sqlite3 (same order: file fsynced, ledger row and case row committed, "
                       "then \\Seen), also timed from process start."
                       % "{:,}".format(MAILBOX_MESSAGES))
    table.notes.append("Mailbox latency: %d messages from different senders, delivered one at a time into the "
                       "Maildir of a running `pals daemon --interval 0.1` with `intake.mailbox.interval: %d` (the "
                       "shortest accepted), each at a random moment within a poll interval, timed until its receipt "
                       "was accepted by a loopback aiosmtpd. libcurl has no IMAP IDLE, so pals only sees a message at "
                       "its next poll: the latency is bounded below by the wait for that poll (on average half the "
                       "interval)." % (MAILBOX_LATENCY_MESSAGES, MAILBOX_LATENCY_INTERVAL))
    table.add(title, "pals intake poll: mailbox → triage cases", "messages/s", "higher", results["pals"],
              "Python imaplib + email + sqlite3 (Message-ID de-dup, a case row per message)", results["peer"])
    table.add(title, "delivery into the mailbox → receipt accepted by the SMTP server, interval %d s: median"
              % MAILBOX_LATENCY_INTERVAL, "ms", "lower", [statistics.median(samples) * 1000],
              note="no peer; %d samples, spread %s–%s ms" % (len(samples), number(min(samples) * 1000),
                                                            number(max(samples) * 1000)))
    table.add(title, "… p99", "ms", "lower", [percentile(samples, 0.99) * 1000], note="no peer")


def register_count(register, query):
    """One count from a register, read with Python's sqlite3 (the register is plain SQLite)."""
    db = sqlite3.connect(register)
    try:
        return db.execute(query).fetchone()[0]
    finally:
        db.close()


def mailbox_receipt_latency(fx, server):
    """Delivers messages one at a time to a running daemon's mailbox; returns each delivery-to-receipt time."""
    user = server.new_user("latency", [])
    folder = fx.new_workspace("mailbox-latency")
    with open(os.path.join(folder, "pals.yaml"), "a") as f:
        f.write("\nintake:\n  mailbox:\n    url: imap://127.0.0.1:%d\n    username: %s\n    passwordFile: %s\n"
                "    interval: %d\n" % (server.port, user, server.password_file, MAILBOX_LATENCY_INTERVAL))
    recorder = Recorder(os.path.join(fx.work, "recorder-mailbox"))
    env = pals_env(folder, PALS_SMTP_URL=recorder.url)
    daemon_log = open(os.path.join(fx.work, "daemon-mailbox.log"), "wb")
    daemon = start(fx.pals("daemon", "--interval", "0.1"), env=env, stdout=daemon_log, stderr=subprocess.STDOUT)
    messages = mailbox_messages(MAILBOX_LATENCY_MESSAGES, "lat", sender=lambda n: "mailbox-%d@example.org" % n)
    try:
        deadline = time.monotonic() + 60
        while b"daemon started" not in open(daemon_log.name, "rb").read():
            if daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the daemon did not start: %s" % open(daemon_log.name, "rb").read()[-1000:])
            time.sleep(0.05)
        log("  %d messages into the mailbox, one at a time, each until its receipt arrives (poll every %d s)"
            % (MAILBOX_LATENCY_MESSAGES, MAILBOX_LATENCY_INTERVAL))
        samples = []
        for index, raw in enumerate(messages):
            time.sleep(random.uniform(0, MAILBOX_LATENCY_INTERVAL))  # a random moment in the poll cycle
            address = "mailbox-%d@example.org" % index
            started = time.time()
            server.deliver(user, raw, "lat%d" % index)
            arrived = None
            wait_until = time.monotonic() + MAILBOX_LATENCY_INTERVAL * 3 + 30
            while arrived is None:
                for arrival in recorder.new_arrivals():
                    if address in arrival["rcpt"]:
                        arrived = arrival["t"]
                if arrived is None:
                    if time.monotonic() > wait_until:
                        raise RuntimeError("the receipt to %s did not arrive (see %s)" % (address, daemon_log.name))
                    time.sleep(0.002)
            samples.append(arrived - started)
        return samples
    finally:
        stop(daemon)
        daemon_log.close()
        recorder.stop()


# MARK: BENCHMARKS.md


# MARK: Web (issue 16)

# wrk's load: connections, threads and seconds per run.
WEB_CONNECTIONS = 50
WEB_THREADS = 2
WEB_SECONDS = 10
# The GET routes measured under load over the 100,000-case register: (what, path). The web app adds its pages here.
# Not `GET /api/v1/board`: it answers every open case in one document (29 MB over 100,000 cases, about 1.6 s of a
# core each), so 50 connections only queue behind each other; it needs paging before it can be measured under load.
WEB_GET_ROUTES = [
    ("`GET /api/v1/cases/{ref}` (one case and its history; each view audited)", "/api/v1/cases/PALS-2026-0001"),
    ("`GET /api/v1/cases?limit=50&offset=50000` (a page of the case list, read with LIMIT/OFFSET)",
     "/api/v1/cases?limit=50&offset=50000"),
]
# The web app's pages, fetched by a signed-in manager (session cookie) over the same register.
WEB_PAGE_ROUTES = [
    ("`GET /app/board` (the board page, HTML: all open cases worked out, overdue first, 100 rows shown)",
     "/app/board"),
    ("`GET /app/cases/{ref}` (the case page, HTML; each view audited)", "/app/cases/PALS-2026-0001"),
]


def wrk(url, token, seconds=WEB_SECONDS, script=None, cookie=None):
    """Runs wrk (Debian) with 50 connections; returns requests/s, the 50% and 99% latencies in ms, errors.
    With `cookie`, requests carry it (a web app session) instead of the bearer token."""
    credential = "Cookie: %s" % cookie if cookie else "Authorization: Bearer %s" % token
    command = ["wrk", "-t%d" % WEB_THREADS, "-c%d" % WEB_CONNECTIONS, "-d%ds" % seconds, "--timeout", "60s",
               "--latency", "-H", credential]
    if script:
        command += ["-s", script]
    output = run(command + [url], timeout=seconds + 120).stdout.decode()
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def latency(label):
        match = re.search(r"^\s*%s\s+([\d.]+)(us|ms|s)\s*$" % re.escape(label), output, re.M)
        return float(match.group(1)) * units[match.group(2)] if match else None

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {"rate": float(rate.group(1)) if rate else 0.0, "p50": latency("50%"), "p99": latency("99%"),
            "non2xx": int(errors.group(1)) if errors else 0, "output": output}


def serve(fx, folder):
    """Starts `pals serve` on a free loopback port with a write token and no practical rate limit."""
    config = os.path.join(folder, "pals.yaml")
    with open(config, encoding="utf-8") as f:
        text = f.read()
    if "\nhttp:" not in text:
        with open(config, "a", encoding="utf-8") as f:
            f.write("\nhttp:\n  rateLimit:\n    requestsPerMinute: 1000000\n")
    name = "bench-%d" % int(time.time() * 1000)
    token = run(fx.pals("token", "add", name, "--scope", "write"), env=pals_env(folder)).stdout.decode().strip()
    port = free_port()
    process = start(fx.pals("serve", "--listen", "127.0.0.1:%d" % port), env=pals_env(folder),
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, timeout=60)
    return process, "http://127.0.0.1:%d" % port, token


def web_session(fx, folder, base):
    """Adds a manager account (password from a file) and signs in once through the sign-in form, as a browser
    does: returns the session cookie (`pals_session=…`) after checking the board answers 200 with it."""
    import http.client
    import urllib.parse
    password_file = os.path.join(fx.work, "bench-manager-password")
    with open(password_file, "w", encoding="utf-8") as f:
        f.write("correct horse battery staple 42\n")
    os.chmod(password_file, 0o600)
    accounts = run(fx.pals("user", "list"), env=pals_env(folder)).stdout.decode()
    if "bench.manager" not in accounts:  # one account, signed in again by each route's server
        run(fx.pals("user", "add", "bench.manager", "--role", "manager", "--password-file", password_file),
            env=pals_env(folder))
    host = base.split("//", 1)[1]

    def cookies(response):
        return [v.split(";", 1)[0] for k, v in response.getheaders() if k.lower() == "set-cookie"]

    connection = http.client.HTTPConnection(host, timeout=60)
    connection.request("GET", "/app/sign-in")
    page = connection.getresponse()
    body = page.read().decode("utf-8")
    csrf = re.search(r'name="csrfToken" value="([^"]+)"', body)
    if page.status != 200 or not csrf:
        raise RuntimeError("GET /app/sign-in: %d, no CSRF token" % page.status)
    form = urllib.parse.urlencode({"csrfToken": csrf.group(1), "name": "bench.manager",
                                   "password": "correct horse battery staple 42"})
    connection.request("POST", "/app/sign-in", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": "; ".join(cookies(page)), "Origin": base})
    signed = connection.getresponse()
    signed.read()
    session = [c for c in cookies(signed) if c.startswith("pals_session=")]
    if not session:
        raise RuntimeError("POST /app/sign-in: %d, no session cookie" % signed.status)
    for _, path in WEB_PAGE_ROUTES:
        connection.request("GET", path, headers={"Cookie": session[0]})
        answer = connection.getresponse()
        answer.read()
        if answer.status != 200:  # wrk counts a redirect to the sign-in page as a success: check first
            raise RuntimeError("GET %s with the session: %d" % (path, answer.status))
    connection.close()
    return session[0]


def figure_web(fx, table, rounds, python):
    title = "9. The web API under load (wrk, %d connections)" % WEB_CONNECTIONS
    log(title)
    # Case creation: a new workspace, so the large register stays as the other figures know it.
    intake = fx.new_workspace("web-intake")
    process, base, token = serve(fx, intake)
    script = os.path.join(fx.work, "post-case.lua")
    with open(os.path.join(ROOT, "Examples", "complaint.json"), encoding="utf-8") as f:
        body = f.read()
    with open(script, "w", encoding="utf-8") as f:
        f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = %s\n'
                % json.dumps(body))
    created, refused = [], 0
    try:
        for round_number in range(rounds):
            log("  round %d/%d: POST /api/v1/cases" % (round_number + 1, rounds))
            result = wrk(base + "/api/v1/cases", token, script=script)
            created.append(result["rate"])
            refused += result["non2xx"]
    finally:
        stop(process)
    table.add(title, "`POST /api/v1/cases`: cases logged per second (case JSON validated, stored, audited)",
              "cases/s", "higher", created,
              note="no peer; %d s per round into a new register; %d answers were not 201" % (WEB_SECONDS, refused))

    folder, _, _ = fx.large
    routes = [(what, path, False) for what, path in WEB_GET_ROUTES]
    routes += [(what, path, True) for what, path in WEB_PAGE_ROUTES]
    for what, path, page in routes:
        # A server of its own per route, so requests still queued from one route never slow the next.
        process, base, token = serve(fx, folder)
        try:
            session = web_session(fx, folder, base) if page else None
            medians, p99s, rates = [], [], []
            for round_number in range(rounds):
                log("  round %d/%d: GET %s" % (round_number + 1, rounds, path))
                result = wrk(base + path, token, cookie=session)
                if result["non2xx"]:
                    raise RuntimeError("GET %s: %d answers were not 2xx" % (path, result["non2xx"]))
                if result["p50"] is None or not result["rate"]:
                    raise RuntimeError("GET %s: no answer completed within the run" % path)
                medians.append(result["p50"])
                p99s.append(result["p99"])
                rates.append(result["rate"])
        finally:
            stop(process)
        table.add(title, what + ", 100,000-case register: median latency", "ms", "lower", medians,
                  note="no peer; wrk's latency distribution; %s requests/s" % number(statistics.median(rates)))
        table.add(title, "… p99", "ms", "lower", p99s, note="no peer")


def write_markdown(path, table, info, notes, started_at, elapsed, rounds):
    lines = []
    add = lines.append
    add("# Benchmarks")
    add("")
    add("Written by `make bench` (`python3 Benchmarks/run.py`): do not edit by hand; run it again. "
        "See [Benchmarks/README.md](Benchmarks/README.md) for what each figure measures and how to run one alone.")
    add("")
    add("- **Date**: %s (UTC); the run took %d min %02d s" % (started_at.strftime("%Y-%m-%d %H:%M"),
                                                             elapsed // 60, elapsed % 60))
    add("- **Machine**: %s cores, %s, %s memory; Linux %s, Debian %s; load average before the run %s" % (
        info["cores"], info["cpu"], info["memory"], info["kernel"], info["debian"], info["load"]))
    add("- **Software**: %s" % "; ".join("%s: %s" % item for item in info["versions"].items()))
    add("- **Method**: %d rounds; in each round pals and its peer run one after the other. Each cell is the "
        "median of the rounds with the spread (min–max) in brackets. **Ratio > 1× means pals is ahead**: "
        "pals/peer where higher is better, peer/pals where lower is better. \"One core\" figures are pinned to "
        "CPU 0 with taskset." % rounds)
    add("")
    current = None
    for row in table.rows:
        if row["figure"] != current:
            current = row["figure"]
            add("")
            add("## %s" % current)
            add("")
            add("| what | unit | pals | peer | peer's figure | ratio | note |")
            add("|---|---|---|---|---|---|---|")
        add("| %s | %s%s | %s | %s | %s | %s | %s |" % (
            row["what"], row["unit"], " (lower is better)" if row["better"] == "lower" else "", fmt(row["pals"]),
            row["peer_name"] or "no peer", fmt(row["peer"]) if row["peer"] else "—",
            ratio(row) if row["peer"] else "—", row["note"]))
    add("")
    add("## Checks made during the run")
    add("")
    for note in table.notes + notes:
        add("- " + note)
    for failure in table.failures:
        add("- **FAILED**: " + failure)
    add("")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="comma-separated figures: " + ", ".join(FIGURES))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("PALS_BENCH_ROUNDS", "5")))
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    options = parser.parse_args()
    figures = FIGURES if not options.only else [f.strip() for f in options.only.split(",")]
    for figure in figures:
        if figure not in FIGURES:
            parser.error("unknown figure %s (choose from %s)" % (figure, ", ".join(FIGURES)))
    started_at = datetime.datetime.now(datetime.timezone.utc)
    log("pals benchmarks: %s; %d rounds" % (", ".join(figures), options.rounds))
    python, notes = setup(figures)
    binaries = build(figures)
    info = machine(python)
    log("machine: %s cores, %s, %s" % (info["cores"], info["cpu"], info["memory"]))
    work = tempfile.mkdtemp(prefix="pals-bench-")
    log("work folder: %s" % work)
    fixture = Fixture(binaries, work)
    table = Table()
    runners = {"compose": figure_compose, "smtp": figure_smtp, "deadlines": figure_deadlines,
               "latency": figure_latency, "memory": figure_memory, "durability": figure_durability,
               "idle": figure_idle, "mailbox": figure_mailbox}
    runners["web"] = figure_web
    # SMTP first writes the message file that figure 1 names; order the figures as the issue does.
    order = [f for f in ["smtp", "compose", "deadlines", "latency", "memory", "durability", "idle", "mailbox"]
             if f in figures]
    order += [f for f in figures if f not in order]  # figures added later (web) run last
    try:
        for figure in order:
            try:
                runners[figure](fixture, table, options.rounds, python)
            except Exception as error:  # one figure failing must not stop the others
                log("figure %s failed: %s" % (figure, error))
                table.failures.append("%s: %s" % (figure, str(error)[:500]))
    finally:
        _stop_children()
        if options.keep:
            log("kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    table.rows.sort(key=lambda row: row["figure"])  # stable: figures in the order, rows as added
    elapsed = int(time.monotonic() - STARTED)
    if options.only:
        target = os.path.join(work + "-BENCHMARKS.md")
        write_markdown(target, table, info, notes, started_at, elapsed, options.rounds)
        with open(target, encoding="utf-8") as f:
            print(f.read())
        os.remove(target)
        log("--only: BENCHMARKS.md left as it was")
    else:
        write_markdown(os.path.join(ROOT, "BENCHMARKS.md"), table, info, notes, started_at, elapsed, options.rounds)
        log("wrote BENCHMARKS.md")
    log("done in %d min %02d s" % (elapsed // 60, elapsed % 60))
    if table.failures:
        for failure in table.failures:
            log("FAILED: " + failure)
        sys.exit(1)


if __name__ == "__main__":
    main()

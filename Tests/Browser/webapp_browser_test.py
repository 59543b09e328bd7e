#!/usr/bin/env python3
"""The officers' web app in a real browser: Debian's chromium driven through chromium-driver by Selenium.

Run by `make test` (after `swift test`) as:
    .build/browser-venv/bin/python Tests/Browser/webapp_browser_test.py --pals PATH/TO/pals

It makes a workspace with two accounts, starts aiosmtpd (Tests/Support/smtp_server.py) and `pals serve`, then,
as an officer would: signs in, logs a case through the form (seeing the field errors of a bad one first),
previews and sends an acknowledgement that arrives at aiosmtpd, sees an email received for the case and
downloads its attachment, releases a held message, and signs out; then a manager enrolled in sign-in codes
signs in with the code on a second step.
Every page is screenshotted into --artefacts (default .build/test-artefacts/web) and checked with axe-core
(selenium-axe-python bundles it: nothing is fetched) for WCAG 2.0/2.1/2.2 A and AA violations.
Prints "N passed, N failed" and exits non-zero when a check failed.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import pathlib
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium_axe_python import Axe

ROOT = pathlib.Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class Failure(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failure(message)


def wait_for(condition, seconds=20, what="a condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise Failure(f"timed out after {seconds} s waiting for {what}")


class Harness:
    def __init__(self, pals, artefacts):
        self.pals = pals
        self.artefacts = pathlib.Path(artefacts)
        shutil.rmtree(self.artefacts, ignore_errors=True)
        self.artefacts.mkdir(parents=True, exist_ok=True)
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="pals-browser-"))
        self.workspace = self.tmp / "ws"
        self.mail = self.tmp / "mail"
        self.processes = []
        self.shots = 0
        self.passed = 0
        self.failed = 0
        self.axe_checked = 0

    # Processes

    def start_smtp(self):
        ready = self.tmp / "smtp-ready.json"
        self.mail.mkdir()
        process = subprocess.Popen(
            ["/usr/bin/python3", str(ROOT / "Tests/Support/smtp_server.py"), "--ready-file", str(ready),
             "--mail-dir", str(self.mail)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.processes.append(process)
        wait_for(ready.exists, what="aiosmtpd to start")
        self.smtp_port = json.loads(ready.read_text())["port"]

    def environment(self):
        env = dict(os.environ)
        env["PALS_SMTP_URL"] = f"smtp://127.0.0.1:{self.smtp_port}"
        env.pop("PALS_WORKSPACE", None)
        return env

    def run_pals(self, *arguments, stdin=None):
        result = subprocess.run(
            [self.pals, *arguments, "--workspace", str(self.workspace)], input=stdin, capture_output=True,
            env=self.environment(), timeout=60)
        if result.returncode != 0:
            raise Failure(f"pals {' '.join(arguments)} failed ({result.returncode}): {result.stderr.decode()}")
        return result.stdout.decode()

    def make_workspace(self):
        subprocess.run([self.pals, "init", str(self.workspace)], check=True, capture_output=True, timeout=60)
        config = self.workspace / "pals.yaml"
        text = config.read_text()
        # Two teams: alex's and sam's (an officer sees only their team's cases).
        text = text.replace("  - id: alex\n", "  - id: alex\n    team: north\n")
        text = text.replace("  - id: sam\n", "  - id: sam\n    team: south\n")
        config.write_text(text)
        password = self.tmp / "password"
        password.write_text(PASSWORD + "\n")
        os.chmod(password, 0o600)
        self.run_pals("user", "add", "alex", "--role", "officer", "--password-file", str(password))
        self.run_pals("user", "add", "morgan", "--role", "manager", "--password-file", str(password))

    def start_server(self):
        process = subprocess.Popen(
            [self.pals, "serve", "--workspace", str(self.workspace), "--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=self.environment())
        self.processes.append(process)
        line = process.stdout.readline().decode()
        expect("listening on" in line, f"pals serve did not say where it listens: {line!r}")
        self.base = line.strip().rsplit(" ", 1)[-1]

    def start_browser(self):
        options = Options()
        options.binary_location = "/usr/bin/chromium"
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1280,1000", "--no-first-run", "--disable-extensions"]:
            options.add_argument(argument)
        self.driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(30)
        self.axe = Axe(self.driver)

    def stop(self):
        try:
            self.driver.quit()
        except Exception:
            pass
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # Pages

    def go(self, path):
        self.driver.get(self.base + path)

    def text(self):
        """The page's text; empty while the browser is between pages (a wait then polls again)."""
        try:
            return self.driver.find_element(By.TAG_NAME, "body").text
        except Exception:
            return ""

    def page(self, name):
        """Screenshots the page and checks it with axe (WCAG 2.2 AA and below): no violation is allowed."""
        self.shots += 1
        self.driver.save_screenshot(str(self.artefacts / f"{self.shots:02d}-{name}.png"))
        self.axe.inject()
        results = self.axe.run(options=json.dumps({"runOnly": {"type": "tag", "values": WCAG_TAGS}, "iframes": False}))
        self.axe_checked += 1
        violations = results["violations"]
        if violations:
            (self.artefacts / f"{self.shots:02d}-{name}-axe.json").write_text(json.dumps(violations, indent=2))
            summary = "; ".join(f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in violations)
            raise Failure(f"axe found WCAG violations on {name}: {summary}")

    def fill(self, field_id, value):
        element = self.driver.find_element(By.ID, field_id)
        element.clear()
        element.send_keys(value)

    def click(self, css):
        """Clicks the element once the page that holds it has loaded (the last click may still be answering)."""
        wait_for(lambda: self.driver.find_elements(By.CSS_SELECTOR, css), what=css)[0].click()

    def session_request(self, path):
        """A GET with the browser's session cookie (for the PDF, which the browser would download)."""
        cookie = self.driver.get_cookie("pals_session")
        request = urllib.request.Request(self.base + path, headers={"Cookie": f"pals_session={cookie['value']}"})
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers, response.read()

    def delivered(self, reference):
        found = []
        for path in sorted(self.mail.glob("msg-*.json")):
            message = path.with_suffix(".eml").read_bytes().decode("utf-8", "replace")
            if reference in message:
                found.append(message)
        return found

    # The checks, in order (each depends on the ones before)

    def check(self, name, step):
        try:
            step()
            self.passed += 1
            print(f"PASS {name}", flush=True)
        except Exception as error:  # a failed check must not hide the ones after it when they can still run
            self.failed += 1
            print(f"FAIL {name}: {error}", flush=True)
            if not isinstance(error, Failure):
                traceback.print_exc()
            self.driver.save_screenshot(str(self.artefacts / f"failed-{name.replace(' ', '-')}.png"))
            raise

    def sign_in_page(self):
        self.go("/app/board")
        expect(self.driver.current_url.endswith("/app/sign-in"), "a signed-out visit to the board was not sent to sign-in")
        self.page("sign-in")

    def wrong_password(self):
        self.fill("name", "alex")
        self.fill("password", "not the password")
        self.click("form[action='/app/sign-in'] button")
        # The click only starts the post: wait for the answer's page before reading it.
        wait_for(lambda: "There is a problem" in self.text(), what="the wrong password's error summary")
        expect("not right" in self.text(), "a wrong password did not say so")
        self.page("sign-in-error")

    def sign_in(self):
        self.fill("name", "alex")
        self.fill("password", PASSWORD)
        self.click("form[action='/app/sign-in'] button")
        wait_for(lambda: self.driver.current_url.endswith("/app/board"), what="the board after signing in")
        expect("Signed in as alex" in self.text(), "the board does not say who is signed in")
        cookie = self.driver.get_cookie("pals_session")
        expect(cookie is not None, "no session cookie")
        expect(cookie["httpOnly"] and cookie["secure"] and cookie.get("sameSite") == "Strict",
               f"the session cookie lacks HttpOnly, Secure or SameSite=Strict: {cookie}")
        self.page("board")

    def bad_case(self):
        self.go("/app/cases/new")
        self.page("new-case")
        self.fill("complainant-email", "not an address")
        self.click("form[action='/app/cases/new'] button[type=submit]")
        body = wait_for(lambda: (lambda text: text if "There is a problem" in text else "")(self.text()),
                        what="the bad case's error summary")
        for message in ["first name is missing", "last name is missing", "not a valid email address",
                        "summary is missing"]:
            expect(message in body, f"the bad case's errors do not include '{message}'")
        links = self.driver.find_elements(By.CSS_SELECTOR, ".error-summary a[href='#complainant-firstName']")
        expect(links, "the error summary does not link to the first name field")
        expect(self.driver.find_elements(By.ID, "complainant-firstName-error"), "no message beside the first name")
        self.page("new-case-errors")

    def good_case(self):
        self.fill("complainant-firstName", "Eira")
        self.fill("complainant-lastName", "Example")
        self.fill("complainant-email", "eira.example@example.org")
        self.click("#complainant-preferredContact")  # by email
        self.click("#channel")  # email
        self.fill("summary", "INVENTED: a long wait in the emergency department, not explained.")
        self.fill("service", "Emergency Department")
        self.click("form[action='/app/cases/new'] button[type=submit]")
        wait_for(lambda: "was logged as" in self.text(), what="the case page after logging")
        self.reference = self.driver.find_element(By.TAG_NAME, "h1").text
        expect(self.reference.startswith("PALS-"), f"the case page's heading is not a reference: {self.reference}")
        expect("/app/cases/" + self.reference in self.driver.current_url, "the case page is not at its reference")
        self.page("case")

    def preview_acknowledgement(self):
        self.driver.find_element(By.LINK_TEXT, "Write a letter").click()
        self.page("compose")
        self.driver.find_element(By.CSS_SELECTOR, "input[value='acknowledgement']").click()
        self.click("form[method=get] button")
        self.click(f"form[action$='/letters/preview'] button")
        wait_for(lambda: "Check the letter before sending" in self.text(), what="the preview page")
        expect(self.reference in self.text(), "the preview does not show the reference in the subject")
        frame = self.driver.find_element(By.CSS_SELECTOR, "iframe.letter-preview")
        source = frame.get_attribute("src")
        self.page("preview")
        self.driver.switch_to.frame(frame)
        letter = self.text()
        self.driver.switch_to.default_content()
        expect("Eira" in letter and self.reference in letter, "the framed letter is not the case's acknowledgement")
        pdf_link = self.driver.find_element(By.PARTIAL_LINK_TEXT, "Open the PDF").get_attribute("href")
        status, headers, body = self.session_request(pdf_link.replace(self.base, ""))
        expect(status == 200 and body.startswith(b"%PDF"), "the preview's PDF is not a PDF")
        expect(source and "/app/drafts/" in source, "the preview frame is not the draft's letter")

    def send_acknowledgement(self):
        self.click("form[action$='/send'] button")
        wait_for(lambda: "put in the outbox" in self.text(), what="the case page after sending")
        self.run_pals("daemon", "--once")
        messages = wait_for(lambda: self.delivered(self.reference), what="the acknowledgement at aiosmtpd")
        expect(f"Subject: " in messages[0] and "eira.example@example.org" in messages[0],
               "the message at aiosmtpd is not the acknowledgement to the complainant")
        self.driver.refresh()
        expect(self.driver.find_elements(By.PARTIAL_LINK_TEXT, "Archived copy"),
               "the case page does not link the sent letter's archived copy")
        self.page("case-sent")

    def release_held(self):
        complaint = json.loads((ROOT / "Examples/complaint.json").read_text())
        complaint["complainant"]["email"] = "bryn.example@example.org"
        complaint.pop("patient", None)
        complaint.pop("consent", None)
        complaint.pop("received", None)
        second = self.run_pals("case", "new", "--file", "-", stdin=json.dumps(complaint).encode()).strip()
        self.run_pals("letter", "acknowledgement", second)
        items = json.loads(self.run_pals("outbox", "list", "--json", "--case", second))
        expect(items, "the second case's letter is not in the outbox")
        self.run_pals("outbox", "hold", items[0]["id"], "--reason", "checking the address with the complainant")
        self.go("/app/outbox")
        expect("On hold" in self.text(), "the outbox page does not show the held message")
        self.page("outbox-held")
        self.driver.find_element(By.XPATH, "//button[starts-with(normalize-space(.), 'Release')]").click()
        wait_for(lambda: "was released" in self.text(), what="the outbox after releasing")
        self.page("outbox-released")
        self.run_pals("daemon", "--once")
        wait_for(lambda: self.delivered(second), what="the released message at aiosmtpd")

    def receive_mail(self):
        """Files an email from the complainant with a PDF to the case as mailbox intake does: the raw message kept
        under Inbox/ (0600) and its processed row in the inbound ledger naming the case."""
        uid = 1
        pdf = b"%PDF-1.4\n% INVENTED: a letter from the ward\n"
        raw = "\r\n".join([
            "From: Eira Example <eira.example@example.org>", "To: pals@example.org",
            f"Subject: Re: Your complaint {self.reference}", "Message-ID: <browser-1@example.org>",
            "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b1"', "", "--b1",
            "Content-Type: text/plain; charset=utf-8", "", "Thank you. I enclose the ward's letter <as promised>.",
            "", "--b1", "Content-Type: application/pdf", 'Content-Disposition: attachment; filename="ward letter.pdf"',
            "Content-Transfer-Encoding: base64", "", base64.b64encode(pdf).decode(), "", "--b1--", ""]).encode()
        folder = self.workspace / "Inbox" / "7"
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.workspace / "Inbox", 0o700)
        os.chmod(folder, 0o700)
        path = folder / f"{uid}.eml"
        path.write_bytes(raw)
        os.chmod(path, 0o600)
        now = time.strftime("%Y-%m-%d %H:%M:%S.000", time.gmtime())
        outcome = json.dumps({"correspondence": {"reference": self.reference}}, separators=(",", ":"))
        with sqlite3.connect(self.workspace / "register.sqlite", timeout=30) as db:
            db.execute(
                "INSERT INTO inbound_messages (mailbox, folder, uidValidity, uid, messageId, fingerprint, arrivedAt,"
                " fetchedAt, size, rawPath, state, outcome, processedAt, settledAt)"
                " VALUES (?, 'INBOX', 7, ?, '<browser-1@example.org>', ?, ?, ?, ?, ?, 'processed', ?, ?, ?)",
                ("pals@127.0.0.1:1", uid, hashlib.sha256(raw).hexdigest(), now, now, len(raw),
                 f"Inbox/7/{uid}.eml", outcome, now, now))
        self.go("/app/cases/" + self.reference)
        wait_for(lambda: "Correspondence received" in self.text(), what="the case page with received mail")
        text = self.text()
        expect(f"Re: Your complaint {self.reference}" in text and "eira.example@example.org" in text,
               "the received email's subject or sender is not shown")
        expect("<as promised>" in text, "the received text is not shown as text")
        links = self.driver.find_elements(By.PARTIAL_LINK_TEXT, "Download ward letter.pdf")
        expect(links, "the attachment has no download link")
        href = links[0].get_attribute("href")
        expect("ward" not in href and ".pdf" not in href, f"the download address names the file: {href}")
        self.page("case-received")
        status, headers, body = self.session_request(href.replace(self.base, ""))
        expect(status == 200 and body == pdf, "the attachment did not download as sent")
        expect(headers["Content-Disposition"] == 'attachment; filename="ward letter.pdf"',
               f"the download is not an attachment with a safe name: {headers['Content-Disposition']}")
        expect(headers["X-Content-Type-Options"] == "nosniff" and headers["Content-Security-Policy"] == "sandbox",
               "the download lacks nosniff or the sandbox policy")

    def totp_code(self, secret, offset=0):
        """The RFC 6238 code (HMAC-SHA1, 6 digits, 30 s) of the base-32 `secret` now."""
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        counter = int(time.time()) // 30 + offset
        digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
        start = digest[-1] & 0x0F
        value = (struct.unpack(">I", digest[start:start + 4])[0] & 0x7FFFFFFF) % 1_000_000
        return f"{value:06d}"

    def sign_in_with_code(self):
        out = self.run_pals("user", "totp", "morgan")
        secret = next(line.split()[-1] for line in out.splitlines() if "secret:" in line)
        self.go("/app/sign-in")
        wait_for(lambda: self.driver.find_elements(By.ID, "password"), what="the sign-in page")
        self.fill("name", "morgan")
        self.fill("password", PASSWORD)
        self.click("form[action='/app/sign-in'] button")
        wait_for(lambda: self.driver.current_url.endswith("/app/sign-in/code"), what="the code step")
        self.page("sign-in-code")
        codes = {self.totp_code(secret, offset) for offset in (-1, 0, 1)}
        wrong = next(code for code in ("000000", "111111", "222222", "333333") if code not in codes)
        self.fill("code", wrong)
        self.click("form[action='/app/sign-in/code'] button")
        wait_for(lambda: "There is a problem" in self.text(), what="the wrong code's error summary")
        expect(self.driver.find_elements(By.ID, "code-error"), "no message beside the code field")
        self.page("sign-in-code-error")
        self.fill("code", self.totp_code(secret))
        self.click("form[action='/app/sign-in/code'] button")
        wait_for(lambda: self.driver.current_url.endswith("/app/board"), what="the board after the code")
        expect("Signed in as morgan" in self.text(), "the board does not say morgan is signed in")
        self.go("/app/cases/" + self.reference)
        wait_for(lambda: "Correspondence received" in self.text(), what="the case page as the manager")

    def other_pages(self):
        for path, name in [("/app/triage", "triage"), ("/app/status", "status"), ("/app/board", "board-after")]:
            self.go(path)
            self.page(name)

    def sign_out(self):
        self.click("form[action='/app/sign-out'] button")
        wait_for(lambda: self.driver.current_url.endswith("/app/sign-in"), what="the sign-in page after signing out")
        self.go("/app/board")
        expect(self.driver.current_url.endswith("/app/sign-in"), "the board is still open after signing out")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pals", required=True)
    parser.add_argument("--artefacts", default=str(ROOT / ".build/test-artefacts/web"))
    args = parser.parse_args()
    started = time.monotonic()
    harness = Harness(args.pals, args.artefacts)
    steps = [
        ("signed-out visit goes to sign-in", harness.sign_in_page),
        ("wrong password is refused with an error summary", harness.wrong_password),
        ("sign in sets a HttpOnly Secure SameSite=Strict session", harness.sign_in),
        ("a bad case shows every field error", harness.bad_case),
        ("a good case is logged through the form", harness.good_case),
        ("an acknowledgement is previewed as HTML and PDF", harness.preview_acknowledgement),
        ("the acknowledgement is sent and arrives at aiosmtpd", harness.send_acknowledgement),
        ("a held message is released and arrives", harness.release_held),
        ("received mail and its attachment show on the case page", harness.receive_mail),
        ("triage, status and the board pass axe", harness.other_pages),
        ("sign out ends the session", harness.sign_out),
        ("an enrolled manager signs in with a code on a second step", harness.sign_in_with_code),
    ]
    try:
        harness.start_smtp()
        harness.make_workspace()
        harness.start_server()
        harness.start_browser()
        for name, step in steps:
            try:
                harness.check(name, step)
            except Exception:
                break
    finally:
        harness.stop()
    skipped = len(steps) - harness.passed - harness.failed
    print(f"browser: {harness.axe_checked} pages checked with axe, screenshots in {args.artefacts}, "
          f"{time.monotonic() - started:.1f} s")
    print(f"{harness.passed} passed, {harness.failed + skipped} failed")
    return 0 if harness.failed == 0 and skipped == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

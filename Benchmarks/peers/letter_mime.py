#!/usr/bin/env python3
"""Peer of pals' merge and compose: the acknowledgement letter with Jinja2 and the `email` package.

The merge context is the one pals itself builds for the case (written by `pals-bench context`), so both
sides merge the same values. Modes:

  merge   the letter markup rendered by Jinja2 (jinja_letter.py's templates: autoescape on,
          StrictUndefined), the nearest thing to pals' merge stage
  mime    a text template (paragraphs wrapped at 72 columns by Jinja's wordwrap filter) and an HTML
          template (autoescaped) rendered, then an EmailMessage (email.policy.default) with From, To,
          Subject, Date, Message-ID and Auto-Submitted, the text part with the HTML as its alternative,
          serialised with as_bytes(); what pals does for "letter+MIME (text+HTML)"
  once    one letter as text, from interpreter start: the peer of `pals preview` (prints the text)

Usage: python3 letter_mime.py MODE CONTEXT.json [SECONDS]
Prints one JSON object: {"mode", "count", "seconds", "per_second", "bytes"} (not for `once`).
Needs Jinja2 (pip install jinja2, or Debian's python3-jinja2).
"""
import json
import os
import sys
import time
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, make_msgid

from jinja2 import DictLoader, Environment, StrictUndefined

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jinja_letter import TEMPLATES as MARKUP_TEMPLATES  # noqa: E402

TEXT = """{{ organisation.name }}
{% for line in organisation.addressLines %}{{ line }}
{% endfor %}Telephone: {{ organisation.phone }}
Email: {{ organisation.email }}
{{ organisation.web }}

{{ recipient.fullName }}
{% for line in recipient.addressLines %}{{ line }}
{% endfor %}{% if recipient.postcode is defined %}{{ recipient.postcode }}
{% endif %}
{{ letter.date }}
Our reference: {{ case.reference }}

Dear {{ recipient.salutation }},

{% macro heading(title) %}{{ title }}
{{ "-" * title|length }}
{% endmacro %}{{ heading("Your complaint") }}
{% filter wordwrap(72, break_long_words=False) %}Thank you for your complaint, which we received on {{ case.received }}. I am writing to let you know that we have received it and to explain what happens next.{% endfilter %}

{{ heading("Your named contact") }}
{% filter wordwrap(72, break_long_words=False) %}Your named contact is {{ officer.name }}. You can reach them by telephone on {{ officer.phone }} or by email at {{ officer.email }}. Please quote our reference {{ case.reference }} whenever you contact us.{% endfilter %}

{{ heading("How we will handle your complaint") }}
{% filter wordwrap(72, break_long_words=False) %}We would like to talk with you about how we will look into your complaint, how you would like us to keep you informed, and how long it is likely to take. {{ officer.name }} will contact you to arrange this, or you are welcome to get in touch first.{% endfilter %}

{% filter wordwrap(72, break_long_words=False) %}We aim to send you a full written response by {{ deadlines.respondBy }}. If we find we need longer, we will write to you to explain why and agree a new date with you.{% if deadlines.backstop is defined %} Unless we agree a longer period with you, we will respond no later than {{ deadlines.backstop }}.{% endif %}{% endfilter %}

{% if hasPatient and consent.needed %}{{ heading("Consent") }}
{% filter wordwrap(72, break_long_words=False) %}As your complaint is about the care of {{ patient.fullName }}, we need their written consent before we can share their personal information with you. {% if consent.requested %}We have enclosed a consent form: please ask {{ patient.fullName }} to sign it and return it to us.{% else %}We will send you a consent form separately.{% endif %} We will start looking into your complaint straight away, but we can only share information about their care with you once we have their consent.{% endfilter %}

{% endif %}{{ heading("Free, independent help") }}
{% filter wordwrap(72, break_long_words=False) %}You can have free, independent support with your complaint from {{ advocacy.name }}. An advocate can help you set out your concerns, come to meetings with you and explain the options open to you. You can contact them by telephone on {{ advocacy.phone }}{% if advocacy.email is defined %} or by email at {{ advocacy.email }}{% endif %}{% if advocacy.web is defined %}, or find out more at {{ advocacy.web }}{% endif %}.{% endfilter %}

Raising a concern will not affect the care you or your family receive.

Yours sincerely,

{{ signatory.name }}
{{ signatory.role }}
{{ organisation.name }}
"""

HTML = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ subject }}</title>
<style>
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; font-size: 1rem; line-height: 1.5; color: #1a1a1a; background: #ffffff; max-width: 40em; margin: 1em auto; padding: 0 1em; }
.letterhead { text-align: right; }
h2 { font-size: 1.15rem; margin: 1.5em 0 0.5em; }
</style>
</head>
<body>
<header>
<p class="letterhead"><strong>{{ organisation.name }}</strong><br>
{% for line in organisation.addressLines %}{{ line }}<br>
{% endfor %}Telephone: {{ organisation.phone }}<br>
Email: {{ organisation.email }}<br>
{{ organisation.web }}</p>
</header>
<main>
<p class="address">{{ recipient.fullName }}{% for line in recipient.addressLines %}<br>
{{ line }}{% endfor %}{% if recipient.postcode is defined %}<br>
{{ recipient.postcode }}{% endif %}</p>
<p class="date">{{ letter.date }}</p>
<p class="reference">Our reference: {{ case.reference }}</p>
<p>Dear {{ recipient.salutation }},</p>
<h2>Your complaint</h2>
<p>Thank you for your complaint, which we received on {{ case.received }}. I am writing to let you know that we have received it and to explain what happens next.</p>
<h2>Your named contact</h2>
<p>Your named contact is {{ officer.name }}. You can reach them by telephone on {{ officer.phone }} or by email at {{ officer.email }}. Please quote our reference {{ case.reference }} whenever you contact us.</p>
<h2>How we will handle your complaint</h2>
<p>We would like to talk with you about how we will look into your complaint, how you would like us to keep you informed, and how long it is likely to take. {{ officer.name }} will contact you to arrange this, or you are welcome to get in touch first.</p>
<p>We aim to send you a full written response by {{ deadlines.respondBy }}. If we find we need longer, we will write to you to explain why and agree a new date with you.{% if deadlines.backstop is defined %} Unless we agree a longer period with you, we will respond no later than {{ deadlines.backstop }}.{% endif %}</p>
{% if hasPatient and consent.needed %}<h2>Consent</h2>
<p>As your complaint is about the care of {{ patient.fullName }}, we need their written consent before we can share their personal information with you. {% if consent.requested %}We have enclosed a consent form: please ask {{ patient.fullName }} to sign it and return it to us.{% else %}We will send you a consent form separately.{% endif %} We will start looking into your complaint straight away, but we can only share information about their care with you once we have their consent.</p>
{% endif %}<h2>Free, independent help</h2>
<p>You can have free, independent support with your complaint from {{ advocacy.name }}. An advocate can help you set out your concerns, come to meetings with you and explain the options open to you. You can contact them by telephone on {{ advocacy.phone }}{% if advocacy.email is defined %} or by email at {{ advocacy.email }}{% endif %}{% if advocacy.web is defined %}, or find out more at {{ advocacy.web }}{% endif %}.</p>
<p>Raising a concern will not affect the care you or your family receive.</p>
<p class="closing">Yours sincerely,</p>
<p class="signature">{{ signatory.name }}<br>
{{ signatory.role }}<br>
{{ organisation.name }}</p>
</main>
</body>
</html>
"""


def environments():
    markup = Environment(loader=DictLoader(MARKUP_TEMPLATES), autoescape=True, undefined=StrictUndefined,
                         keep_trailing_newline=True)
    text = Environment(loader=DictLoader({"ack.txt": TEXT}), autoescape=False, undefined=StrictUndefined,
                       keep_trailing_newline=True)
    html = Environment(loader=DictLoader({"ack.html": HTML}), autoescape=True, undefined=StrictUndefined,
                       keep_trailing_newline=True)
    return markup.get_template("acknowledgement"), text.get_template("ack.txt"), html.get_template("ack.html")


def compose(text_template, html_template, data, subject, sender, recipient, now):
    text = text_template.render(data)
    html = html_template.render(data, subject=subject)
    message = EmailMessage(policy=default_policy)
    message["Date"] = format_datetime(now)
    message["From"] = Address(display_name=sender["name"], addr_spec=sender["address"])
    message["To"] = Address(display_name=recipient["name"], addr_spec=recipient["address"])
    message["Message-ID"] = make_msgid(domain=sender["address"].split("@")[1])
    message["Subject"] = subject
    message["Auto-Submitted"] = "auto-replied"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message.as_bytes()


def main():
    mode = sys.argv[1]
    with open(sys.argv[2], encoding="utf-8") as f:
        spec = json.load(f)
    data = spec["context"]
    markup, text_template, html_template = environments()
    if mode == "once":
        sys.stdout.write(text_template.render(data))
        return
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
    import datetime
    now = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.timezone.utc)
    if mode == "merge":
        def step():
            return len(markup.render(data))
    elif mode == "mime":
        def step():
            return len(compose(text_template, html_template, data, spec["subject"], spec["from"], spec["to"], now))
    else:
        raise SystemExit("unknown mode " + mode)
    size = 0
    for _ in range(3):
        size = step()
    count = 0
    start = time.perf_counter()
    end = start + seconds
    while True:
        for _ in range(10):
            size = step()
        count += 10
        if time.perf_counter() >= end:
            break
    elapsed = time.perf_counter() - start
    print(json.dumps({"mode": mode, "count": count, "seconds": elapsed, "per_second": count / elapsed, "bytes": size}))


if __name__ == "__main__":
    main()

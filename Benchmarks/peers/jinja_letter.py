#!/usr/bin/env python3
"""Peer benchmark: the English acknowledgement letter rendered with Jinja2.

Renders the same letter as Templates/en/acknowledgement.mustache (letterhead, address, body
with consent and advocacy paragraphs, signature) N times from an invented case, with
autoescaping on and StrictUndefined (the nearest Jinja2 has to pals' strict merge), and
prints letters per second. It renders the merged markup text only: no text wrapping, HTML
document or PDF, so compare it with the merge stage of pals, not with merge+render.

Usage: python3 jinja_letter.py [N]   (needs python3-jinja2 or `pip install jinja2`)
"""
import sys
import time

from jinja2 import DictLoader, Environment, StrictUndefined

TEMPLATES = {
    "letterhead": """@letterhead
{{ organisation.name }}
{% for line in organisation.addressLines %}{{ line }}
{% endfor %}Telephone: {{ organisation.phone }}
Email: {{ organisation.email }}
{{ organisation.web }}
""",
    "address": """@address
{{ recipient.fullName }}
{% for line in recipient.addressLines %}{{ line }}
{% endfor %}{% if recipient.postcode is defined %}{{ recipient.postcode }}
{% endif %}""",
    "contact": """Your named contact is {{ officer.name }}. You can reach them by telephone on {{ officer.phone }} or by email at {{ officer.email }}. Please quote our reference {{ case.reference }} whenever you contact us.
""",
    "advocacy": """# Free, independent help

You can have free, independent support with your complaint from {{ advocacy.name }}. An advocate can help you set out your concerns, come to meetings with you and explain the options open to you. You can contact them by telephone on {{ advocacy.phone }}{% if advocacy.email is defined %} or by email at {{ advocacy.email }}{% endif %}{% if advocacy.web is defined %}, or find out more at {{ advocacy.web }}{% endif %}.
""",
    "signature": """@signature
{{ signatory.name }}
{{ signatory.role }}
{{ organisation.name }}
""",
    "acknowledgement": """{% include "letterhead" %}
{% include "address" %}
@date {{ letter.date }}
@reference Our reference: {{ case.reference }}

@salutation Dear {{ recipient.salutation }},

# Your complaint

Thank you for your complaint, which we received on {{ case.received }}. I am writing to let you know that we have received it and to explain what happens next.

# Your named contact

{% include "contact" %}
# How we will handle your complaint

We would like to talk with you about how we will look into your complaint, how you would like us to keep you informed, and how long it is likely to take. {{ officer.name }} will contact you to arrange this, or you are welcome to get in touch first.

We aim to send you a full written response by {{ deadlines.respondBy }}. If we find we need longer, we will write to you to explain why and agree a new date with you.
{% if deadlines.backstop is defined %}Unless we agree a longer period with you, we will respond no later than {{ deadlines.backstop }}.
{% endif %}
{% if hasPatient %}{% if consent.requested %}# Consent

As your complaint is about the care of {{ patient.fullName }}, we need their written consent before we can share their personal information with you. We have enclosed a consent form: please ask {{ patient.fullName }} to sign it and return it to us. We will start looking into your complaint straight away, but we can only share information about their care with you once we have their consent.
{% elif consent.needed %}# Consent

As your complaint is about the care of {{ patient.fullName }}, we need their written consent before we can share their personal information with you. We will send you a consent form separately.
{% endif %}{% endif %}
{% include "advocacy" %}
Raising a concern will not affect the care you or your family receive.

@closing Yours sincerely,

{% include "signature" %}""",
}


def context():
    """An invented case (the same values as the Swift benchmark); no real person."""
    return {
        "organisation": {
            "name": "Riverside NHS Foundation Trust",
            "addressLines": ["Patient Advice and Liaison Service", "Riverside House", "1 Example Road", "Exampleton"],
            "phone": "01632 960000", "email": "pals@riverside.example", "web": "https://riverside.example/pals",
        },
        "signatory": {"name": "Alex Morgan", "role": "Complaints Manager"},
        "officer": {"name": "Sam Patel", "email": "sam.patel@riverside.example", "phone": "01632 960001"},
        "case": {"reference": "PALS-2026-0042", "received": "23 November 2026"},
        "deadlines": {"respondBy": "8 January 2027", "backstop": "24 May 2027"},
        "recipient": {
            "salutation": "Ms Jones", "fullName": "Ms Eve Jones",
            "addressLines": ["12 Sample Street", "Exampleton"], "postcode": "EX1 9ZZ",
        },
        "hasPatient": True,
        "patient": {"fullName": "Tom Jones"},
        "consent": {"needed": True, "requested": True},
        "advocacy": {"name": "Example Independent Complaints Advocacy", "phone": "0300 000 0100",
                     "web": "https://advocacy.example"},
        "letter": {"date": "25 November 2026"},
    }


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      keep_trailing_newline=True)
    template = env.get_template("acknowledgement")
    data = context()
    total = 0
    start = time.perf_counter()
    for _ in range(n):
        total += len(template.render(data))
    elapsed = time.perf_counter() - start
    print(f"jinja2 {n} letters in {elapsed:.3f} s: {n / elapsed:.0f} letters/s ({total // n} chars each)")


if __name__ == "__main__":
    main()

"""`alur notifications preview TEMPLATE`: a template rendered with sample data."""

from __future__ import annotations

import argparse
import sys

from jinja2 import TemplateError

from services.notifier.templates import Templates

SAMPLE = {
    "case_id": "0b7c6f3e-5d1a-4c2b-9e8f-1a2b3c4d5e6f",
    "event_type": "DispositionGiven",
    "event_label": "Disposisi diberikan",
    "occurred_at": "05-03-2026 09.15 WIB",
    "waiting_activity": "Kepala Bidang mendisposisikan kepada Kepala Seksi",
    "activity": "Tim melakukan analisa dan survei",
    "step": "5",
    "due_at": "10-03-2026 16.00 WIB",
    "reason": "batas waktu langkah terlampaui",
    "tracking_number": "ADU-2026-000042",
    "reporter_name": "Siti Aminah",
    "subject": "Antrean obat di Puskesmas terlalu lama",
    "confidential": False,
    "anonymous": False,
    "channel": "web",
    "recipient_name": "dr. Budi Santoso",
    "subordinate_name": "Rina Lestari",
    "tracking_link": "http://127.0.0.1:8080/lacak?nomor=ADU-2026-000042",
    "case_link": "http://127.0.0.1:8080/api/cases/0b7c6f3e-5d1a-4c2b-9e8f-1a2b3c4d5e6f",
}


def preview_template(args: argparse.Namespace) -> int:
    templates = Templates()
    names = templates.names()
    if args.template not in names:
        print(
            f"error: no template {args.template!r}; there are: {', '.join(names)}", file=sys.stderr
        )
        return 1
    try:
        rendered = templates.render(args.template, SAMPLE)
    except TemplateError as error:
        print(f"error: {args.template}: {error}", file=sys.stderr)
        return 1
    print(f"Subject: {rendered.subject}")
    print()
    print(rendered.text)
    if args.html:
        print("--- HTML ---")
        print(rendered.html)
    return 0

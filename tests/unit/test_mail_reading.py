"""What a mail is, read from its bytes (services/intake/mail/message.py): a letter with its
sender, text and files, an automatic mail that is dropped, a bounce, or an unreadable mail."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from services.intake.mail.message import Automatic, Bounce, Letter, Unreadable, read


def _mail(**headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Siti Aminah <Siti@Example.ID>")
    message["To"] = "pengaduan@dinkes.test"
    message["Subject"] = headers.pop("Subject", "Obat habis")
    message["Message-ID"] = "<m1@example.id>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("Obat hipertensi di Puskesmas habis sejak seminggu.")
    return message


def test_a_plain_mail_is_a_letter_with_its_sender_and_text() -> None:
    mail = read(_mail(In_Reply_To="<a@b>").as_bytes())
    assert isinstance(mail, Letter)
    assert (mail.sender, mail.name) == ("siti@example.id", "Siti Aminah")
    assert mail.subject == "Obat habis"
    assert mail.text == "Obat hipertensi di Puskesmas habis sejak seminggu."
    assert mail.message_id == "<m1@example.id>"
    assert mail.thread == ("<a@b>", None)
    assert mail.files == ()


def test_html_only_mail_becomes_text() -> None:
    message = _mail()
    message.set_content(
        "<html><head><style>p {color: red}</style></head><body>"
        "<p>Antrean <b>sangat</b> panjang.</p><script>x()</script>"
        "<p>Mohon ditindaklanjuti.</p></body></html>",
        subtype="html",
    )
    mail = read(message.as_bytes())
    assert isinstance(mail, Letter)
    assert "Antrean" in mail.text and "sangat" in mail.text
    assert "Mohon ditindaklanjuti." in mail.text
    assert "<p>" not in mail.text and "<b>" not in mail.text
    assert "x()" not in mail.text and "color" not in mail.text


def test_quoted_printable_indonesian_text_is_decoded() -> None:
    raw = (
        b"From: =?utf-8?q?Budi_Santoso?= <budi@example.id>\r\n"
        b"Subject: =?utf-8?q?Pelayanan_lambat_di_loket_=E2=80=94_mohon?=\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Petugas tidak ramah, saya menunggu =B12 jam. Terima kasih =\r\natas perhatiannya.\r\n"
    )
    mail = read(raw)
    assert isinstance(mail, Letter)
    assert mail.name == "Budi Santoso"
    assert mail.subject == "Pelayanan lambat di loket — mohon"
    assert mail.text == "Petugas tidak ramah, saya menunggu ±2 jam. Terima kasih atas perhatiannya."


def test_attachments_are_taken_with_their_names() -> None:
    message = _mail()
    message.add_attachment(b"\xff\xd8photo", maintype="image", subtype="jpeg", filename="a.jpg")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="s.pdf")
    mail = read(message.as_bytes())
    assert isinstance(mail, Letter)
    assert [(f.filename, f.data) for f in mail.files] == [
        ("a.jpg", b"\xff\xd8photo"),
        ("s.pdf", b"%PDF-1.4"),
    ]
    assert mail.text.startswith("Obat hipertensi")


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto_Submitted": "auto-replied"}, "auto_submitted"),
        ({"Precedence": "bulk"}, "precedence"),
        ({"Precedence": "list"}, "precedence"),
        ({"X_Loop": "pengaduan@dinkes.test"}, "x_loop"),
        ({"From": "MAILER-DAEMON@mx.example.id"}, "mailer_daemon"),
        ({"From": "postmaster@example.id"}, "mailer_daemon"),
        ({"X_Alur_Notification": "received"}, "own_notification"),
    ],
)
def test_automatic_mail_is_dropped_with_the_reason(headers: dict[str, str], reason: str) -> None:
    assert read(_mail(**headers).as_bytes()) == Automatic(reason, "<m1@example.id>")


def test_a_person_answering_no_to_auto_submitted_is_a_letter() -> None:
    assert isinstance(read(_mail(Auto_Submitted="no").as_bytes()), Letter)


def _report(part_kind: str) -> bytes:
    report = EmailMessage()
    report["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example.id>"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = "<dsn1@mx.example.id>"
    report.set_content("Your message could not be delivered.")
    report.make_mixed()
    report.replace_header("Content-Type", 'multipart/report; report-type="delivery-status"')
    report.attach(_delivery_status())
    original = "Message-ID: <alur.sent@dinkes.test>\r\nReferences: <alur.first@dinkes.test>\r\n"
    if part_kind == "rfc822":
        inner = EmailMessage()
        inner["Message-ID"] = "<alur.sent@dinkes.test>"
        inner["References"] = "<alur.first@dinkes.test>"
        inner.set_content("Pengaduan Anda diterima.")
        wrapper = EmailMessage()
        wrapper.set_content(inner)
        report.attach(wrapper)
    else:
        headers = EmailMessage()
        headers.set_content(original, subtype="rfc822-headers")
        report.attach(headers)
    return report.as_bytes()


def _delivery_status() -> EmailMessage:
    return message_from_bytes(
        b"Content-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example.id\r\n\r\n"
        b"Final-Recipient: rfc822; siti@example.id\r\nAction: failed\r\nStatus: 5.1.1\r\n",
        policy=policy.default,
    )  # type: ignore[return-value]


@pytest.mark.parametrize("part_kind", ["rfc822", "headers"])
def test_a_delivery_report_is_a_bounce_naming_the_bounced_message(part_kind: str) -> None:
    mail = read(_report(part_kind))
    assert mail == Bounce(
        "<dsn1@mx.example.id>", ("<alur.sent@dinkes.test>", "<alur.first@dinkes.test>"), "5.1.1"
    )


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "no_headers"),
        (b"Subject: tanpa pengirim\r\n\r\nIsi surel yang cukup panjang.\r\n", "no_sender"),
        (b"From: bukan alamat\r\nSubject: x\r\n\r\nIsi surel.\r\n", "no_sender"),
        (b"\x00\x01\x02 garbage without any header\r\n", "no_headers"),
    ],
)
def test_a_mail_without_headers_or_a_usable_sender_is_unreadable(raw: bytes, reason: str) -> None:
    assert read(raw) == Unreadable(reason)

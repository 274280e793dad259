"""The notifier's pure parts: retry delays, webhook signatures, the rules file, disclosure
and the templates."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from runtime.mail_thread import MailThread
from runtime.signatures import signature
from services.notifier.backoff import Backoff
from services.notifier.complaints import Complaint
from services.notifier.disclosure import HIDDEN, Disclosure
from services.notifier.email_sender import build_message, data_content
from services.notifier.notification_log import Claimed, notification_id
from services.notifier.preview import SAMPLE
from services.notifier.rules import InvalidRules, load_rules
from services.notifier.settings import RULES
from services.notifier.templates import Templates

COMPLAINT = Complaint(
    case_id=uuid.uuid4(),
    tracking_number="ADU-2026-000007",
    anonymous=False,
    confidential=False,
    subject="Antrean obat terlalu lama",
    reporter_name="Siti Aminah",
    reporter_email="siti@example.id",
    reporter_phone="+6281234567890",
)


# -- backoff ---------------------------------------------------------------------------------


def test_backoff_ceilings_double_up_to_the_cap_and_stop_after_the_last_attempt() -> None:
    ceilings: list[float] = []

    def highest(low: float, high: float) -> float:
        ceilings.append(high)
        return high

    backoff = Backoff(base_seconds=1, cap_seconds=5, max_attempts=5, uniform=highest)
    assert [backoff.delay(n) for n in range(1, 5)] == [1, 2, 4, 5]
    assert backoff.delay(5) is None


def test_backoff_draws_a_full_jitter_between_zero_and_the_ceiling() -> None:
    backoff = Backoff(base_seconds=2, cap_seconds=60, max_attempts=10)
    delays = [backoff.delay(4) for _ in range(200)]
    assert all(d is not None and 0 <= d <= 16 for d in delays)
    assert len(set(delays)) > 1


# -- webhook signature -----------------------------------------------------------------------


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    body = b'{"text": "halo"}'
    expected = hmac.new(b"rahasia", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature("rahasia", "1700000000", body) == f"sha256={expected}"
    assert signature("rahasia", "1700000001", body) != signature("rahasia", "1700000000", body)
    assert signature("lain", "1700000000", body) != signature("rahasia", "1700000000", body)


# -- rules -----------------------------------------------------------------------------------


def test_the_shipped_rules_cover_every_required_notification() -> None:
    rules = load_rules(RULES, Templates().names())
    audiences = {(t, r.audience) for r in rules.rules for t in r.events}
    for required in [
        ("ComplaintReceived", "reporter"),
        ("DraftReturnedForCorrection", "reporter"),
        ("ResponseDelivered", "reporter"),
        ("DispositionGiven", "assignee"),
        ("FieldOfficerAssigned", "assignee"),
        ("ComplaintRegistered", "step_officers"),
        ("SlaWarningRaised", "assignee"),
        ("SlaBreached", "superior"),
        ("EscalationRaised", "superior"),
    ]:
        assert required in audiences, required


def _one_rule(tmp_path: Path, **fields: str) -> Path:
    """A rules file of one email rule: tanda_terima to the reporter on ComplaintReceived, but
    for `fields`."""
    rule = {"id": "r", "events": "[ComplaintReceived]", "audience": "reporter"}
    rule |= {"channels": "[email]", "template": "tanda_terima"} | fields
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - {" + ", ".join(f"{k}: {v}" for k, v in rule.items()) + "}\n")
    return path


def test_a_rule_naming_an_unknown_event_type_is_refused_with_its_name(tmp_path: Path) -> None:
    path = _one_rule(tmp_path, id="typo", events="[ComplaintRecieved]")
    with pytest.raises(InvalidRules, match=r"'typo'.*ComplaintRecieved"):
        load_rules(path, Templates().names())


def test_a_rule_naming_an_unknown_template_or_audience_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidRules, match="tidak_ada"):
        load_rules(_one_rule(tmp_path, template="tidak_ada"), Templates().names())
    with pytest.raises(InvalidRules, match="audience"):
        load_rules(_one_rule(tmp_path, audience="public"), Templates().names())


# -- disclosure ------------------------------------------------------------------------------


def test_officers_see_the_reporters_name_by_email_but_a_gateway_never_does() -> None:
    assert Disclosure.about(COMPLAINT, "assignee", "email").reporter_name == "Siti Aminah"
    assert Disclosure.about(COMPLAINT, "assignee", "webhook").reporter_name is None
    assert Disclosure.about(COMPLAINT, "reporter", "webhook").reporter_name is None
    assert Disclosure.about(COMPLAINT, "reporter", "email").reporter_name == "Siti Aminah"


def test_an_anonymous_reporters_identity_reaches_no_one() -> None:
    anonymous = COMPLAINT.__class__(**{**COMPLAINT.__dict__, "anonymous": True})
    for audience in ("reporter", "assignee", "step_officers", "superior"):
        for channel in ("email", "webhook"):
            assert Disclosure.about(anonymous, audience, channel).reporter_name is None


def test_a_confidential_subject_reaches_only_the_reporter_by_email() -> None:
    confidential = COMPLAINT.__class__(**{**COMPLAINT.__dict__, "confidential": True})
    assert Disclosure.about(confidential, "reporter", "email").subject == COMPLAINT.subject
    for audience, channel in [
        ("reporter", "webhook"),
        ("assignee", "email"),
        ("step_officers", "email"),
        ("superior", "webhook"),
    ]:
        assert Disclosure.about(confidential, audience, channel).subject == HIDDEN


def test_a_reporter_is_reached_only_at_a_contact_they_left() -> None:
    no_phone = COMPLAINT.__class__(**{**COMPLAINT.__dict__, "reporter_phone": None})
    assert Disclosure.reporter_address(no_phone, "email") == "siti@example.id"
    assert Disclosure.reporter_address(no_phone, "webhook") is None
    assert Disclosure.reporter_address(None, "email") is None


# -- templates and messages ------------------------------------------------------------------


@pytest.mark.parametrize("name", Templates().names())
def test_every_template_renders_a_subject_text_and_html(name: str) -> None:
    rendered = Templates().render(name, SAMPLE)
    assert rendered.subject and "\n" not in rendered.subject
    assert rendered.text.strip()
    assert rendered.html.startswith("<!doctype html>")


def test_html_parts_escape_what_they_show() -> None:
    rendered = Templates().render("tanda_terima", {**SAMPLE, "subject": "<script>x</script>"})
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<script>x</script>" in rendered.text


def test_an_email_has_a_message_id_from_its_notification_and_two_parts() -> None:
    event_id = uuid.uuid4()
    nid = notification_id(event_id, "receipt_to_reporter", "Siti@Example.id", "email")
    assert nid == notification_id(event_id, "receipt_to_reporter", "siti@example.id", "email")
    claimed = Claimed(
        notification_id=nid,
        case_id=uuid.uuid4(),
        event_id=event_id,
        event_type="ComplaintReceived",
        rule="receipt_to_reporter",
        channel="email",
        recipient="siti@example.id",
        recipient_name="Siti Aminah",
        subject="Pengaduan diterima",
        body_text="Baris satu\n.titik di awal\n",
        body_html="<p>Halo</p>",
        attempt=1,
        created_at=datetime(2026, 3, 5, 2, 15, tzinfo=UTC),
    )
    thread = MailThread(b"k" * 32)
    sender = "Dinkes <pengaduan@dinkes.example.id>"
    message = build_message(claimed, sender, thread, "Pengaduan <masuk@dinkes.example.id>")
    assert message["Message-ID"] == thread.message_id(claimed.case_id, nid, "dinkes.example.id")
    assert thread.case_in([message["Message-ID"]]) == claimed.case_id
    assert MailThread(b"x" * 32).case_in([message["Message-ID"]]) is None  # another office's key
    assert message["Reply-To"] == "Pengaduan <masuk@dinkes.example.id>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Alur-Notification"] == str(nid)
    assert "Reply-To" not in build_message(claimed, sender, thread)
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    content = data_content(message)
    assert content.endswith(b"\r\n") and b"\r\n..titik di awal\r\n" in content
    assert data_content(message) == content  # the same bytes on every retry

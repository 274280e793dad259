"""A realistic office at a steady rate: new complaints through every channel the API accepts,
letters and visits and services opened by officers, and officers working every open case
through whatever its SOP allows next (drafts sent back, clocks stopped and started again,
surveys), each by an officer holding the role (or the one the step was given to).

Every write goes through the public API and into the ledger. An action that got no answer is
sent again with the same Idempotency-Key, so it is done once whatever happened to the answer.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any, get_args

from events.complaint import Channel
from soak.client import Answer, Api
from soak.ledger import Ledger
from soak.staff import UNITS, Member, Staff

CHANNELS: tuple[str, ...] = get_args(Channel)  # every channel value the API accepts
CATEGORIES = [*(c for c in UNITS.values() if c), "obat dan alat kesehatan", None]
NAMES = ["Siti Aminah", "Budi Santoso", "Rahmawati", "Joko Widodo", "Ani Lestari", "Made Wirawan"]
SENT_BACK = ("tidak", "keluhan")  # the answers that send a case back a step (or to a complaint)
CLOCK_NOTE = "menunggu kelengkapan berkas dari pelapor"
# Which kind of case opens next, and how often.
OPENINGS = {"public": 40, "muba_letter": 10, "jambi_letter": 15, "visit": 20, "service": 15}


@dataclass
class Case:
    case_id: str
    sop: str
    tracking: tuple[str, str] | None = None  # (number, PIN) of a complaint
    channel: str | None = None
    busy: bool = False
    stuck: int = 0  # views in a row with nothing this office could do
    suspended: bool = False
    replied: bool = False


class Office:
    def __init__(
        self, api: Api, staff: Staff, ledger: Ledger, rng: random.Random, sops: dict[str, str]
    ) -> None:
        self.api = api
        self.staff = staff
        self.ledger = ledger
        self.rng = rng
        self.sops = sops  # "muba", "jambi", "visit", "service" → SOP id
        self.open: dict[str, Case] = {}
        self.closed = 0
        self.surveys = 0
        self.returned = 0  # drafts sent back (and services complained about)
        self.errors: list[str] = []  # the soak's own failures (a bug in the soak)
        self.channels: Counter[str] = Counter()  # complaints accepted, by channel
        self.actions: Counter[str] = Counter()  # actions accepted, by action

    async def desk(self, seconds_per_step: float, until: float) -> None:
        """One desk: a step of work every `seconds_per_step`, until `until` (monotonic)."""
        while time.monotonic() < until:
            begun = time.monotonic()
            try:
                await self.step()
            except Exception as error:  # noqa: BLE001 - the soak's own trouble: reported
                self.errors.append(repr(error))
            await asyncio.sleep(max(0.0, seconds_per_step - (time.monotonic() - begun)))

    async def step(self) -> None:
        idle = [c for c in self.open.values() if not c.busy]
        if len(idle) < 12 or self.rng.random() < 0.12:
            await self.open_case()
            return
        case = self.rng.choice(idle)
        case.busy = True
        try:
            await self.work(case)
        finally:
            case.busy = False

    # -- new cases -----------------------------------------------------------------------------

    async def open_case(self) -> None:
        kind = self.rng.choices(list(OPENINGS), weights=list(OPENINGS.values()))[0]
        if kind == "public":
            await self._public_complaint()
        elif kind in ("muba_letter", "jambi_letter"):
            sop, role = (
                (self.sops["muba"], "petugas_pengaduan")
                if kind == "muba_letter"
                else (self.sops["jambi"], "bagian_tata_usaha")
            )
            complaint = self.complaint(channel=self.rng.choice(["post", "box"]))
            await self._by_officer(role, sop, complaint, complaint["channel"])
        elif kind == "visit":
            await self._by_officer("satpam", self.sops["visit"], {"tujuan": "Seksi Farmasi"})
        else:
            await self._by_officer("kepala_kantor", self.sops["service"], {})

    def complaint(self, channel: str | None = None) -> dict[str, Any]:
        rng = self.rng
        name = rng.choice(NAMES)
        slug = name.split()[0].lower()
        reporter: dict[str, Any] = {"name": name}
        contact = rng.random()
        if contact < 0.7:
            reporter["email"] = f"{slug}.{uuid.uuid4().hex[:6]}@warga.soak"
        if contact > 0.4:
            reporter["phone"] = f"+62 813 {rng.randrange(10_000):04d} {rng.randrange(10_000):04d}"
        anonymous = rng.random() < 0.1
        if anonymous:
            reporter.pop("name")
        body: dict[str, Any] = {
            "channel": channel or rng.choice(CHANNELS),
            "reporter": reporter,
            "subject": rng.choice(["Antrean obat lama", "Petugas tidak ramah", "Vaksin habis"]),
            "description": "Uraian pengaduan dari simulasi kantor: " + uuid.uuid4().hex,
            "anonymous": anonymous,
            "confidential": rng.random() < 0.1,
        }
        category = rng.choice(CATEGORIES)
        if category:
            body["category"] = category
        return body

    async def _public_complaint(self) -> None:
        complaint = self.complaint()
        request_id = f"soak:{uuid.uuid4()}"
        answer = await self.api.complain(complaint, request_id)
        case_id = answer.body.get("case_id") if answer.accepted else None
        self.ledger.record("complaint", answer, case_id=case_id, request_id=request_id)
        if case_id:
            tracking = (answer.body["tracking_number"], answer.body["pin"])
            self.open[case_id] = Case(case_id, self.sops["muba"], tracking, complaint["channel"])
            self.channels[complaint["channel"]] += 1

    async def _by_officer(
        self, role: str, sop: str, data: dict[str, Any], channel: str | None = None
    ) -> None:
        member = self.staff.pick(role, self.rng)
        assert member is not None, role
        request_id = f"soak:{uuid.uuid4()}"
        answer = await self.api.open_case(member.token, sop, data, request_id)
        case_id = answer.body.get("case_id") if answer.accepted else None
        self.ledger.record("case", answer, case_id=case_id, request_id=request_id)
        if case_id:
            tracking = None
            if "tracking_number" in answer.body:
                tracking = (answer.body["tracking_number"], answer.body["pin"])
                self.channels[channel or "?"] += 1
            self.open[case_id] = Case(case_id, sop, tracking, channel)

    # -- working a case ------------------------------------------------------------------------

    async def work(self, case: Case) -> None:
        view = await self.api.case(self.staff.reader().token, case.case_id)
        if view.status != 200:
            return  # the web or PostgreSQL is away: another time
        if view.body["status"] == "closed":
            await self._closed(case)
            return
        allowed = view.body["allowed_actions"]
        choice = self._choose(case, allowed)
        if choice is None:
            case.stuck += 1
            if case.stuck > 20:  # waits for something the office does not do (a public step)
                del self.open[case.case_id]
            return
        case.stuck = 0
        action, member = choice
        body = self._body(case, action, view.body)
        answer = await self._act(member, case, body)
        if answer.accepted:
            self.actions[action["action"]] += 1
            self.returned += body.get("decision") in SENT_BACK
            if action["action"] == "suspend_clock":
                case.suspended = True
            elif action["action"] == "resume_clock":
                case.suspended = False
            if answer.body.get("status") == "closed":
                await self._closed(case)
        lapor = case.channel == "lapor" and case.tracking is not None
        if lapor and not case.replied and self.rng.random() < 0.15:
            await self._reply(case)

    def _choose(
        self, case: Case, allowed: list[dict[str, Any]]
    ) -> tuple[dict[str, Any], Member] | None:
        rng = self.rng
        steps = [a for a in allowed if a["action"] not in ("suspend_clock", "resume_clock")]
        clock = {a["action"]: a for a in allowed if a not in steps}
        if "resume_clock" in clock and rng.random() < 0.6:
            candidates = [clock["resume_clock"]]
        elif "suspend_clock" in clock and not case.suspended and rng.random() < 0.08:
            candidates = [clock["suspend_clock"]]
        else:
            candidates = steps
        rng.shuffle(candidates)
        for action in candidates:
            if action.get("assignee"):
                member = self.staff.members.get(action["assignee"])
            else:
                member = self.staff.pick(action["role"], rng)
            if member is not None:
                return action, member
        return None

    def _body(self, case: Case, action: dict[str, Any], view: dict[str, Any]) -> dict[str, Any]:
        rng = self.rng
        body: dict[str, Any] = {"action": action["action"]}
        if action.get("documents_required"):
            body["documents"] = action["documents_required"]
        options = action.get("decision_options")
        if options:
            # Drafts are sent back now and then; the engine refuses a fourth return (409).
            sent_back = [o for o in options if o in SENT_BACK]
            agreed = [o for o in options if o not in sent_back] or options
            returning = sent_back and rng.random() < 0.3
            body["decision"] = sent_back[0] if returning else rng.choice(agreed)
        if action["action"] == "suspend_clock":
            body["note"] = CLOCK_NOTE
        if action["action"] == "register_guest_book":
            body["data"] = {
                "nama": rng.choice(NAMES),
                "instansi": "Apotek Sehat",
                "keperluan": "Izin apotek",
                "telepon": "0812 1111 2222",
            }
        if action["action"] == "submit_survey" and rng.random() < 0.6:
            body["data"] = {"skm": self._answers(), "saran": "Pelayanan sudah baik"}
        return body

    async def _act(self, member: Member, case: Case, body: dict[str, Any]) -> Answer:
        """The action, sent again with the same key while no answer comes (up to 3 times)."""
        key = f"soak:{uuid.uuid4()}"
        for attempt in range(4):
            answer = await self.api.act(member.token, case.case_id, body, key)
            if answer.status != 0 and answer.status < 500:
                break
            await asyncio.sleep(0.5 * (attempt + 1))
        events = tuple(e["event_id"] for e in answer.body["events"]) if answer.accepted else ()
        self.ledger.record("action", answer, case_id=case.case_id, request_id=key, event_ids=events)
        return answer

    async def _closed(self, case: Case) -> None:
        self.open.pop(case.case_id, None)
        self.closed += 1
        if case.tracking is None or self.rng.random() < 0.4:
            return
        view = await self.api.track(*case.tracking)
        url = view.body.get("survey_url") if view.status == 200 else None
        if not url:
            return
        answer = await self.api.survey(url, {"skm": self._answers(), "saran": "Terima kasih"})
        events = (answer.body["event_id"],) if answer.accepted else ()
        self.ledger.record("survey", answer, case_id=case.case_id, event_ids=events)
        self.surveys += answer.accepted

    async def _reply(self, case: Case) -> None:
        assert case.tracking is not None
        answer = await self.api.reply(*case.tracking, "Berkas tambahan sudah saya kirim.")
        events = (answer.body["event_id"],) if answer.accepted else ()
        self.ledger.record("reply", answer, case_id=case.case_id, event_ids=events)
        case.replied = answer.accepted

    def _answers(self) -> dict[str, int]:
        return {f"u{i}": self.rng.randint(1, 4) for i in range(1, 10)}

"""Who a late step is escalated to (services/sla/escalation.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from office import load_office
from office.org_chart import OrgChart
from services.sla.escalation import LateStep, escalation_target
from sop.actions import Officer

MUBA = "pengaduan-masyarakat-dinkes-muba"
PRIMA = "pelayanan-prima-bkk-palembang"
DAY = date(2026, 3, 27)
CHART = load_office().org_chart


class Directory:
    def __init__(self, *officers: Officer) -> None:
        self._officers = {o.id: o for o in officers}

    async def by_ids(self, ids: Sequence[str]) -> dict[str, Officer]:
        return {i: self._officers[i] for i in ids if i in self._officers}

    async def holding(self, role: str) -> list[Officer]:
        return [o for o in self._officers.values() if role in o.roles]


def _officer(officer_id: str, *roles: str, superior: str | None = None) -> Officer:
    return Officer(officer_id, officer_id.title(), frozenset(roles), superior=superior)


KADIS = _officer("kadis", "kepala_dinas")
KABID = _officer("kabid", "tim_pengelola_pengaduan", superior="kadis")
ANGGOTA = _officer("anggota", "tim_pengelola_pengaduan", superior="kabid")
LAIN = _officer("lain", "tim_pengelola_pengaduan")
STEP_5 = LateStep(MUBA, "5", ["tim_pengelola_pengaduan"], assignee="anggota")


async def test_a_late_step_goes_to_the_direct_superior_of_its_assignee() -> None:
    target = await escalation_target(STEP_5, Directory(KADIS, KABID, ANGGOTA, LAIN), CHART, DAY)

    assert target is not None
    assert target.officer_id == "kabid"
    assert "atasan langsung Anggota" in target.reason


async def test_without_an_assignee_the_only_holder_of_the_role_is_responsible() -> None:
    unassigned = LateStep(MUBA, "5", ["tim_pengelola_pengaduan"], assignee=None)

    target = await escalation_target(unassigned, Directory(KADIS, ANGGOTA), CHART, DAY)

    assert target is not None and target.officer_id == "kabid"


async def test_several_holders_and_no_assignee_fall_back_to_the_org_charts_superior_role() -> None:
    unassigned = LateStep(MUBA, "5", ["tim_pengelola_pengaduan"], assignee=None)

    target = await escalation_target(unassigned, Directory(KADIS, ANGGOTA, LAIN), CHART, DAY)

    assert target is not None
    assert target.officer_id == "kadis"  # tim_pengelola_pengaduan -> kepala_dinas


async def test_pelayanan_prima_follow_up_goes_to_the_head_of_office_not_the_own_superior() -> None:
    kepala = _officer("kepala-kkp", "kepala_kantor")
    pengawas = _officer("pengawas", "petugas_layanan")
    ketua = _officer("ketua", "ka_tim_kerja", superior="pengawas")
    late = LateStep(PRIMA, "7", ["ka_tim_kerja"], assignee=None)

    target = await escalation_target(late, Directory(kepala, pengawas, ketua), CHART, DAY)

    assert target is not None and target.officer_id == "kepala-kkp"


async def test_an_acting_official_stands_in_for_an_absent_superior() -> None:
    chart = CHART.model_copy(
        update={
            "acting": OrgChart.model_validate(
                {
                    "acting": [
                        {
                            "official": "kabid",
                            "acting": "lain",
                            "first_day": "2026-03-26",
                            "last_day": "2026-03-31",
                        }
                    ]
                }
            ).acting
        }
    )

    target = await escalation_target(STEP_5, Directory(KADIS, KABID, ANGGOTA, LAIN), chart, DAY)
    after = await escalation_target(
        STEP_5, Directory(KADIS, KABID, ANGGOTA, LAIN), chart, date(2026, 4, 1)
    )

    assert target is not None and (target.officer_id, target.stands_in_for) == ("lain", "kabid")
    assert "Plt" in target.reason
    assert after is not None and after.officer_id == "kabid"


async def test_nobody_to_escalate_to_is_none() -> None:
    top = LateStep(MUBA, "6", ["kepala_dinas"], assignee=None)

    assert await escalation_target(top, Directory(KADIS), CHART, DAY) is None

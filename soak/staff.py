"""The office's officers: every role of every loaded SOP, the units the routing rules name, the
superiors escalations go to, and an email address (some also a phone) so that notifications
reach the soak's SMTP sink and webhook gateway. Each is created with `alur users add`.
"""

from __future__ import annotations

import asyncio
import random
import zlib
from dataclasses import dataclass, field

from officers.directory import officer_id
from soak.client import officer

# The units the shipped office's routing rules send categories to (office/dinkes-muba.yaml),
# and the category that leads to each (None: the default unit).
UNITS = {
    "Bidang Pelayanan Kesehatan": "pelayanan kesehatan",
    "Bidang Pencegahan dan Pengendalian Penyakit": "imunisasi",
    "Sekretariat": None,
}
# The roles the routing chains give steps to, one officer per unit each (with their superior's
# role in the unit, if any).
UNIT_ROLES = (
    ("tim_pengelola_pengaduan", None),
    ("kepala_bidang", None),
    ("kepala_seksi", "kepala_bidang"),
    ("petugas_teknis", "kepala_seksi"),
)
# Officers without a unit: (name, roles, the name of their superior).
DESK = (
    ("Kadis Azmi", ["kepala_dinas"], None),
    ("Kepala OPD Rahmat", ["kepala_opd"], None),
    ("Kepala Kantor Wulan", ["kepala_kantor"], None),
    ("Petugas Siti", ["petugas_pengaduan"], None),
    ("Petugas Andi", ["petugas_pengaduan"], None),
    ("TU Bambang", ["bagian_tata_usaha"], None),
    ("Satpam Joko", ["satpam"], None),
    ("Resepsionis Dewi", ["resepsionis"], None),
    ("Ketua Tim Rina", ["ka_tim_kerja"], "Kepala Kantor Wulan"),
    ("Layanan Budi", ["petugas_layanan"], "Ketua Tim Rina"),
    ("Layanan Tari", ["petugas_layanan"], "Ketua Tim Rina"),
    ("Auditor Sari", ["auditor"], None),
    ("Admin Soak", ["administrator"], None),
)


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    token: str
    roles: tuple[str, ...]
    unit: str | None


@dataclass
class Staff:
    members: dict[str, Member] = field(default_factory=dict)  # officer id → member

    def holding(self, role: str) -> list[Member]:
        return [m for m in self.members.values() if role in m.roles]

    def pick(self, role: str, rng: random.Random) -> Member | None:
        found = self.holding(role)
        return rng.choice(found) if found else None

    def reader(self) -> Member:
        """The auditor: reads every case (an officer reads only the cases in their scope)."""
        return self.members[officer_id("Auditor Sari")]


async def hire(database_url: str) -> Staff:
    """Create every officer (superiors first); returns them with their tokens."""
    staff = Staff()

    async def add(name: str, roles: list[str], unit: str | None, superior: str | None) -> None:
        ident = officer_id(name)
        phone = f"+62 812 {zlib.crc32(ident.encode()) % 10_000:04d} {len(staff.members):04d}"
        token = await officer(
            database_url,
            name,
            roles,
            unit=unit,
            superior=superior,
            email=f"{ident}@dinkes.soak",
            phone=phone if len(staff.members) % 2 == 0 else None,
        )
        staff.members[ident] = Member(ident, name, token, tuple(roles), unit)

    waiting = list(DESK)
    while waiting:  # each officer after their superior
        ready = [d for d in waiting if d[2] is None or officer_id(d[2]) in staff.members]
        await asyncio.gather(*(add(n, r, None, s) for n, r, s in ready))
        waiting = [d for d in waiting if d not in ready]
    for role, above in UNIT_ROLES:  # each level after its superiors
        await asyncio.gather(
            *(
                add(
                    f"{role.replace('_', ' ').title()} {short}",
                    [role],
                    unit,
                    f"{above.replace('_', ' ').title()} {short}" if above else None,
                )
                for unit, short in ((u, _short(u)) for u in UNITS)
            )
        )
    return staff


def _short(unit: str) -> str:
    return "".join(word[0] for word in unit.split() if word[0].isupper())

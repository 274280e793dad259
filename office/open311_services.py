"""The office's complaint categories as Open311 GeoReport v2 services (README "Open311").

A category is one the office names in its routing rules (`routing.categories`) or its time
tiers (`sla.time_tiers[].categories`); its service code is the category with every run of other
characters than a-z and 0-9 made one `-` ("pelayanan puskesmas" → `pelayanan-puskesmas`). One
more service, `lainnya`, takes a complaint without a category the office names. A service's
group is the unit that handles it; its description says the follow-up time of its tier.

Every service has the same attributes (what a complaint has beyond the spec's fields): a
subject (`perihal`), and whether the reporter stays anonymous (`anonim`) or the complaint is
confidential (`rahasia`), `ya` or `tidak`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from office.config import OfficeConfig

OTHER = "lainnya"
YES_NO = [{"key": "ya", "name": "Ya"}, {"key": "tidak", "name": "Tidak"}]
ATTRIBUTES: list[dict[str, Any]] = [
    {
        "variable": True,
        "code": "perihal",
        "datatype": "string",
        "required": False,
        "datatype_description": "3–200 karakter",
        "order": 1,
        "description": "Perihal pengaduan (bila kosong: nama layanan)",
    },
    {
        "variable": True,
        "code": "anonim",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": None,
        "order": 2,
        "description": "Pelapor tidak ingin namanya dicatat",
        "values": YES_NO,
    },
    {
        "variable": True,
        "code": "rahasia",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": None,
        "order": 3,
        "description": "Pengaduan dirahasiakan (tidak tampil di daftar publik)",
        "values": YES_NO,
    },
]


@dataclass(frozen=True)
class Open311Service:
    code: str
    name: str
    category: str | None  # the complaint's category; None for `lainnya`
    group: str | None  # the unit that handles it
    description: str

    def listed(self) -> dict[str, Any]:
        """The service as `services.json` lists it."""
        return {
            "service_code": self.code,
            "service_name": self.name,
            "description": self.description,
            "metadata": True,
            "type": "realtime",
            "keywords": self.category or OTHER,
            "group": self.group,
        }

    def definition(self) -> dict[str, Any]:
        """`services/{code}.json`: the service's attributes."""
        return {"service_code": self.code, "attributes": ATTRIBUTES}


def service_code(category: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", category.casefold()).strip("-") or OTHER


def open311_services(office: OfficeConfig) -> list[Open311Service]:
    """The office's services, by code."""
    categories = set(office.routing.categories)
    for entry in office.sla.time_tiers:
        categories |= set(entry.categories)
    services: dict[str, Open311Service] = {}
    for category in sorted(categories):
        code = service_code(category)
        if code == OTHER or code in services:
            continue
        rule = office.routing.categories.get(category) or office.routing.default
        services[code] = Open311Service(
            code,
            category[:1].upper() + category[1:],
            category,
            rule.unit if rule else None,
            _description(office, category),
        )
    default = office.routing.default
    services[OTHER] = Open311Service(
        OTHER,
        "Lainnya",
        None,
        default.unit if default else None,
        "Pengaduan lain tentang pelayanan " + office.name,
    )
    return list(services.values())


def service_of(office: OfficeConfig, category: str | None) -> Open311Service:
    """The service a complaint of `category` is listed under (`lainnya` when none names it)."""
    services = open311_services(office)
    code = service_code(category) if category else OTHER
    return next((s for s in services if s.code == code), services[-1])


def _description(office: OfficeConfig, category: str) -> str:
    text = f"Pengaduan tentang {category}"
    for entry in office.sla.time_tiers:
        tier = entry.tier(category)
        if tier:
            text += f"; waktu tindak lanjut {entry.tiers[tier]} (tingkat {tier})"
            break
    return text

"""The office the routing tests run under (tests/test_routing.py through the workers,
tests/service/test_routing_service.py in memory): a unit per complaint category, one unit
least loaded, one with configured assignees, one without officers, and dr. Hadi Rujukan's
acting official (Plt) on the days given."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.support.seed_cases import MUBA_COMPLAINTS


def routing_office(acting_from: date, acting_until: date) -> dict[str, Any]:
    """The office configuration (as its YAML reads); the Plt acts from/until these days."""
    return {
        "name": "Dinas Kesehatan Uji Routing",
        "time_zone": "Asia/Jakarta",
        "complaint_sop": MUBA_COMPLAINTS,
        "routing": {
            "strategy": "round_robin",
            "unit_strategies": {"Seksi Gizi": "least_loaded"},
            "categories": {
                "Imunisasi": {"unit": "Seksi Imunisasi"},
                "kesehatan lingkungan": {"unit": "Seksi Kesling"},
                "gizi": {"unit": "Seksi Gizi"},
                "rujukan": {"unit": "Seksi Rujukan"},
                "farmasi": {"unit": "Seksi Farmasi", "assignees": ["Apt. Dewi Lestari"]},
                "kosong": {"unit": "Seksi Tanpa Petugas"},
            },
            "chains": {MUBA_COMPLAINTS: [5]},
        },
        "org_chart": {
            "acting": [
                {
                    "official": "dr. Hadi Rujukan",
                    "acting": "Rina Plt",
                    "first_day": acting_from.isoformat(),
                    "last_day": acting_until.isoformat(),
                    "reason": "cuti tahunan",
                }
            ]
        },
    }

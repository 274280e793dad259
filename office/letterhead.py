"""The office's letterhead (kop surat), for the letters Alur prints: the response letter to a
reporter who wrote by post or through the complaint box (services/intake/response_letter.py).

    letterhead:
      government: Pemerintah Kabupaten Musi Banyuasin   # the line above the office's name
      address: Jl. …, Sekayu 30711
      phone: (0714) …
      email: dinkes@…
      website: https://…
      city: Sekayu                                       # "Sekayu, 3 Desember 2026"
      signatory: Kepala Dinas Kesehatan                  # who signs answers

Every field is optional: a line that is not configured is left out of the letter.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

Line = Field(None, max_length=200)


class Letterhead(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    government: str | None = Line
    address: str | None = Line
    phone: str | None = Line
    email: str | None = Line
    website: str | None = Line
    city: str | None = Line
    signatory: str | None = Line

    def contacts(self) -> str:
        """The letterhead's contact line: telephone, email and website as configured."""
        parts = [
            f"Telepon {self.phone}" if self.phone else None,
            f"Surel {self.email}" if self.email else None,
            f"Laman {self.website}" if self.website else None,
        ]
        return " · ".join(p for p in parts if p)

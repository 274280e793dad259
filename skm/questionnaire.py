"""One respondent's answers: a score 1–4 for each of the nine elements, and a suggestion.

The same shape travels in the `data` of a `SurveySubmitted` event, whether the public filled
the questionnaire or an officer recorded it at the visit SOP's survey step:
`{"skm": {"u1": 4, …, "u9": 3}, "saran": "…"}`.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from skm.elements import CODES, ELEMENTS

MAX_SUGGESTION = 2_000


class Answers(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    skm: dict[str, int]
    saran: str | None = Field(None, max_length=MAX_SUGGESTION)

    def score(self, code: str) -> int:
        return self.skm[code]


# Control characters but tab and newline, and lone surrogates: what the SKM projection could not
# store or an export print (a form's CRLF is read as a newline first).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


class AnswersRefused(ValueError):
    """An answer that fails a check: which field (`skm.u3`, `saran`), and why (Bahasa Indonesia)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def parse_answers(data: Any) -> Answers:
    """Validate answers, or raise AnswersRefused naming the first bad element."""
    if not isinstance(data, dict):
        raise AnswersRefused("skm", "jawaban survei harus berupa objek")
    scores = data.get("skm")
    if not isinstance(scores, dict):
        raise AnswersRefused("skm", "jawaban kesembilan unsur survei wajib diisi")
    unknown = sorted(set(scores) - set(CODES))
    if unknown:
        raise AnswersRefused(f"skm.{unknown[0]}", "bukan unsur survei kepuasan masyarakat")
    clean: dict[str, int] = {}
    for element in ELEMENTS:
        value = scores.get(element.code)
        if value is None or value == "":
            raise AnswersRefused(f"skm.{element.code}", f"unsur {element.name} belum dijawab")
        try:
            number = int(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None or str(value).strip() != str(number) or not 1 <= number <= 4:
            raise AnswersRefused(
                f"skm.{element.code}", f"jawaban unsur {element.name} harus angka 1 sampai 4"
            )
        clean[element.code] = number
    suggestion = data.get("saran")
    if suggestion is not None and not isinstance(suggestion, str):
        raise AnswersRefused("saran", "saran harus berupa teks")
    suggestion = (suggestion or "").replace("\r\n", "\n").replace("\r", "\n").strip() or None
    if suggestion is not None and len(suggestion) > MAX_SUGGESTION:
        raise AnswersRefused("saran", f"saran paling panjang {MAX_SUGGESTION} karakter")
    if suggestion is not None and CONTROL.search(suggestion):
        raise AnswersRefused("saran", "saran tidak boleh berisi karakter kendali")
    extra = sorted(set(data) - {"skm", "saran"})
    if extra:
        raise AnswersRefused(extra[0], "isian ini tidak dikenal")
    return Answers(skm=clean, saran=suggestion)

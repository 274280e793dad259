"""The satisfaction survey (Survei Kepuasan Masyarakat) and its index (IKM), PermenPANRB 14/2017."""

from skm.elements import CODES, ELEMENTS, SCALE, Element
from skm.index import DEFAULT_WEIGHTS, Grade, Index, grade, index_from_answers, index_of, nrr
from skm.questionnaire import Answers, AnswersRefused, parse_answers

__all__ = [
    "CODES",
    "DEFAULT_WEIGHTS",
    "ELEMENTS",
    "SCALE",
    "Answers",
    "AnswersRefused",
    "Element",
    "Grade",
    "Index",
    "grade",
    "index_from_answers",
    "index_of",
    "nrr",
    "parse_answers",
]

"""Finding the actors an activity text mentions, and in what role.

Matching a mention against the actor header (case-insensitive, word by word):
- abbreviations are expanded on both sides: Ka/Ka. → Kepala or Ketua, Kasi → Kepala Seksi,
  Kabid → Kepala Bidang, Kadis → Kepala Dinas, Kabag → Kepala Bagian, Bag./Bag → Bagian,
  TU → Tata Usaha, Sekdin → Sekretaris Dinas;
- an actor name is split on "/" into alternatives ("PETUGAS PENGELOLA PENGADUAN / ADMIN");
- in a mixed-case name a short all-capitals word is an acronym ("Kepala KKP"): it matches the
  same acronym, words whose initials spell it, or a lower-case word with its first letter
  ("Kepala kantor");
- a full match of a name wins (the longest one); otherwise the mention may be a leading-words
  prefix of one name ("Petugas", "Kepala Dinas", "Tim") when no other actor shares that
  prefix, and the text does not go on with a capitalised word that contradicts the name
  ("Kepala Bidang" is not "Kepala Seksi");
- "Sub Bagian"/"Sub. Bag"/"Sub Bidang" are read as "Subbagian"/"Subbidang", and Kasubid →
  Kepala Subbidang, Kapus → Kepala Puskesmas, Yankes → Pelayanan Kesehatan, Kesmas →
  Kesehatan Masyarakat, P2P → Pencegahan dan Pengendalian Penyakit;
- "ke" glued to a name ("kebagian Tata Usaha") is read as "ke bagian Tata Usaha".
Roles the header lacks are discovered: a capitalised title phrase starting with a role word
("Kepala Bidang", "Tim Kerja"), or a role phrase after "oleh" ("oleh atasan langsung").

The role of a mention in its sentence:
- subject: at the start of a sentence, after leading connectives ("Kemudian …") or after a
  leading clause ("Setelah urusannya selesai, petugas layanan mengisi …", "Apabila …, maka");
- agent: after "oleh" (passive), unless "oleh" closes a relative clause ("yang disampaikan
  oleh pelapor" describes a thing, not who acts);
- source: after "dari"; other: after "dengan", "bagi", "untuk", "bersama", "terhadap";
- recipient: after "kepada"/"ke"/"pada", or any other mention after the verb, i.e. its object
  ("menugaskan petugas", "meminta persetujuan Kepala Bidang") — but a member of the public as
  a plain object ("memeriksa pasien", "rekam medis pasien") is acted upon: other.
A member of the public is an actor whose name starts with pelapor, pemohon, pengadu, pengguna
layanan/jasa, penerima layanan, pelanggan, masyarakat, tamu, pengunjung, pasien, keluarga
pasien, orang tua, wali, klien, warga or konsumen (`vocabulary.is_public`).
A mention joined to the one before by "dan"/"serta"/"atau" or "/" takes that one's role.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sop.importer.text import words_title_case
from sop.importer.vocabulary import (
    ABBREVIATIONS,
    CONNECTIVES,
    COORDINATORS,
    DOTTED_ABBREVIATIONS,
    PREPOSITION_ROLES,
    ROLE_WORDS,
    STOP,
    SUB_UNIT,
    SUBORDINATORS,
    UNIT_WORDS,
    WORD,
    is_public,
)


@dataclass(frozen=True)
class _Token:
    text: str
    lower: str
    word: bool


@dataclass(frozen=True)
class _Element:
    """One word of a name or text after abbreviations are expanded."""

    words: frozenset[str]
    token: int  # index of the text token it came from
    acronym: str | None = None  # header side only


@dataclass(frozen=True)
class Mention:
    actor: str
    start: int  # token range in the activity text
    end: int
    discovered: bool = False
    role: str = "recipient"  # subject, agent, source, other, recipient


@dataclass(frozen=True)
class Reading:
    """What an activity text says about its actors."""

    mentions: tuple[Mention, ...]
    first_word: str
    subject: tuple[str, ...] = ()
    subject_verb: str | None = None  # the word after the subject ("mengantar")
    agent: tuple[str, ...] = ()

    @property
    def recipients(self) -> tuple[str, ...]:
        return tuple(m.actor for m in self.mentions if m.role == "recipient")


def _one_word_units(text: str) -> str:
    """ "Sub Bagian Umum" → "Subbagian Umum", "Sub Bid." → "Subbidang"."""
    return SUB_UNIT.sub(lambda m: "Subbagian" if m.group(1) else "Subbidang", text)


def _expand(word: str) -> tuple[frozenset[str], ...]:
    lower = word.lower()
    return ABBREVIATIONS.get(lower, (frozenset({lower}),))


def _is_acronym(word: str, name: str) -> bool:
    return (
        2 <= len(word) <= 5
        and word.isalpha()
        and word.isupper()
        and word.lower() not in ABBREVIATIONS
        and any(c.islower() for c in name)
    )


class ActorMatcher:
    """Finds the mentions of known actors (and discovers unknown roles) in activity texts."""

    def __init__(self, actors: Sequence[str]) -> None:
        self.actors = tuple(actors)
        self._variants: list[tuple[str, tuple[_Element, ...]]] = []
        for actor in self.actors:
            for alternative in actor.split("/"):
                elements = self._name_elements(alternative, actor)
                if elements:
                    self._variants.append((actor, elements))
        self._first_words = frozenset(w for _, els in self._variants for w in els[0].words)

    @staticmethod
    def _name_elements(alternative: str, name: str) -> tuple[_Element, ...]:
        elements: list[_Element] = []
        for word in re.findall(r"\w+", _one_word_units(alternative)):
            if _is_acronym(word, name):
                elements.append(_Element(frozenset({word.lower()}), 0, acronym=word.lower()))
            else:
                elements.extend(_Element(words, 0) for words in _expand(word))
        return tuple(elements)

    # -- text side -------------------------------------------------------------------------

    def _tokens(self, text: str) -> list[_Token]:
        tokens: list[_Token] = []
        for raw in WORD.findall(_one_word_units(text)):
            lower = raw.lower()
            rest = lower[2:]
            if (
                lower.startswith("ke")
                and rest in self._first_words
                and lower not in self._first_words
            ):
                tokens.append(_Token(raw[:2], "ke", True))
                tokens.append(_Token(raw[2:], rest, True))
            else:
                tokens.append(_Token(raw, lower, raw[0].isalnum() or raw[0] == "_"))
        return tokens

    @staticmethod
    def _elements(tokens: list[_Token]) -> list[_Element]:
        elements: list[_Element] = []
        for index, token in enumerate(tokens):
            if token.word:
                elements.extend(_Element(words, index) for words in _expand(token.text))
            else:
                elements.append(_Element(frozenset(), index))
        return elements

    # -- matching --------------------------------------------------------------------------

    @staticmethod
    def _match(
        text: list[_Element], tokens: list[_Token], start: int, name: tuple[_Element, ...]
    ) -> tuple[int, int, bool]:
        """(name elements matched, text elements consumed, whether an acronym matched loosely)."""
        matched, position, loose = 0, start, False
        for element in name:
            if position >= len(text) or not text[position].words:
                break
            if element.acronym:
                step, is_loose = _acronym_step(element.acronym, text, tokens, position)
                if not step:
                    break
                position, loose = position + step, loose or is_loose
            elif element.words & text[position].words:
                position += 1
            else:
                break
            matched += 1
        return matched, position - start, loose

    def match_at(
        self, text: list[_Element], tokens: list[_Token], start: int
    ) -> tuple[str, int] | None:
        """(actor, text elements consumed) for an actor named at `start`, else None."""
        full: list[tuple[int, bool, int, str]] = []
        partial: dict[str, tuple[int, int, tuple[_Element, ...]]] = {}
        for order, (actor, name) in enumerate(self._variants):
            matched, consumed, loose = self._match(text, tokens, start, name)
            if matched == len(name):
                full.append((consumed, not loose, -order, actor))
            elif matched and matched > partial.get(actor, (0, 0, ()))[0]:
                partial[actor] = (matched, consumed, name[matched:])
        if full:
            consumed, _, _, actor = max(full)
            return actor, consumed
        if not partial:
            return None
        best = max(found[0] for found in partial.values())
        leaders = [actor for actor, found in partial.items() if found[0] == best]
        if len(leaders) != 1:
            return None
        _, consumed, rest = partial[leaders[0]]
        if _contradicted(text, tokens, start + consumed, rest):
            return None
        return leaders[0], consumed

    # -- reading a text --------------------------------------------------------------------

    def read(self, activity: str) -> Reading:
        """The mentions in an activity text, each with its role, and the step's subject."""
        tokens = self._tokens(activity)
        text = self._elements(tokens)
        found = self._find(text, tokens)
        subject_starts = _subject_positions(tokens)
        mentions: list[Mention] = []
        for mention in found:
            role = _role(mention, tokens, subject_starts, mentions)
            mentions.append(
                Mention(mention.actor, mention.start, mention.end, mention.discovered, role)
            )
        first_word = next((t.lower for t in tokens if t.word), "")
        subject = next((m for m in mentions if m.role == "subject"), None)
        agent = next((m for m in mentions if m.role == "agent"), None)
        return Reading(
            mentions=tuple(mentions),
            first_word=first_word,
            subject=tuple(dict.fromkeys(m.actor for m in mentions if m.role == "subject")),
            subject_verb=subject and _next_word(tokens, subject.end),
            agent=(agent.actor,) if agent else (),
        )

    def _find(self, text: list[_Element], tokens: list[_Token]) -> list[Mention]:
        mentions: list[Mention] = []
        position = 0
        while position < len(text):
            element = text[position]
            is_token_start = position == 0 or text[position - 1].token != element.token
            hit = self.match_at(text, tokens, position) if is_token_start else None
            if hit:
                actor, consumed = hit
                end = text[position + consumed - 1].token + 1
                mentions.append(Mention(actor, element.token, end))
                position += consumed
                continue
            discovered = _discover(tokens, element.token) if is_token_start else None
            if discovered:
                name, end = discovered
                mentions.append(Mention(name, element.token, end, discovered=True))
                while position < len(text) and text[position].token < end:
                    position += 1
                continue
            position += 1
        return mentions


def _acronym_step(
    acronym: str, text: list[_Element], tokens: list[_Token], position: int
) -> tuple[int, bool]:
    """How many text elements an acronym consumes at `position` (0: no match), and whether
    the match is loose (a lower-case word sharing the first letter)."""
    if acronym in text[position].words:
        return 1, False
    span = text[position : position + len(acronym)]
    if len(span) == len(acronym) and all(
        e.words and tokens[e.token].text[0].isupper() and acronym[i] == next(iter(e.words))[0]
        for i, e in enumerate(span)
    ):
        return len(acronym), False
    token = tokens[text[position].token]
    if token.text.islower() and token.lower[0] == acronym[0] and len(token.lower) > len(acronym):
        return 1, True
    return 0, False


def _contradicted(
    text: list[_Element], tokens: list[_Token], position: int, rest: tuple[_Element, ...]
) -> bool:
    """Whether the text goes on with a capitalised word the rest of the actor's name lacks: a
    title other than the actor's ("Kepala Bidang" for "Kepala Seksi"). Acronyms ("Petugas
    PTSP") and words found later in the name ("Unit Pengaduan" for "Unit Layanan Pengaduan")
    do not contradict."""
    if position >= len(text) or not text[position].words:
        return False
    token = tokens[text[position].token]
    if not token.text[0].isupper() or token.lower in STOP:
        return False
    if len(token.text) > 1 and token.text.isupper():
        return False
    return not any(text[position].words & element.words for element in rest)


def _discover(tokens: list[_Token], index: int) -> tuple[str, int] | None:
    """(role name, end token) of a role the header lacks, named at token `index`."""
    token = tokens[index]
    if not token.word or token.lower not in ROLE_WORDS:
        return None
    after_oleh = index > 0 and tokens[index - 1].lower == "oleh"
    if not (token.text[0].isupper() or after_oleh):
        return None
    end = index + 1
    while end < len(tokens) and end - index < (3 if after_oleh else 5):
        following = tokens[end]
        if not following.word or following.lower in STOP or not following.text.isalpha():
            break
        if not after_oleh and not following.text[0].isupper():
            break
        end += 1
    if end - index == 1 and token.lower in UNIT_WORDS:
        return None
    return words_title_case(" ".join(t.text for t in tokens[index:end])), end


def _sentences(tokens: list[_Token]) -> list[tuple[int, int]]:
    sentences, start = [], 0
    for index, token in enumerate(tokens):
        if token.text != ".":
            continue
        before = tokens[index - 1].lower if index else ""
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if before in DOTTED_ABBREVIATIONS or (after and not after.text[0].isupper()):
            continue
        sentences.append((start, index))
        start = index + 1
    sentences.append((start, len(tokens)))
    return [(a, b) for a, b in sentences if a < b]


def _skip_connectives(tokens: list[_Token], position: int, end: int) -> int:
    while position < end and (tokens[position].lower in CONNECTIVES or not tokens[position].word):
        position += 1
    return position


def _subject_positions(tokens: list[_Token]) -> set[int]:
    positions: set[int] = set()
    for start, end in _sentences(tokens):
        first = _skip_connectives(tokens, start, end)
        if first < end and tokens[first].lower in SUBORDINATORS:
            boundary = next(
                (
                    i
                    for i in range(first, end)
                    if tokens[i].text == "," or tokens[i].lower == "maka"
                ),
                None,
            )
            if boundary is not None:
                positions.add(_skip_connectives(tokens, boundary + 1, end))
        else:
            positions.add(first)
    return positions


def _role(
    mention: Mention, tokens: list[_Token], subject_starts: set[int], before: list[Mention]
) -> str:
    if mention.start in subject_starts:
        return "subject"
    previous = mention.start - 1
    while previous >= 1 and tokens[previous].text == "/":
        joined = next((m for m in before if m.end == previous), None)
        if joined:
            return joined.role
        previous -= 2  # "pelapor/pemohon": the word before the alternatives decides
    if previous < 0:
        return "recipient"
    word = tokens[previous].lower
    if word in COORDINATORS:
        joined = next((m for m in before if m.end == previous), None)
        if joined:
            return joined.role
    if word not in PREPOSITION_ROLES and is_public(mention.actor):
        return "other"  # "memeriksa pasien": the public is acted upon, not handed the case
    role = PREPOSITION_ROLES.get(word, "recipient")
    if role == "agent" and any(t.lower == "yang" for t in tokens[max(0, previous - 3) : previous]):
        return "other"
    return role


def _next_word(tokens: list[_Token], index: int) -> str | None:
    return next((t.lower for t in tokens[index:] if t.word), None)

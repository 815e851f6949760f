"""Text understanding for one interaction: its tone and the behavioural cues it carries.

Runs once, when an interaction is written; the result is stored on the row (``tone``,
``cue_flags``) and the recompute only ever reads those. Pure Python, no Django.

Tone is VADER's compound score (it already handles negation, intensifiers, capitals and
exclamation marks) with corrections VADER cannot make on its own: a small lexicon of
support-desk words ("outage", "buggy"); courtesy formulas left out ("we'd appreciate a
call" is a request, not warmth); and the cues, which know what the words do not —
sarcasm is read literally by VADER ("Oh great, another outage" scores as glowing praise),
insults it has no word for, a bug report in neutral words.

Cues are recognised by the small rules in ``signals.text_cues``. When the rules change
in a way that would change stored flags, bump ``TEXT_ANALYSIS_VERSION`` so stored rows
can be re-analysed.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from .text_cues import RECOGNISERS, Message

__all__ = [
    "TEXT_ANALYSIS_VERSION",
    "Cue",
    "TextAnalysis",
    "analyse_many",
    "analyse_text",
    "cue_labels",
]

#: 2: the ``UNREALISTIC_EXPECTATION`` cue.
TEXT_ANALYSIS_VERSION: int = 2


class Cue(enum.IntFlag):
    """One bit per cue. The values are stored in the database: never renumber, only
    append."""

    DISCOUNT_ASK = 1 << 0
    BLAME = 1 << 1
    CHALLENGES_EXPERTISE = 1 << 2
    MINOR_DETAIL = 1 << 3
    QUALITY_COMPLAINT = 1 << 4
    CONTROL = 1 << 5
    URGENCY = 1 << 6
    ENTITLEMENT = 1 << 7
    SARCASM = 1 << 8
    AGGRESSION = 1 << 9
    PRAISE = 1 << 10
    CHANGED_REQUIREMENTS = 1 << 11
    UNREASONABLE_DEMAND = 1 << 12
    REFUSAL_TO_LISTEN = 1 << 13
    INFLEXIBLE = 1 << 14
    OUT_OF_CONTRACT = 1 << 15
    THREAT_TO_LEAVE = 1 << 16
    VENDOR_INWARD = 1 << 17
    PITCH = 1 << 18
    DECLINE = 1 << 19
    UNREALISTIC_EXPECTATION = 1 << 20


# Cues about how the customer behaves are only read from what the customer wrote; our own
# outbound text has its own cues (are we pushing, are we talking about ourselves).
# Tone-like cues (urgency, sarcasm, aggression, praise, inflexibility) apply both ways.
_INBOUND_ONLY = (
    Cue.DISCOUNT_ASK
    | Cue.BLAME
    | Cue.CHALLENGES_EXPERTISE
    | Cue.MINOR_DETAIL
    | Cue.QUALITY_COMPLAINT
    | Cue.CONTROL
    | Cue.ENTITLEMENT
    | Cue.CHANGED_REQUIREMENTS
    | Cue.UNREASONABLE_DEMAND
    | Cue.REFUSAL_TO_LISTEN
    | Cue.OUT_OF_CONTRACT
    | Cue.THREAT_TO_LEAVE
    | Cue.DECLINE
    | Cue.UNREALISTIC_EXPECTATION
)
_OUTBOUND_ONLY = Cue.VENDOR_INWARD | Cue.PITCH
_DIRECTIONS = ("inbound", "outbound")
_RULES = tuple((cue, RECOGNISERS[cue.name.lower()]) for cue in Cue)


@dataclass(frozen=True, slots=True)
class TextAnalysis:
    tone: float  # -1 (hostile) … 1 (warm)
    cues: Cue

    @property
    def cue_flags(self) -> int:
        """The cues as the plain integer stored on the interaction row."""
        return int(self.cues)


_EMPTY = TextAnalysis(tone=0.0, cues=Cue(0))

# Words a support desk uses that VADER's general lexicon does not score (valence on
# VADER's -4…4 scale), and a few it scores that carry no feeling in business mail: "no"
# ("no rush", "no exceptions"; VADER still negates the word after it), discourse markers
# ("honestly", "with respect") that usually preface criticism. "joke" is positive in
# VADER (funny); here it is "your support is a joke".
_DOMAIN_LEXICON = {
    "no": 0.0,
    "honestly": 0.0,
    "frankly": 0.0,
    "respect": 0.0,
    "respectfully": 0.0,
    "save": 0.0,  # "hit save": storing, not rescuing
    "saved": 0.0,
    "saving": 0.0,
    "downhill": -1.5,
    "credit": 0.0,  # a billing credit, not giving someone credit
    "credits": 0.0,
    "outage": -2.0,
    "outages": -2.0,
    "downtime": -1.6,
    "crashed": -1.7,
    "crashes": -1.7,
    "crashing": -1.7,
    "bug": -1.2,
    "bugs": -1.2,
    "buggy": -1.8,
    "glitch": -1.2,
    "glitchy": -1.5,
    "laggy": -1.3,
    "unusable": -2.3,
    "inaccurate": -1.5,
    "incorrect": -1.5,
    "sloppy": -1.8,
    "shoddy": -2.0,
    "subpar": -1.9,
    "mediocre": -1.3,
    "garbage": -2.0,
    "rubbish": -2.0,
    "overcharged": -2.0,
    "overdue": -1.0,
    "unreliable": -1.8,
    "corrupted": -1.8,
    "clowns": -1.8,
    "idiots": -2.5,
    "ghosted": -1.6,
    "typo": -0.5,
    "typos": -0.5,
    "joke": -1.0,
    "unable": -1.0,
    "steep": -1.0,
    "overpriced": -1.8,
    "expensive": -0.8,
    "pricey": -0.8,
    "unanswered": -1.2,
    "unresolved": -1.2,
    "incomplete": -1.2,
    "inconsistent": -1.0,
    "clunky": -1.3,
    "flaky": -1.5,
    "nightmare": -2.2,
    "shambles": -2.0,
    "outdated": -0.8,
    "slow": -0.8,
    "hassle": -1.3,
    "stellar": 2.5,
    "seamless": 1.8,
}


@cache
def _analyser() -> SentimentIntensityAnalyzer:
    """One analyser per process: building one reads the lexicon files from disk."""
    analyser = SentimentIntensityAnalyzer()
    analyser.lexicon.update(_DOMAIN_LEXICON)
    return analyser


_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": " - ",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
    }
)
# In a reply, the quoted earlier message is not the writer's words.
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
_REPLY_HEADER = re.compile(
    r"^(?:on .{0,200}wrote:|-{2,}\s*original message\s*-{2,}|from: .+)$",
    re.MULTILINE | re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t]+")
# Request and courtesy formulas VADER reads as warmth: "we'd appreciate a call", "please",
# "any chance you could", "kind regards". They say nothing about how the writer feels.
_FORMULAIC = re.compile(
    r"\b(?:please|pls|kindly|(?:kind |best |warm )?regards|thanks in advance|best wishes|"
    r"(?:i|we)(?:'d| would) (?:really |greatly )?appreciate(?: it)?|(?:would|'d) (?:\w+ )?like|"
    r"no,? thanks?(?: you)?|"
    r"(?:any|a) chance|feel free|make sure|(?:looks?|seems?|sounds?|feels?|just) like|"
    r"hope (?:this|you're|you are|all is) (?:\w+ )?well|have a (?:great|good|nice|lovely) "
    r"(?:day|weekend|week|evening))\b",
    re.IGNORECASE,
)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    header = _REPLY_HEADER.search(text)
    if header:
        text = text[: header.start()]
    text = _QUOTED_LINE.sub("", text)
    return _SPACES.sub(" ", text).strip()


# Cues that are hostile by definition cap the tone: VADER has no words for "couldn't care
# less" or "you lot".
_HOSTILE_CEILING = ((Cue.AGGRESSION, -0.3), (Cue.REFUSAL_TO_LISTEN, -0.2))
# A complaint or an accusation is not warm, even in words VADER does not score ("the form
# throws a 500", "because your developers went quiet") ...
_COMPLAINT = Cue.BLAME | Cue.QUALITY_COMPLAINT
# ... and praise is warm, even in words VADER does not score ("running smoothly"). A
# message holding both stays as VADER reads it.
_CRITICAL = (
    _COMPLAINT
    | Cue.MINOR_DETAIL
    | Cue.SARCASM
    | Cue.AGGRESSION
    | Cue.REFUSAL_TO_LISTEN
    | Cue.THREAT_TO_LEAVE
)


def _literal_tone(text: str) -> float:
    return _analyser().polarity_scores(_FORMULAIC.sub(" ", text))["compound"]


def _corrected_tone(literal: float, cues: Cue) -> float:
    """VADER's reading, corrected where the cues show it took the words at face value."""
    tone = literal
    if Cue.SARCASM in cues:
        # The more glowing the literal words, the sharper the sarcasm.
        tone = min(literal, 0.0) - 0.3 - 0.5 * max(literal, 0.0)
    for cue, ceiling in _HOSTILE_CEILING:
        if cue in cues:
            tone = min(tone, ceiling)
    if Cue.PRAISE in cues and not cues & _CRITICAL:
        tone = max(tone, 0.2)
    elif cues & _COMPLAINT and Cue.PRAISE not in cues:
        tone = min(tone, -0.1)
    elif Cue.UNREALISTIC_EXPECTATION in cues and Cue.PRAISE not in cues:
        # "must be flawless", "guarantee 100% uptime": the glowing words describe a
        # demand, not how the writer feels.
        tone = min(tone, 0.0)
    return max(-1.0, min(1.0, round(tone, 4)))


def analyse_text(text: str | None, *, direction: str = "inbound") -> TextAnalysis:
    """Tone and cues of one interaction's text, as written by ``direction``'s side.

    ``direction`` is ``"inbound"`` (the customer wrote it) or ``"outbound"`` (we did); it
    decides which cues can apply. Empty text has a neutral tone and no cues.
    """
    if direction not in _DIRECTIONS:
        raise ValueError(f"direction must be one of {_DIRECTIONS}, not {direction!r}")
    if not text:
        return _EMPTY
    cased = _normalise(text)
    if not cased:
        return _EMPTY
    literal = _literal_tone(cased)
    msg = Message(cased=cased, low=cased.lower(), literal_tone=literal)
    excluded = _OUTBOUND_ONLY if direction == "inbound" else _INBOUND_ONLY
    cues = Cue(0)
    for cue, recognise in _RULES:
        if cue not in excluded and recognise(msg):
            cues |= cue
    if Cue.SARCASM in cues:
        cues &= ~Cue.PRAISE  # "really appreciate the three-week silence" praises nothing
    return TextAnalysis(tone=_corrected_tone(literal, cues), cues=cues)


def analyse_many(texts: Iterable[tuple[str | None, str]]) -> list[TextAnalysis]:
    """``analyse_text`` for many ``(text, direction)`` pairs (imports, backfills)."""
    return [analyse_text(text, direction=direction) for text, direction in texts]


def cue_labels(flags: int) -> list[str]:
    """Lower-case names of the cues set in ``flags``, in bit order; unknown bits are
    ignored."""
    return [cue.name.lower() for cue in Cue if flags & cue.value]

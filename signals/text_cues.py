"""Recognisers for the behavioural cues in one interaction's text.

Each recogniser is a small function of a prepared :class:`Message` that answers one
question ("does this text ask for a lower price?"). They are built from word classes
and short patterns rather than a list of whole sentences, so paraphrases still match;
where a negation flips the meaning ("we don't need a discount") the trigger is checked
for a negator just before it, inside the same clause.

The cue *enum* and the public entry point live in ``signals.text``; this module only
knows cue names (``RECOGNISERS`` is keyed by the lower-case member name).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class Message:
    """A text prepared once for every recogniser."""

    cased: str  # normalised text with its original capitals (shouting needs them)
    low: str  # the same text, lower-cased: every pattern below is written lower-case
    literal_tone: float  # VADER's compound score, before the cues correct it


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _words(alternatives: str) -> str:
    """A whole-word alternation from a space-separated list (``_`` stands for a space)."""
    return r"\b(?:" + "|".join(w.replace("_", " ") for w in alternatives.split()) + r")\b"


# --- negation --------------------------------------------------------------------------

_NEGATORS = _wordset(
    "not no never none nothing nobody without hardly barely neither nor cannot zero dont "
    "doesnt didnt isnt wasnt arent werent wont cant couldnt wouldnt shouldnt havent hasnt "
    "hadnt"
)
# A negation does not reach across these: "not sure, but could you lower the price?"
_CLAUSE_BREAK = re.compile(r"[.!?;:,()\n]|\b(?:but|however|although|though|yet|whereas)\b")
_TOKEN = re.compile(r"[a-z0-9']+")
# "I don't think your team is to blame": negates the rest of the clause, however far
_CLAUSE_NEGATION = re.compile(
    r"\b(?:don't|do not|doesn't|didn't|never) (?:think|believe|feel|suppose|say)\b"
)


def _negated(low: str, start: int, window: int = 4) -> bool:
    """Whether a negator sits in the few words before ``start``, in the same clause.

    Request forms that merely contain a negator are not negations: "can't you lower
    it", "why not match their offer", "not only ... but".
    """
    head = low[max(0, start - 80) : start]
    breaks = list(_CLAUSE_BREAK.finditer(head))
    if breaks:
        head = head[breaks[-1].end() :]
    if _CLAUSE_NEGATION.search(head):
        return True
    tokens = _TOKEN.findall(head)[-window:]
    for i, token in enumerate(tokens):
        if token in _NEGATORS or token.endswith("n't"):
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            before = tokens[i - 1] if i else ""
            if after in {"you", "we", "only", "just"} or before == "why":
                continue
            return True
    return False


def _affirmed(pattern: re.Pattern[str], low: str) -> bool:
    """Whether ``pattern`` matches somewhere that is not negated."""
    return any(not _negated(low, m.start()) for m in pattern.finditer(low))


def _in_same_sentence(first: re.Pattern[str], second: re.Pattern[str], low: str) -> bool:
    return any(first.search(s) and second.search(s) for s in _SENTENCE.split(low))


_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")

# --- shared word classes ---------------------------------------------------------------

_YOU = (
    r"(?:you|you guys|you people|your (?:[\w'-]+ )?(?:team|company|people|staff|side|end|"
    r"support|engineers|developers|lot|department|firm|agency|service|guys))"
)
# Something going wrong; used to tell blame and sarcasm from neutral mentions.
_BAD = re.compile(
    r"n't\b|"
    + _words(
        "not never no fail\\w* wrong late broke\\w* lost los\\w+ miss\\w* silent quiet dark "
        "ignor\\w* forg[oe]t\\w* mistak\\w* errors? bugs? delay\\w* outages? mess\\w* careless\\w* "
        "sloppy incompeten\\w* screw\\w* botch\\w* crash\\w* slow\\w* down slipp?\\w* vanish\\w* "
        "disappear\\w* unresponsive behind overr[au]n incomplete"
    )
)
# A bad event that a sarcastic "great" or "thanks" can point at.
_NEG_EVENT = re.compile(
    _words(
        "outages? down downtime offline crash\\w* bugs? buggy broke\\w* errors? fail\\w* "
        "delay\\w* late overdue wait\\w* on_hold queue again another still nobody no_one "
        "no_reply no_response no_answer ignor\\w* wrong missing lost los\\w+ overcharg\\w* "
        "charged_twice double_charged increase hike weeks months mess excuses? silence "
        "ghost\\w* glitch\\w* timed_out slow deleted wiped"
    )
)
# Something being put right: "thanks for fixing the crash" is not sarcasm.
_REMEDY = re.compile(
    _words(
        "fix\\w* resolv\\w* sort\\w* solv\\w* repair\\w* restor\\w* back_up back_online "
        "working_again recover\\w* refund\\w* look\\w*_into investigat\\w* check\\w* "
        "flag\\w* heads-up heads_up patience explain\\w* clarif\\w* quick\\w* prompt\\w* help\\w*"
    )
)
# What people genuinely thank for even when the subject is bad: "thanks for the update on
# the outage", "thanks for your time on the delay".
_SERVICE = re.compile(
    _words(
        "support call meeting chat time effort input feedback note email reply response answer "
        "warning notice update updates update\\w*_(?:me|us) keeping_(?:me|us)_(?:posted|"
        "updated|informed) "
        "letting_(?:me|us)_know"
    )
)
_CONTRAST = re.compile(_words("but however although though except only_issue one_thing"))
_POSITIVE = (
    r"(?:great|wonderful|perfect|fantastic|brilliant|lovely|excellent|super|superb|terrific|"
    r"marvell?ous|awesome|nice|splendid|amazing|impressive|outstanding|stellar|fabulous|"
    r"incredible|remarkable|delightful|bravo|congratulations|congrats|well done|good job|"
    r"great job|nice work|great work|good|cool|wow)"
)

# --- customer-side cues -----------------------------------------------------------------

_PRICE = (
    r"(?:price[sd]?|pricing|costs?|rates?|fees?|quotes?|quotation|charges?|tariffs?|bill|"
    r"budget|number|figures?|subscription|renewal|invoice total|offers?|deals?)"
)
# what the vendor charges, named without a price word: "a third of what you charge"
_THEIR_PRICE = (
    r"(?:yours|what you(?:'re)? (?:charge|charging|ask|asking|quote|quoted|bill)|"
    r"your (?:[\w'-]+ )?(?:price|rate|fee|quote|number|cost|offer)s?)\b"
)
_DISCOUNT = _rx(
    _words(
        "discount\\w* rebates? markdown money_off price[- ]?match\\w* cheaper less_expensive "
        "more_affordable"
    ),
    r"\b(?:better|best|special|lower|reduced|sharper|friendlier) (?:[\w'-]+ )?(?:price|rate|"
    r"deal|offer|terms|number|quote|pricing)s?\b",
    r"\b(?:lower|reduce|cut|drop|trim|decrease|bring down|come down|match|beat|sharpen|"
    r"revisit|renegotiat\w*|negotiat\w*)\b(?: [\w'-]+){0,4}? " + _PRICE + r"\b",
    _PRICE + r"(?: [\w'-]+){0,3} (?:come|go|be brought|be lowered|be reduced) down\b",
    r"\b(?:flexib\w*|wiggle room|leeway|room|movement|give) (?:on|in|with|around) (?:[\w'-]+ ){0,2}"
    + _PRICE
    + r"\b",
    r"\b(?:\d+ ?%|\d+ ?percent|\d+ per cent|a few percent|some money|a bit|something) off\b",
    r"\b(?:knock|shave|take)\w* (?:[\w'-]+ ){0,3}off\b",
    _PRICE + r"(?: [\w'-]+){0,4} (?:(?:too|very|way too|rather|a bit|quite|so|a little|pretty|"
    r"really) )?(?:high|steep|expensive|pricey|stiff|hefty|excessive|inflated|a bit much|"
    r"over the top)\b",
    r"\b(?:under|below|less than|lower than|cheaper than|undercut\w*|beat\w*|half|a third|two "
    r"thirds|a fraction|\d+ ?%) (?:of )?" + _THEIR_PRICE,
    r"\b(?:too|way too|so|really) (?:expensive|pricey|costly)\b|\boverpriced\b",
    r"\b(?:out of|over|above|beyond) (?:our|my|the) (?:price range|budget)\b|\b(?:can't|"
    r"cannot) afford\b",
    r"\bfor (?:a lot |much |far )?less\b|\bhalf (?:the|your) (?:price|cost)\b",
)


def discount_ask(msg: Message) -> bool:
    """Haggling over price: asks for a lower price/rate/fee, names a cheaper deal elsewhere,
    says the price is too high. "We don't need a discount" is not one."""
    return _affirmed(_DISCOUNT, msg.low)


_BLAME_PLAIN = _rx(
    r"\b(?:not|isn't|wasn't|never|hardly|is not|was not) (?:my|our|on (?:me|us)) (?:fault|"
    r"problem|responsibility|doing|mistake|issue|job|concern|department|headache|call)\b",
    r"\b(?:it|that|this) (?:wasn't|was not|isn't|is not) (?:me|us)\b",
    r"\b(?:not|isn't|wasn't) (?:on|down to) (?:us|me)\b",
    # deflection: "don't look at us", "nothing to do with us"
    r"\b(?:don't|do not) (?:look at|point (?:the finger )?at|pin (?:this|it|that) on) (?:us|"
    r"me)\b|\bnothing to do with (?:us|me)\b",
)
_BLAME_NEGATABLE = _rx(
    r"\bblam\w*",
    r"\bbecause of (?:you|your)\b",
    r"\b(?:due to|thanks to|caused by|owing to|result of|courtesy of|down to) " + _YOU + r"\b",
    r"\b(?:your|you guys'?|"
    + _YOU
    + r"'s) (?:fault|mistake|error|screw-?up|negligence|incompetence|doing)\b",
    r"\b(?:fault|responsibility|problem) (?:lies|is|sits|rests) (?:[\w'-]+ ){0,2}(?:with|on) "
    r"(?:you|your|them)\b",
    _YOU + r" (?:[\w'-]+ )?(?:caused|broke|messed|screwed|ruined|dropped the ball|let us down|made "
    r"(?:us|me) (?:miss|lose|late))",
    r"\b(?:is|was|are|were|lies|sits|came|comes|originat\w+) (?:[\w'-]+ )?(?:on|at|from) your "
    r"(?:end|side)\b",
    r"\bif " + _YOU + r" had(?:n't| not)?\b",
    r"\b(?!nobody|anyone|anybody|everyone|no-one)\w+'s fault\b|\bfault of (?:the|your)\b",
)
_BECAUSE_YOU = re.compile(
    r"\b(?:because|the moment|as soon as|right after|ever since|straight after) (?:you|your "
    r"[\w'-]+)\b"
)


def blame(msg: Message) -> bool:
    """Attribution to others: "because of you", "your team's fault", "not our fault",
    "caused by your update", "if your people had tested it". "I don't blame you" and
    "not your fault" are not blame."""
    if _BLAME_PLAIN.search(msg.low) or _affirmed(_BLAME_NEGATABLE, msg.low):
        return True
    # "the launch slipped because your developers went quiet": you as the cause of something bad
    return _in_same_sentence(_BECAUSE_YOU, _BAD, msg.low)


_INTENSIFIER = (
    r"(?:(?:clearly|completely|totally|simply|just|absolutely|so|dead|quite|very|"
    r"plain|flat[- ]out|obviously) )?"
)
_EXPERTISE = _rx(
    r"\b(?:you(?:'re| are)|your \w+ (?:is|are|was|were)) "
    + _INTENSIFIER
    + r"(?:wrong|mistaken|clueless|out of (?:your|their) depth|no experts?)\b",
    r"\bi know (?:better|best|what i'm doing|what i am doing)\b",
    r"\bi (?:think i |really |certainly |definitely |do )?know (?:how|what|exactly how) "
    r"(?:[\w'-]+ ){0,3}(?:works?|is done|to do|i'm doing|i am doing)\b",
    r"\b(?:i|we) (?:know|understand) (?:[\w']+ ){0,4}(?:better|more) than (?:you|your|any)\b",
    r"\b(?:i|we)(?:'ve| have)(?: been)? (?:doing|done|running|run|working|worked|managed|"
    r"managing|built|building|in) (?:[\w']+ ){0,3}for (?:over |more than |nearly |almost |"
    r"well over )?(?:\d+|a|many|several|two|three|five|ten|fifteen|twenty|thirty|forty) "
    r"(?:years|decades)\b",
    r"\b(?:i'm|i am|we're|we are) the experts?\b",
    r"\b(?:don't|do not|no need to|stop trying to) (?:tell|teach|lecture|explain to) (?:me|"
    r"us) (?:how|what|about)\b",
    r"\b(?:do|does) (?:you|your \w+|anyone (?:there|on your team)) (?:even |actually |really "
    r")?(?:know|understand) (?:what|how|anything)\b",
    r"\byou (?:clearly |obviously |just |simply |really )?(?:don't|do not|didn't) "
    r"(?:understand|know|get|grasp) (?:[\w'-]+ ){0,2}(?:basics|first thing|anything|what "
    r"you're|how (?:this|it|our)|our (?:business|industry|market|domain))\b",
    r"\b(?:your|the) (?:[\w']+ )?(?:advice|recommendations?|suggestions?|analysis|expertise|"
    r"proposal|approach|assessment) (?:is|was|are|were|makes) (?:[\w'-]+ ){0,2}(?:wrong|"
    r"nonsense|rubbish|useless|garbage|no sense|amateur\w*|naive|outdated|pointless|"
    r"misguided)\b",
    r"\bso-called (?:experts?|expertise|specialists?|consultants?|professionals?|engineers?|"
    r"senior)\b",
    r"\b(?:ignor\w*|disregard\w*|reject\w*|overrul\w*) (?:your|the|all your) (?:[\w'-]+ "
    r")?(?:advice|recommendations?|suggestions?|proposals?|expert\w*|best practices?)\b",
    r"\bthat(?:'s| is) not how (?:it|this|that|things?) works?\b",
    r"\b(?:any|even a) (?:junior|intern|child|beginner|first[- ]year|"
    r"student)\b[^.!?]{0,40}\b(?:knows?|would know|could)\b",
    r"\b(?:who|what) (?:trained|taught) you\b|\bwhere did you learn\b",
    r"\b(?:you|your [\w'-]+|he|she|they)(?:'s|'ve| has| have) (?:clearly |obviously |"
    r"evidently )?never (?:run|managed|worked in|worked with|built|done|used|operated|been "
    r"near|set foot)\b",
)


def challenges_expertise(msg: Message) -> bool:
    """Rejects our expertise: "you're wrong", "I know more about this than you", "your
    recommendation is nonsense", "do you even understand our business"."""
    return _affirmed(_EXPERTISE, msg.low)


_MINOR = _rx(
    _words(
        "typos? misspel\\w* spelling grammar punctuation commas? apostrophes? hyphens? "
        "capitali[sz]\\w* fonts? typeface kerning pixels? px spacing padding margins? "
        "indent\\w* alignment misalign\\w* off-cent(?:re|er) off_cent(?:re|er) shade hue "
        "rounding decimals? wording phrasing italics? whitespace line_breaks? full_stops? "
        "nit nitpick\\w* cosmetic formatting title_case sentence_case upper_?case lower_?case "
        "capital_letters bullet_points? bullets"
    ),
    r"\b(?:is|are|was|were|looks?|seems?|feels?|sits?|reads?|appears?|comes? out|renders?|"
    r"displays?|still) (?:slightly|a (?:tiny |little )?bit|a touch|marginally|a hair|ever so "
    r"slightly) (?:[\w'-]+ ){0,2}(?:off|wrong|different|lighter|darker|bigger|smaller|larger|"
    r"wider|narrower|higher|lower|misaligned|inconsistent|out of place|shorter|longer|blurry|"
    r"crooked|too \w+)\b",
    r"\b(?:minor|tiny|small|little|trivial|teeny) (?:[\w'-]+ )?(?:details?|issues?|things?|"
    r"points?|errors?|mistakes?|inconsistenc\w+|glitch\w*|discrepanc\w+|tweaks?|niggles?)\b",
    r"\b(?:\d+|one|two|a|a single) (?:pixels?|px|characters?|letters?|dots?|spaces?|"
    r"millimet\w+|mm|decimal places?)\b",
)


def minor_detail(msg: Message) -> bool:
    """Fixation on small things: typos, fonts, a few pixels, spacing, wording, shades,
    something "slightly off". "No typos this time" is not one."""
    return _affirmed(_MINOR, msg.low)


_DEFECT = _rx(
    _words(
        "broken breaks broke bugs?(?![- ]free) buggy crash\\w* glitch\\w* defects? defective "
        "faulty malfunction\\w* outages? downtime unusable unstable unreliable inaccura\\w+ "
        "incorrect errors?(?![- ]free) mistakes? fail\\w* flaw(?!less)\\w* sloppy shoddy "
        "substandard sub-par "
        "subpar mediocre poor poorly terrible awful horrible dreadful appalling rubbish "
        "garbage junk unacceptable disappoint\\w* half-baked amateurish corrupt\\w* "
        "missing regress\\w* sluggish laggy froze frozen freez\\w* problems? issues? "
        "rework redo re-do messy mess chaotic chaos shambolic shambles disorgani[sz]ed "
        "unprofessional confusing clunky nightmare incomplete truncat\\w* garbled downhill "
        "deteriorat\\w*"
    ),
    r"(?<!you're )(?<!you are )(?<!you were )\bwrong\b",
    r"\bkeeps? (?:on )?(?:crash|fail|break|freez|hang|drop|tim|logg|disconnect|error|going "
    r"down|stall|glitch|los)\w*",
    r"\b(?:not|isn't|wasn't) (?:at all |exactly |even close to )?(?:up to|good enough|fit for "
    r"purpose|what (?:we|i) (?:asked for|ordered|paid for|signed off on|agreed|approved|"
    r"specified|briefed)|right|correct|working|loading|syncing|saving)\b",
    r"\b(?:show|shows|showing|display\w*|load\w*|comes? up|came up|render\w*|return\w*|"
    r"print\w*) (?:[\w'-]+ )?(?:blank|empty|nothing|no data|garbage|gibberish)\b|\bblank "
    r"(?:charts?|pages?|screens?|reports?|fields?|rows?|cells?|graphs?|emails?|pdfs?)\b",
    r"\b(?:throws?|throwing|returns?|returning|gives?|giving|shows?|showing|hits?|getting|get|"
    r"got) (?:an? |the )?(?:[45]\d\d|exception|timeout|stack ?trace)s?\b|\b[45]\d\d "
    r"(?:errors?|responses?|codes?)\b",
    r"\b(?:cuts?|cutting|cut) off\b|\b(?:gone|got|gotten|getting) (?:a lot |much )?worse\b",
    r"\b(?:below|beneath) (?:[\w'-]+ )?(?:standard|expectations|par)\b|\bup to (?:[\w'-]+ "
    r")?(?:scratch|standard|par)\b",
    r"\bexpect(?:ed)? (?:much |a lot |far |way )?(?:better|more)\b",
    r"\b(?:doesn't|does not|didn't|did not|don't|won't|will not|can't|cannot|isn't|is not) "
    r"(?:[\w'-]+ )?(?:work|load|open|sync|save|print|render|add up|function|display|run|start|"
    r"connect|meet)\b",
    r"\bstopped working\b|\bdo (?:it|this|the \w+) (?:again|over)\b|\bstart over\b",
)


# "the crash is fixed now", "thanks for sorting the bug": a defect already put right
_RESOLVED = re.compile(
    r"\b(?:is|was|are|were|has been|have been|got|now|been|all) (?:now |finally |all |since "
    r")?(?:fixed|resolved|sorted|solved|repaired|gone)\b"
    r"|\b(?:thanks|thank you|cheers)(?: [\w'-]+){0,3} for (?:fixing|resolving|sorting|solving|"
    r"repairing|handling|looking into|jumping on)"
)


def quality_complaint(msg: Message) -> bool:
    """Something we delivered is broken, wrong or below standard, or must be redone.
    Negated mentions ("not a problem at all", "no issues since the update") and defects
    already put right ("thanks for fixing the crash") are not."""
    return any(_affirmed(_DEFECT, s) and not _RESOLVED.search(s) for s in _SENTENCE.split(msg.low))


_CONTROL = _rx(
    r"\b(?:go|goes|going|come|comes|run|runs|routed?|pass|passes|funnel\w*|channel\w*|sent|"
    r"send|cleared) (?:only |directly |exclusively )?(?:through|via|past|by) me\b",
    r"\b(?:don't|do not|never|stop|no need to|you're not to|you are not to) (?:[\w'-]+ "
    r")?(?:contact\w*|e-?mail\w*|call\w*|phon\w*|speak\w*|talk\w*|reach\w* out|messag\w*|cc|"
    r"copy|copying|loop\w* in|involv\w*|approach\w*|bother\w*|go\w* to) (?:[\w'-]+ "
    r"){0,2}(?:my|our|the|any|anyone) (?:[\w'-]+ )?(?:team|staff|colleagues?|people|employees|"
    r"engineers|developers|boss|manager|ceo|cfo|cto|director|board|department|users|others?|"
    r"else|management)\b",
    r"\b(?:only|just|exclusively) (?:talk|speak|deal|communicate|correspond|liaise|work|deal) "
    r"(?:to|with) me\b",
    r"\b(?:i'm|i am) (?:the )?(?:only|sole|single) (?:one|person|point of contact|contact|"
    r"decision[- ]maker)\b",
    r"\b(?:single|sole|one) point of contact\b",
    r"\b(?:unless|until|without|before) (?:i|i've|i have|i've personally|me) (?:[\w'-]+ "
    r")?(?:seen|approved|signed|reviewed|okayed|checked|cleared|agreed)\b",
    r"\b(?:route|send|direct|forward|channel|funnel|pass|address|bring)\w* (?:[\w'-]+ "
    r"){0,6}(?:through|via) (?:me|my (?:office|desk|assistant|pa))\b",
    r"\b(?:approved|signed off|cleared|vetted|authori[sz]ed|checked|reviewed|okayed|ok'd|"
    r"sanctioned|run) (?:first |past |personally )?by me\b",
    r"\bwithout my (?:[\w'-]+ )?(?:approval|sign[- ]?off|permission|consent|say[- ]so|go[- "
    r"]ahead|authori[sz]ation|ok|okay)\b",
    r"\b(?:go(?:ing)?|went|get) (?:around|over|behind) (?:me|my back|my head)\b|\bbypass\w* "
    r"me\b|\bbehind my back\b",
    r"\bi (?:alone )?(?:make|decide|approve|sign off on|own) (?:[\w'-]+ )?(?:all|every|the "
    r"final)\b|\bi (?:alone )?decide\b",
    r"\b(?:report|answer|come) (?:directly )?(?:to|back to) me (?:only|alone|first|and only me)\b",
    r"\bkeep (?:my|the|our) (?:[\w'-]+ )?(?:team|staff|people|colleagues|management|boss) out of\b",
)


def control(msg: Message) -> bool:
    """Gatekeeping: one person insists everything is routed through them, forbids
    contact with colleagues, or guards every decision ("without my sign-off")."""
    return _affirmed(_CONTROL, msg.low)


_URGENCY = _rx(
    _words(
        "asap a\\.s\\.a\\.p urgent\\w* immediate\\w* right_now right_away straight_away at_once "
        "without_delay time-sensitive time_sensitive top_priority highest_priority "
        "drop_everything hurry pronto overdue eod cob chas\\w+ as_soon_as_possible"
    ),
    r"\b(?:by|before|until|no later than) (?:the )?(?:end of (?:the )?(?:day|today|business)|"
    r"close of (?:business|play)|today|tonight|tomorrow|this afternoon|noon|lunchtime|first "
    r"thing)\b",
    r"\b(?:need|needs|needed|want|wanted|expect|must have)(?: [\w'-]+){0,3} (?:today|tonight|"
    r"now)\b",
    r"\b(?:in|within) (?:the next )?(?:\d+|an?|one|two) (?:hours?|minutes?|mins?)\b",
    r"\b(?:still|been|keep|kept|are|am|is|have been) (?:[\w'-]+ )?waiting\b",
    r"\bwaiting (?:for|on|since) (?:[\w'-]+ ){0,3}(?:days|weeks|months|hours|ages|ever|forever)\b",
    r"\bhow (?:much )?(?:longer|long do (?:i|we) have to)\b|\bany (?:update|news|progress|"
    r"word)s?\b",
    r"\bstill (?:no|not|nothing|haven't|hasn't|no sign)\b",
    r"\b(?:it's|it has|it is|that's|has|have) (?:now )?been (?:over |more than |almost |"
    r"nearly |well over )?(?:a|an|\d+|two|three|four|five|six|seven|eight|nine|ten|several|"
    r"many) (?:days?|weeks?|months?|fortnight)\b",
    r"\b(?:no one|nobody|no-one|none of you) (?:has |have )?(?:got|gotten|come|written|"
    r"replied|responded|called|phoned|emailed) back\b|\b(?:haven't|have not|hasn't|never) "
    r"(?:heard|had a reply|had an answer|had a response)\b|\bwhere are (?:we|things) (?:on|"
    r"with) (?:this|that|it)\b",
    r"\b(?:\d+(?:st|nd|rd|th)|second|third|fourth|fifth|umpteenth|nth) (?:time|reminder|"
    r"follow[- ]?up|chaser|email|request|attempt)\b",
    r"\b(?:another|yet another|final|last) (?:reminder|follow[- ]?up|chaser|nudge)\b",
    r"\b(?:i|we)(?:'ve| have) (?:already )?(?:asked|written|called|emailed|chased)(?: "
    r"[\w'-]+){0,3} (?:twice|three times|\w+ times|repeatedly|several times|multiple times)\b",
    r"\b(?:can't|cannot) wait (?:any ?longer|much longer|another)\b|\b(?:running|ran) out of "
    r"(?:time|patience)\b",
    r"\bas soon as (?:you can|humanly possible|possible)\b",
)


def urgency(msg: Message) -> bool:
    """Impatience and time pressure: ASAP/urgent/today, "still waiting", "any update?",
    "third reminder". "Not urgent" and "no rush" are not."""
    return _affirmed(_URGENCY, msg.low)


_LOYAL = (
    r"(?:loyal|long[- ]?standing|long[- ]?time|longtime|long[- ]term|valued|premium|"
    r"platinum|gold|vip|key|big|major|important|top|biggest|largest|oldest|founding|"
    r"enterprise|paying|strategic|high[- ]value|\d+[- ]year|faithful)"
)
_ENTITLEMENT = _rx(
    r"\bas (?:a|an|one of your|your) (?:[\w'-]+ )?" + _LOYAL + r"\b",
    r"\b(?:i|we)(?:'ve| have|'re| are|'m| am)? (?:[\w'-]+ )?(?:deserve[sd]?|entitled|earned|"
    r"have a right)\b",
    r"\byou owe (?:me|us)\b|\bthe (?:very )?least you (?:can|could) do\b",
    r"\b(?:given|considering|for|after) (?:(?:all|just) )?(?:how much|what|the amount|the "
    r"money|everything|all the (?:money|business|years)|the years|(?:\d+|many|ten|five|"
    r"several) years)\b(?: [\w'-]+){0,4} (?:we|i)(?:'ve| have)? (?:pay|paid|spend|spent|give|"
    r"given|bring|brought|been)\b",
    r"\bfor what (?:we|i) (?:pay|are paying|am paying|spend)\b",
    r"\b(?:special|preferential|vip|priority|first-class|royal) treatment\b",
    r"\b(?:do|don't) you know who (?:i am|we are)\b",
    r"\b(?:we|i)(?: [\w'-]+)? (?:should|ought to|expect to|must|deserve to) (?:be |get |have "
    r")?(?:prioriti[sz]ed|first|priority|special|preferential|bumped|fast[- ]tracked|jump the "
    r"queue|skip the queue|front of the (?:queue|line))\b",
    r"\b(?:customers?|clients?|companies|accounts?|people) (?:like|of) (?:me|us|our (?:size|"
    r"stature|standing))\b",
    r"\b(?:someone|a company|a client|an organi[sz]ation|a customer) of (?:my|our) (?:size|"
    r"stature|standing|importance|calibre|caliber)\b",
)


# "we've been with you since day one ... surely that counts for something"
_LOYALTY = re.compile(
    r"\b(?:we've|we have|i've|i have) been (?:with you|a customer|your customer|a client|your "
    r"client|loyal|customers|clients) (?:since|for)\b"
)
_DUE = re.compile(
    r"\b(?:priority|special|exception|discount|counts? for|deserve\w*|earn\w*|owe|expect\w*|"
    r"the least|should|ought)\b"
)


def entitlement(msg: Message) -> bool:
    """Claims special treatment by status: "as a long-standing client", "we've earned
    it", "for what we pay", "customers like us". "We don't expect special treatment" is
    not."""
    return _affirmed(_ENTITLEMENT, msg.low) or bool(
        _LOYALTY.search(msg.low) and _DUE.search(msg.low)
    )


_SARCASM_FIXED = _rx(
    r"\b(?:thanks|thank you|cheers)(?: [\w'-]+)? for (?:absolutely )?nothing\b",
    r"\byeah,? (?:right|sure)\b|\bas if\b|\bgood luck with that\b",
    r"\blike (?:that|this)(?:'s| is| was)? (?:ever )?(?:going to|gonna|will ever|will) "
    r"(?:ever )?happen\b",
    r"\b(?:what a|big|such a|surprise,?) (?:surprise|shock|shocker)\b",
    r"\b(?:colou?r me|i'm so|i am so|i'm shocked,?) (?:shocked|surprised|amazed|stunned)\b",
    r"\bmust be nice\b|\bso-called\b|\bif you can call (?:it|that|this)\b|\bslow clap\b",
    r"\b(?:not bad|pretty good|decent|impressive|nice) for (?:a |an |once|a change|people|"
    r"someone|a company)",
    r"\bfor (?:once|a change)\b|\btook (?:you|them|your \w+) long enough\b",
    r"\bhow (?:very )?(?:convenient|original|novel|thoughtful of you|kind of you|generous of "
    r"you)\b",
    r"\bi'm sure (?:you|it|that|they|everyone|your team)(?:'re| are| will| did|'ll|'s| is)? "
    r"(?:[\w'-]+ )?(?:very |so |really )?(?:busy|important|working (?:hard|on it)|doing "
    r"(?:your|their) best)\b",
    r"\bclearly (?:you(?:'re| are)|you guys are) the experts?\b",
    r"\b(?:as )?per my (?:last|previous|earlier) (?:email|message|note|mail)\b",
    r"\bas (?:i|we) (?:have )?(?:already |previously )(?:said|mentioned|explained|stated|told "
    r"you)\b",
    # "I love waiting on hold": enjoying an ordeal
    r"\b(?:love|loving|loved|enjoy\w*|adore|nothing (?:i|we) (?:love|like|enjoy) more than|"
    r"(?:my|our) favou?rite (?:thing|part|pastime|hobby)|nothing like|nothing better than|"
    r"always a (?:joy|pleasure|treat|delight)|what fun|so much fun)(?: [\w'-]+){0,4}? "
    r"(?:wait\w*|chas\w*|being (?:ignored|put on hold|transferred|charged|billed|overcharged|"
    r"passed)|on hold|repeat\w*|paying (?:twice|more|extra)|spend\w* (?:hours|days|my|our|"
    r"the)|getting (?:charged|billed|overcharged|ignored|the runaround)|explain\w* (?:the "
    r"same|again|it again)|fill\w* (?:in|out) (?:the same|another))",
)
# "Wow, only three weeks to answer": mocking a long wait with praise
_LONG_WAIT = re.compile(
    r"\b(?:only|just|a mere|merely|barely|took (?:you|them|your \w+)(?: only| just)?) (?:\d+|"
    r"two|three|four|five|six|seven|eight|nine|ten|a few|several|a couple of) (?:weeks|months|"
    r"years|emails|calls|reminders|tickets|attempts|tries|follow-?ups|phone calls)\b"
)
_MOCK_PRAISE = re.compile(
    _words(
        "wow impressive speedy quick fast lightning record bravo well_done congrat\\w* great "
        "amazing fantastic incredible remarkable efficient nice brilliant stellar superb"
    )
)
# "Great, another outage." / "Another outage. Just wonderful."
_INTERJECTION = re.compile(
    r"(?:^|[.!?]\s+|\n)(?:(?:oh|ah|well|wow|gee|just|how|so|yeah|yay|hooray|simply|absolutely|"
    r"really|truly)[,!]?\s+)*"
    + _POSITIVE
    + r"(?:\s+(?:news|stuff|job|work|service|timing|guys|team))?\s*(?:[,.!…-]+|$)\s*([^\n]{0,120})"
)
_SHORT_PRAISE = re.compile(
    r"^(?:(?:oh|ah|well|wow|gee|just|how|so|simply|absolutely|really|truly|yeah)[,!]?\s+)*"
    + _POSITIVE
    + r"(?:\s+(?:news|stuff|job|work|service|timing|guys|team|as always|as usual))?[\s.!…]*$"
)
# "thanks for wiping our filters", "really appreciate the three-week silence"
_THANKS_FOR = re.compile(
    r"\b(?:thanks|thank you|cheers|appreciated?|appreciates|love[sd]?|loving|enjoy\w*|adore)"
    r"(?: (?:so|very) much| a (?:lot|bunch|million))?(?: again)?(?: for)? ([^.!?,;]{0,50})"
)
_HARM = re.compile(
    _words(
        "break\\w* los\\w+ lost ignor\\w* wast\\w* ruin\\w* delet\\w* overcharg\\w* "
        "doubl\\w*_charg\\w* mess\\w* screw\\w* wip\\w* eras\\w* nuk\\w* making_(?:me|"
        "us)_wait leav\\w+_(?:me|us) "
        "ghost\\w* another yet_another crash\\w* forget\\w* forgot\\w* outages? downtime "
        "delays? silence runaround surprise hike increase"
    )
)
# 'your "support"' / "the 'fix' you sent": scare quotes around a word of service or praise
_SCARE_QUOTES = re.compile(
    r"\"\s?((?:[\w-]+ ){0,2}[\w-]+)\s?\"|(?<!\w)'((?:[\w-]+ ){0,2}[\w-]+)'(?!\w)"
)
_SCARE_WORDS = re.compile(
    _words(
        "support help helpful service fix fixed fixes expert\\w* solution priority urgent "
        "quick fast premium professional\\w* team update improvement upgrade feature care "
        "assistance guarantee\\w* partner\\w* specialist\\w* senior dedicated answer response "
        "resolution resolved working tested quality best"
    )
)


def sarcasm(msg: Message) -> bool:
    """Saying the opposite of what is meant, and backhanded praise: praise aimed at a bad
    event ("great, another outage", "thanks for losing our data"), enjoying an ordeal
    ("love waiting on hold"), mocking a long wait ("only three weeks, impressive"),
    scare quotes ('your "support"'), and stock phrases ("yeah right", "for once")."""
    low = msg.low
    if _SARCASM_FIXED.search(low):
        return True
    if _LONG_WAIT.search(low) and _MOCK_PRAISE.search(low):
        return True
    for m in _SCARE_QUOTES.finditer(low):
        if _SCARE_WORDS.search(m.group(1) or m.group(2)):
            return True
    for m in _THANKS_FOR.finditer(low):
        harm = _HARM.search(m.group(1))
        kind = [k.start() for k in (_REMEDY.search(m.group(1)), _SERVICE.search(m.group(1))) if k]
        # whichever comes first is what is being thanked for
        if harm and (not kind or harm.start() < min(kind)):
            return True
    for m in _INTERJECTION.finditer(low):
        rest = m.group(1)
        if _NEG_EVENT.search(rest) and not (_REMEDY.search(rest) or _CONTRAST.search(rest)):
            return True
    sentences = [s.strip() for s in _SENTENCE.split(low) if s.strip()]
    for before, after in pairwise(sentences):
        if (
            _SHORT_PRAISE.match(after)
            and _NEG_EVENT.search(before)
            and not (_REMEDY.search(before) or _CONTRAST.search(before))
        ):
            return True
    return False


_ACRONYMS = _wordset(
    "ASAP SLA API CEO CFO CTO COO EOD COB FYI CRM NPS CSAT SSO VPN URL HTTP HTTPS HR QA ETA "
    "TBD FAQ PDF CSV XML JSON SQL AWS GCP SAP ERP SAAS SMS USA UAE GDPR VAT IBAN PO SOW RFP "
    "KPI ROI UI UX IT ID AM PM OK TV UK EU US NB PS RE FW FWD"
)
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z']{2,}\b")
_ALPHA_WORD = re.compile(r"\b[A-Za-z][A-Za-z']+\b")
_INSULT = re.compile(
    _words(
        "idiots? idiotic morons? moronic imbeciles? clowns? dimwits? halfwits? numpt\\w+ "
        "muppets? buffoons? cretins? losers? liars? crooks? scammers? thieves cowboys "
        "amateurs jerks? incompetent incompetence bastards? imbecilic pathetic disgrace\\w* "
        "shameful should_be_(?:fired|sacked|ashamed)"
    )
)
_TARGETED_INSULT = re.compile(
    r"\b"
    + _YOU
    + r"\b(?: [\w'-]+){0,3} (?:useless|pathetic|stupid|dumb|clueless|worthless|hopeless|a "
    r"joke|a disgrace|disgraceful|shameful|ridiculous|brainless|a bunch of \w+|a shambles|a "
    r"circus)\b"
    + r"|\b(?:useless|pathetic|stupid|dumb|clueless|worthless|hopeless|brainless) (?:people|"
    r"team|company|staff|bunch|lot|outfit|firm|excuse for)\b"
    + r"|\bare you (?:[\w'-]+ )?(?:stupid|deaf|blind|kidding|serious|insane|out of your mind|"
    r"incapable)\b"
)
_PROFANITY = re.compile(
    _words(
        "f+u+c+k\\w* f\\*+\\w* sh[i1]t\\w* s\\*+t crap\\w* damn\\w* goddamn hell bloody "
        "bullshit bs wtf ffs piss\\w* arse\\w* ass asshole bollocks screw_you shut_up how_dare_you"
    )
)
_THREAT = _rx(
    r"\b(?:i|we)(?:'ll| will| am going to| are going to|'m going to|'re going to| shall) "
    r"(?:[\w'-]+ )?(?:sue|take (?:legal action|this to court|you to court)|report you|expose|"
    r"destroy|ruin|name and shame|go public|go to the (?:press|media))\b",
    r"\b(?:i|we)(?:'ll| will| am going to| are going to|'m going to|'re going to) (?:[\w'-]+ "
    r")?make sure (?:[\w'-]+ ){0,3}(?:regret|pay|sorry|everyone knows|hears? about)\b",
    r"\b(?:bad|negative|one[- ]star|1[- ]star|scathing|terrible) reviews? (?:everywhere|on "
    r"every|online)\b|\bleave (?:a |you )?(?:bad|negative|one[- ]star|1[- ]star|scathing) "
    r"review",
    r"\blegal action\b|\b(?:my|our) (?:lawyers?|solicitors?|attorneys?|legal team)\b|\bsee "
    r"you in court\b",
    r"\byou(?:'ll| will) (?:regret|be sorry|pay for)\b|\bwatch your back\b|\bor else\b",
)


def _shouting(msg: Message) -> bool:
    words = _ALPHA_WORD.findall(msg.cased)
    caps = [w for w in _CAPS_WORD.findall(msg.cased) if w.replace("'", "") not in _ACRONYMS]
    many_caps = len(caps) >= 5 or (len(caps) >= 3 and len(caps) >= 0.4 * len(words))
    caps_and_bangs = bool(caps) and bool(re.search(r"!{2,}|\?!|!\?", msg.cased))
    # capitals are emphasis, not anger, when the message is otherwise warm ("THANK YOU!!")
    return (many_caps or caps_and_bangs) and msg.literal_tone < 0.3


def aggression(msg: Message) -> bool:
    """Hostility: insults aimed at people, profanity, threats (legal, public shaming), and
    shouting in capitals when the message is not a warm one."""
    low = msg.low
    return bool(
        _INSULT.search(low)
        or _TARGETED_INSULT.search(low)
        or _PROFANITY.search(low)
        or _THREAT.search(low)
        or _shouting(msg)
    )


_STRONG_PRAISE = (
    r"(?:great|excellent|fantastic|brilliant|amazing|superb|outstanding|terrific|"
    r"wonderful|awesome|stellar|impressive|lovely|fabulous|exceptional|first[- "
    r"]class|top[- ]notch|top[- ]class|world[- ]class|smooth|seamless|flawless|"
    r"beautiful|gorgeous|slick|spot on|superb)"
)
_PRAISE = _rx(
    r"\b(?:thanks|thank you) (?:so|very) much\b|\bthanks a (?:lot|million|ton|bunch)\b|\bmany "
    r"thanks\b",
    r"\b(?:thanks|thank you|cheers)(?: (?:so|very) much| a (?:lot|million|ton|bunch))?(?: "
    r"again)? (?:for|to)\b(?! (?:nothing|absolutely nothing|now|in advance|your (?:patience|"
    r"understanding)))",
    r"\b"
    + _STRONG_PRAISE
    + r" (?:[\w'-]+ )?(?:job|work|support|service|effort|team|call|meeting|session|turnaround|"
    r"response|fix|help|results?|delivery|release|launch|update|presentation|demo|advice|"
    r"experience|onboarding|rollout|collaboration|communication|progress|answers?|reply|"
    r"partner|documentation|explanation|workshop|training)\b",
    r"\b(?:good|nice|solid|quick|fast|prompt|speedy|helpful|responsive|thorough|clear|perfect|"
    r"careful) (?:[\w'-]+ )?(?:job|work|turnaround|response|fix|help|support|service|effort|"
    r"delivery|answer|reply|explanation|documentation)\b",
    r"\b(?:is|are|was|were|looks?|looked|seems?|feels?|sounds?|been) (?:really |very |so |"
    r"absolutely |just |truly )?" + _STRONG_PRAISE + r"\b",
    _words(
        "well_done nicely_done kudos bravo hats_off shout-?out props_to nailed_it above_and_beyond "
        "lifesaver life-saver game-changer made_my_day made_our_day couldn't_be_happier "
        "could_not_be_happier highly_recommend five_stars 5_stars spot_on"
    ),
    r"(?<!would )(?<!'d )\b(?:really |very |so |truly |genuinely |greatly |hugely "
    r")?(?:appreciate[sd]?|appreciation|grateful|thankful)\b(?! if)",
    r"\b(?:happy|pleased|delighted|thrilled|satisfied|impressed|blown away) (?:with|by|about|"
    r"at|how)\b|\bimpressed\b",
    r"(?<!'d )(?<!would )\b(?:love|loving|loved|enjoy|enjoyed|enjoying|adore) (?:the|your|it|"
    r"this|that|how|working|what)\b",
    r"\b(?:works?|worked|working|running|runs|went) (?:great|perfectly|flawlessly|beautifully|"
    r"like a charm|really well|so well|smoothly|without a hitch)\b",
    _YOU + r" (?:[\w'-]+ )?(?:rock|rocks|are (?:the best|amazing|great|brilliant|stars|a star|"
    r"fantastic|awesome|wonderful|legends?)|did (?:a |an )?(?:great|fantastic|brilliant|"
    r"amazing|excellent|good|superb|outstanding) job|saved (?:us|me|the day|our))\b",
)


def praise(msg: Message) -> bool:
    """Positive acknowledgement: thanks for something specific, "great support", "well
    done", "really appreciate", "works perfectly". Negated praise ("not impressed") and a
    bare "thanks" sign-off are not. (Praise that is sarcastic is dropped by the caller.)"""
    return _affirmed(_PRAISE, msg.low)


_CHANGED = _rx(
    r"\bactually,? (?:[\w'-]+ )?(?:we|i)(?:'d| would|'ll| will)? (?:now |rather |instead |"
    r"really )?(?:want|need|prefer|like|decided|think we should|going to go)\b",
    r"\b(?:forget|ignore|disregard|scrap|scratch|drop|bin) (?:what (?:i|we)|everything (?:i|"
    r"we)|all (?:that|of that|i|we)|that|my|our|the) (?:[\w'-]+ ){0,2}(?:said|asked|wrote|"
    r"told you|sent|requested|agreed|discussed|(?:previous|earlier|last|original|old|first) "
    r"(?:[\w'-]+ )?(?:email|message|request|brief|spec|plan|version|note|instructions?|"
    r"requirements?|direction))\b",
    r"\bscratch that\b|\bforget (?:that|all that)\b|\bon second thoughts?\b|\bchange of "
    r"(?:plans?|heart|direction|mind)\b",
    r"\b(?:changed|changing|change) (?:our|my|the) (?:minds?|plans?|direction|priorities|"
    r"requirements?|spec|specs|brief|scope)\b",
    r"\b(?:new|different|revised|updated|completely different|fresh) (?:set of "
    r")?(?:requirements?|direction|brief|spec\w*|scope|approach|priorities|plan)\b",
    r"\b(?:we|i)(?:'d)? (?:now |actually |rather |really )*(?:want|need|prefer|would prefer|"
    r"would like|'d like|decided)\b[^.!?]{0,60}\binstead\b",
    r"\binstead of what (?:we|i|you)\b",
    r"\b(?:decided|switch\w*|chang\w*|shift\w*)\b[^.!?]{0,60}(?:, not |\brather than\b|"
    r"\binstead\b)",
    r"\b(?:revert\w*|roll\w* back|go back|going back|switch\w* back|chang\w* (?:it |this |"
    r"them )?back|put (?:it |this |them )?back|move (?:it |this |them )?back) to (?:the "
    r")?(?:original|old|previous|first|earlier|way it was|initial|last|older)\b",
    r"\b(?:isn't|is not|aren't|not|don't|do not|no longer) (?:[\w'-]+ ){0,4}(?:want|need|"
    r"after|looking for|like|prefer)\w* (?:[\w'-]+ ){0,3}any ?(?:more|longer)\b",
    r"\b(?:no longer|not anymore) what (?:we|i) want\b|\bwhat (?:we|i) (?:said|asked for) "
    r"(?:before|earlier|last week|yesterday) (?:no longer|doesn't|does not)\b",
)


def changed_requirements(msg: Message) -> bool:
    """Inconsistency: the ask changes after work started ("actually we now want",
    "forget what I said", "new direction", "put it back to the original")."""
    return _affirmed(_CHANGED, msg.low)


_FREE_EXTRA = _rx(
    r"\b(?:for free|free of charge|at no (?:extra |additional )?(?:cost|charge)|for no "
    r"(?:extra |additional )?(?:cost|charge|money)|without (?:any )?(?:extra |additional "
    r")?(?:charge|cost|payment|paying)|no (?:extra|additional) (?:cost|charge)|on the house|"
    r"complimentary|gratis)\b",
    r"\bthrow(?:n|ing)? (?:[\w'-]+ ){0,3}in\b",
    r"\b(?:for|at|within|on|keep) the (?:same|current|original|agreed|existing) (?:price|"
    r"budget|fee|cost|rate)\b",
    r"\bunlimited (?:revisions|changes|support|calls|rework|amendments)\b",
    r"\b(?:zero|no) (?:bugs|errors|defects|downtime|mistakes|issues) (?:ever|at all|"
    r"guaranteed|whatsoever)\b|\bguarantee (?:[\w'-]+ )?(?:100|zero|no|perfect)\b|\b100 ?% "
    r"(?:uptime|guaranteed|perfect|accuracy|bug[- ]free|error[- ]free)\b",
)
_BIG_WORK = re.compile(
    r"\b(?:entire|whole|complete|full|all|everything|from scratch|rebuild|redesign|rewrite|"
    r"migrate|re-?do|overhaul|new (?:site|app|website|system|platform|module|feature|version|"
    r"report))\b"
)
_TIGHT_DEADLINE = re.compile(
    r"\b(?:by|before|for) (?:tomorrow|tonight|this afternoon|end of (?:the )?day|eod|the "
    r"morning|first thing|lunch|monday|the weekend)\b|\b(?:overnight|over the weekend|in "
    r"(?:an|one|a single|two) (?:hours?|days?|afternoon|evening|night)|within (?:the hour|an "
    r"hour|minutes|\d+ (?:minutes|hours)))\b"
)
_ALWAYS_ON = re.compile(
    r"\b(?:24/7|24 ?x ?7|around the clock|round the clock|at all times|any time of (?:the "
    r")?(?:day|night)|weekends?|midnight|middle of the night|on call)\b"
)
_BE_AVAILABLE = re.compile(
    r"\b(?:available|reachable|respond|answer|reply|pick up|on hand|support)\b"
)
_EXTRA_ASK = re.compile(r"\b(?:add|extra|additional|more|also|another|include|build|throw)\b")
_OUT_OF_SCOPE = re.compile(
    r"\b(?:while you(?:'re| are) at it|on top of (?:that|this|everything))\b|\b(?:not|isn't|"
    r"wasn't|aren't|outside|beyond|out of) (?:[\w'-]+ ){0,3}(?:scope|contract|agreement|sow|"
    r"statement of work|package|plan|quote|original (?:brief|spec)|subscription|tier|"
    r"licen[cs]e)\b"
)
_INSISTENCE = re.compile(
    r"\b(?:but|still|anyway|regardless|expect|want|need|must|please|can you|could you|add|"
    r"include|build|do)\b"
)


def unreasonable_demand(msg: Message) -> bool:
    """Asks no fair supplier could meet: free extra work, big jobs on impossible deadlines,
    round-the-clock availability, zero-defect guarantees, out-of-scope additions."""
    low = msg.low
    if _affirmed(_FREE_EXTRA, low) and (_EXTRA_ASK.search(low) or "free" in low):
        return True
    return (
        _in_same_sentence(_BIG_WORK, _TIGHT_DEADLINE, low)
        or _in_same_sentence(_ALWAYS_ON, _BE_AVAILABLE, low)
        or _in_same_sentence(_OUT_OF_SCOPE, _INSISTENCE, low)
    )


_REFUSAL = _rx(
    r"\b(?:i|we) (?:really |honestly |frankly |just )?(?:don't|do not|couldn't|could not) "
    r"care (?:[\w'-]+ ){0,2}(?:what|about (?:your|the|any|how|why)|how|why|whose|who|for your|"
    r"if you|whether)\b",
    r"\b(?:not|no longer|not remotely|not at all) interested in (?:[\w'-]+ "
    r"){0,2}(?:explanations?|excuses?|reasons?|justifications?|stories|story|side|hearing|"
    r"opinions?|views?|take|policy|process|perspective|point)\b",
    r"\bspare me\b|\bsave (?:it|your breath)\b|\bsave (?:the|your) (?:[\w-]+ ){0,2}(?:details|"
    r"explanations?|excuses|lectures?|speech|story|jargon|justifications?|essays?)\b|\benough "
    r"(?:with )?(?:the |your )?(?:excuses|explanations|talk|apologies)\b",
    r"\bno (?:more )?(?:excuses|explanations|buts)\b|\bstop (?:making excuses|explaining|"
    r"justifying|apologi[sz]ing|talking)\b",
    r"\b(?:i|we)(?:'m|'re|'ll| am| are| will)? (?:don't|do not|won't|will not|refuse to|not|"
    r"never|not going to) (?:[\w'-]+ )?(?:want to )?(?:hear|listen|read)\w*\b",
    r"\b(?:didn't|did not|haven't|won't|not going to) (?:bother )?(?:to )?read(?:ing)? "
    r"(?:your|it|the|any|this|that)\b",
    r"\bwhatever (?:you say|your (?:excuse|reason|policy|explanation))\b|\bi(?:'ve| have) "
    r"heard (?:it all|enough|all (?:the|your|of))\b",
    r"\b(?:don't|do not|no need to) (?:bother|waste (?:your|my) time)(?: with| explaining| "
    r"sending)? (?:the |your |any |more )?(?:details|explanations?|excuses|reasons?|"
    r"background|context|specifics|technicalities|justifications?)\b",
    r"\b(?:don't|do not) (?:bother|try) (?:to )?(?:explain\w*|justif\w*|apologi[sz]\w*)\b|"
    r"\bend of (?:discussion|story|conversation)\b",
    r"\b(?:i|we) (?:don't|do not) need (?:an |your |any |another )?(?:explanation|excuses|"
    r"lecture|lesson)s?\b",
)


def refusal_to_listen(msg: Message) -> bool:
    """Shuts down our side of the conversation: "I don't care what you say", "spare me
    the explanation", "I won't read another of your emails"."""
    return bool(_REFUSAL.search(msg.low))


# "sign by Friday or we walk": a condition with an exit as the only alternative
_ULTIMATUM = (
    r"\bor (?:else )?(?:we|i)(?:'ll| will| are| am|'re|'m)? (?:[\w'-]+ )?(?:walk|"
    r"leave|go elsewhere|cancel|pull out|pull the plug|take our business|done|"
    r"terminate|walk away)\b"
)
_INFLEXIBLE = _rx(
    r"\bnon-? ?negotiable\b|\bnot (?:up for |open to )?negotia\w+\b|\btake it or leave it\b",
    r"\b(?:final|last|best and final) (?:offer|answer|word|position|decision)\b|\bend of "
    r"(?:discussion|story|conversation)\b",
    r"\bno exceptions?\b|\bmy way or\b|\b(?:won't|will not|not) budg\w+\b|\bset in stone\b|"
    r"\bno ifs\b",
    r"\bno (?:room|wiggle room|flexibility|compromise|alternatives?|discussion|negotiation|"
    r"debate|leeway|give)(?: [\w'-]+)? (?:here|on this|on that|on (?:the|our|my) \w+|"
    r"whatsoever|at all)\b|\bno compromise\b",
    r"\b(?:not|never) (?:open to|up for|willing to (?:consider|discuss|negotiate|compromise|"
    r"move|change|bend))\b",
    r"\b(?:is|are|'s) (?:our |my |the )?(?:final|firm|non-negotiable)\b",
    r"\b(?:won't|will not|refuse to|not going to|shall not|are not going to|aren't going to) "
    r"(?:be )?(?:revisit\w*|reopen\w*|renegotiat\w*|revis\w*|compromis\w*|negotiat\w*|budg\w*|"
    r"bend\w*|reconsider\w*|move on this|change (?:our|my) (?:position|mind)|accept anything "
    r"(?:else|less|other)|discuss (?:this|it) (?:any ?more|further))\b",
    r"\b(?:i've|we've|i have|we have) made up (?:my|our) minds?\b|\b(?:my|our) minds? (?:is|"
    r"are) made up\b",
    r"\bas (?:low|high|far|much|little) as (?:we|i)(?:'ll| will| can| are willing to| are "
    r"prepared to)? go\b",
    r"\b(?:won't|will not|not going to|can't|cannot) (?:move|shift|go (?:any )?(?:lower|"
    r"higher|further))\b",
    r"\bnothing (?:less|else) (?:than|will do)\b|\bthe only (?:acceptable|option|way|"
    r"solution)\b|\b(?:under|in) no circumstances\b",
    r"\bthat(?:'s| is) (?:the deal|final|how it is|that)\b|\bthis is how it(?:'s| is) going "
    r"to be\b",
    r",\s*(?:period|full stop)\b",
    _ULTIMATUM,
)


def inflexible(msg: Message) -> bool:
    """Closes negotiation: "non-negotiable", "take it or leave it", "final offer", "no
    flexibility on this", "we won't compromise"."""
    return _affirmed(_INFLEXIBLE, msg.low)


_TERMS = (
    r"(?:contract|terms|agreement|policy|policies|sla|notice(?: period)?|rules?|fine "
    r"print|small print|clause|minimum term|lock[- ]?in|process|procedure|terms and "
    r"conditions|t&cs|t's and c's)"
)
_OUT_OF_CONTRACT = _rx(
    r"\b(?:regardless|irrespective) of (?:what )?(?:the |your |our |any )?" + _TERMS + r"\b",
    r"\b(?:don't|do not) care (?:[\w'-]+ ){0,3}" + _TERMS + r"\b",
    r"\b(?:ignore|forget|skip|waive|bypass|override|set aside|scrap|drop) (?:the |your |this |"
    r"that |any |our )?(?:[\w'-]+ )?(?:" + _TERMS + r"|fee|fees|penalty|penalties)\b",
    r"\b"
    + _TERMS
    + r"(?: [\w'-]+){0,2} (?:don't|do not|doesn't|does not|shouldn't|should not) (?:apply|"
    r"matter|count)\b",
    r"\b(?:refuse to|won't|will not|not going to|aren't going to|am not going to|not gonna|"
    r"shan't) (?:be )?(?:pay(?:ing)?|honou?r\w*|follow\w*|respect\w*|comply\w*|abid\w*|"
    r"stick\w* to|give (?:[\w'-]+ )?notice)\b(?: [\w'-]+){0,4} (?:fee|fees|invoice|bill|"
    r"penalty|terms|contract|notice|policy|charges?|minimum|termination|clause|agreement|sla|"
    r"rules)\b",
    r"\bpay(?:ing)? (?:[\w']+ ){0,4}(?:whenever|when (?:we|i) (?:feel like|want|can|get round|"
    r"get around)|late|next (?:quarter|year|month)|in (?:\d+|ninety|sixty|a few|several) "
    r"(?:days|weeks|months)|in (?:jan|feb|march|april|may|june|july|aug|sept?|oct|nov|"
    r"dec)\w*)\b",
    r"\b(?:cancel|terminate|exit|leave|end|break|get out of) (?:the |our |my |this "
    r")?(?:contract|agreement|subscription|deal)? ?(?:early |now |today |immediately |right "
    r"away )?without (?:any |the |paying (?:the |any )?)?(?:fee|fees|penalty|penalties|notice|"
    r"charge|termination fee|exit fee)\b",
    r"\b(?:share|sharing|use|using|give|giving) (?:[\w'-]+ )?(?:our |the |my |one "
    r")?(?:licen[cs]es?|logins?|accounts?|seats?|credentials|passwords?) (?:with|for|across) "
    r"(?:[\w'-]+ )?(?:other|another|our other|sister|partner|all|the whole|external)\b",
    r"\bmake an exception\b|\bbend the rules\b|\bjust this once\b",
    r"\b(?:keep|continue|carry on)\w* (?:using|to use|accessing|with)\b[^.!?]{0,40}\b(?:after|"
    r"beyond|past|once) (?:the |our )?(?:licen[cs]e|contract|subscription|term|trial|"
    r"agreement)s? (?:ends?|expires?|has expired|runs? out|lapses?|is over|period)",
)
_NOT_COVERED = re.compile(
    r"\b(?:not|isn't|wasn't|aren't|never|outside|beyond) (?:[\w'-]+ ){0,2}(?:in|part of|"
    r"covered by|included in|of)? ?(?:the |our |your )?(?:contract|agreement|terms|sla|"
    r"package|plan|subscription|tier|licen[cs]e)\b"
)
# licences stretched to people the contract does not cover
_OTHER_ENTITY = re.compile(
    r"\b(?:sister|parent|partner|other|affiliated?|subsidiary|another|external|group) "
    r"(?:companies|company|firms?|business(?:es)?|entit(?:y|ies)|brands?|divisions?|agenc(?:y|"
    r"ies)|contractors?|freelancers?)\b|\bsubsidiaries\b|\baffiliates\b"
)
_ACCESS = re.compile(
    r"\b(?:access|log ?ins?|logins?|licen[cs]es?|seats?|accounts?|credentials|passwords?|user "
    r"?names?)\b"
)
_DEMAND = re.compile(
    r"\b(?:but|still|anyway|expect|want|need|must|regardless|so what|don't care)\b"
)


def out_of_contract(msg: Message) -> bool:
    """Ignores the agreed terms: demands what the contract excludes, refuses to pay fees
    or give notice, pays when they like, shares licences, asks for an exception."""
    low = msg.low
    return (
        _affirmed(_OUT_OF_CONTRACT, low)
        or _in_same_sentence(_NOT_COVERED, _DEMAND, low)
        or _in_same_sentence(_OTHER_ENTITY, _ACCESS, low)
    )


_LEAVE = _rx(
    r"\b(?:cancel\w*|terminat\w*|close|closing|exit|exiting|leave|leaving|quit\w*|drop|"
    r"dropping|pull the plug on|walk away from|end (?:our|the|this)) (?:[\w'-]+ "
    r"){0,2}(?:contract|subscription|account|service|services|agreement|plan|partnership|"
    r"relationship|membership|licen[cs]es?|business|renewal)\b",
    r"\b(?:switch\w*|mov\w*|go|going|went|tak\w* (?:our|my) (?:business|money|account|budget|"
    r"custom)|tak\w+ (?:it|this)) (?:[\w'-]+ ){0,2}(?:elsewhere|to (?:a |one of your |your "
    r")?(?:competitors?|rivals?|someone else|(?:another|a different|a new|a cheaper|a better) "
    r"(?:vendor|provider|supplier|agency|company|firm|partner|tool|platform)))\b",
    r"\b(?:look\w*|shop\w*) (?:[\w'-]+ )?(?:around|elsewhere|for (?:a |an )?(?:new|another|"
    r"other|different|alternative|replacement|cheaper|better) (?:vendors?|providers?|"
    r"suppliers?|agenc\w+|partners?|options?|solutions?|tools?|platforms?))\b",
    r"\b(?:consider\w*|evaluat\w*|explor\w*|talk\w* to|speak\w* (?:to|with)|weigh\w*|getting "
    r"quotes from|reach\w* out to|in talks with|trial\w*|demo\w*|compar\w*|meet\w* with) "
    r"(?:[\w'-]+ ){0,4}(?:other|alternative|competing|another|different|new|rival|"
    r"competitors?'?s?) (?:vendors?|providers?|suppliers?|agenc\w+|partners?|options?|"
    r"solutions?|firms?|compan(?:y|ies)|tools?|platforms?|products?|systems?)\b",
    r"\b(?:won't|will not|not going to|aren't going to|do not plan to|don't plan to|not "
    r"planning to|unlikely to) (?:be )?renew\w*\b",
    r"\b(?:we're|we are|we'll be|we will be|i'm|i am|we've decided to|we plan to|we intend to|"
    r"we want to|we'll|we will|going to) (?:be )?(?:cancel\w*|terminat\w*|leav\w*|quit\w*|"
    r"mov\w+ on|pull\w* out|walk\w* away)\b",
    _ULTIMATUM,
    r"\b(?:last|final) (?:straw|chance|warning)\b|\bthis is (?:the|your) last\b|"
    r"\bwalk(?:ing)? away\b|\bchurn\w*\b",
    r"\b(?:we're|we are|i'm|i am) (?:so |absolutely |completely )?(?:done|finished|through) "
    r"with (?:you|your|this)\b",
    r"\b(?:reconsider\w*|rethink\w*|re-?evaluat\w*|review\w*) (?:our|the|this) (?:whole "
    r")?(?:relationship|partnership|contract|business with|account with|options|future)\b",
    r"\bfind (?:someone|somebody|a vendor|a provider|a supplier|an agency|a partner) else\b",
    r"\b(?:competitors?|rivals?)(?: [\w'-]+){0,3} (?:offered|offer|offers|quoted|pitched|"
    r"approached|reached out|courting)\b",
)


def threat_to_leave(msg: Message) -> bool:
    """Signals the customer may go: cancel/terminate, take the business elsewhere, look at
    other vendors, won't renew, last chance. "No plans to cancel" is not."""
    return _affirmed(_LEAVE, msg.low)


_DECLINE = _rx(
    r"\b(?:not|no longer|isn't|aren't|not really|not at all) (?:really |currently |at all "
    r")?interested\b(?! in (?:[\w'-]+ ){0,2}(?:explanations?|excuses?|reasons?|"
    r"justifications?|stories|story|side|hearing|opinions?|views?|policy|process))",
    r"\bno,? thank(?:s| you)\b|\bthanks,? but no\b",
    r"\b(?:appreciate|thanks? for|thank you for) (?:the (?:offer|proposal|suggestion|thought|"
    r"invitation|invite)|your (?:offer|proposal|suggestion|interest|invitation|invite)|"
    r"thinking of us|reaching out|getting in touch)\b[^.!?]{0,12}\bbut\b",
    r"\b(?:stick|stay|remain|continue)\w* (?:with|on) (?:our|the|what we) (?:current|existing|"
    r"present|have)\b",
    r"\b(?:we'll|we will|i'll|i will|we're going to|i'm going to|going to|we'd rather|i'd "
    r"rather|we must|i must|have to|gonna|will have to|prefer to|decided to) (?:pass|sit "
    r"(?:this|it)(?: one)? out|hold off|give (?:it|this) a miss|skip (?:it|this)|leave it)\b|"
    r"\bpass(?:ing)? on (?:this|that|it|the|your)\b",
    r"\b(?:decline|declining|declined|turn(?:ing)? down|turned down|reject(?:ing)?|"
    r"say(?:ing)? no to|won't be (?:taking|accepting)) (?:[\w'-]+ ){0,2}(?:offer|proposal|"
    r"upgrade|quote|invitation|invite|demo|suggestion|package|deal|opportunity|extension|"
    r"renewal|add-?on|plan)\b",
    r"\b(?:we|i) (?:[\w'-]+ )?(?:don't|do not|won't|will not|no longer) (?:need|want|"
    r"require)(?: to)? (?:it|this|that|them|more|another|anything (?:else|more)|any (?:more|"
    r"additional|extra|further)|additional|extra|upgrad\w*|buy\w*|purchas\w*|add\w*|renew\w*|"
    r"expand\w*|proceed\w*|the (?:upgrade|add-?on|extra|additional|new|offer|premium|pro|"
    r"module|service|plan|seats?|licen[cs]es?|package|feature|product|training))\b",
    r"\b(?:not|never|won't be|will not be) (?:buying|purchasing|taking (?:up|you up on)|"
    r"signing up|upgrading|adding|going ahead with|proceeding with|moving ahead with|"
    r"investing in)\b",
    r"\b(?:not|won't be|will not be|aren't|are not) (?:moving|going|proceeding) (?:forward|"
    r"ahead)\b|\bnot (?:at this (?:time|stage|point)|for (?:us|now)|this (?:year|quarter|"
    r"time))\b",
    r"\b(?:is|isn't|not) (?:a )?(?:good )?(?:fit|priority) (?:for us|right now|at the "
    r"moment)\b|\bnot (?:a )?(?:good )?fit\b",
    r"\b(?:please )?(?:stop|quit|cease) (?:[\w'-]+ )?(?:sending|emailing|calling|contacting|"
    r"pitching|messaging|following up|chasing)\b|\b(?:remove|unsubscribe|take) (?:me|us) "
    r"(?:from|off)\b",
    r"\b(?:we've|we have|i've|i have|we|i) (?:decided|chosen|opted) (?:not to|against|to "
    r"(?:go with|stay with|stick with) (?:another|a different|our current|someone else))\b",
    r"\b(?:happy|fine|good|set|sorted|content|satisfied) with (?:what we have|our current|the "
    r"current|how things are)\b",
    r"\b(?:the )?answer is (?:still )?no\b|\b(?:i|we) (?:already |have already |'ve already "
    r")?said no\b|\bstill (?:a )?no\b(?! \w)|\bno means no\b",
    r"\bmaybe (?:next (?:year|quarter)|later|in the future|another time)\b",
)


def decline(msg: Message) -> bool:
    """The customer says no to an offer: not interested, no thanks, we'll pass, we've
    decided against it, stop sending these."""
    return bool(_DECLINE.search(msg.low))


# Unrealistic expectations: beliefs about what the work will achieve that no supplier
# can meet. Four kinds of trigger, each only counted inside a sentence that states an
# expectation (``_EXPECTATION``, not negated: "we don't expect zero bugs" is realism):
# - absolute guarantees: zero / not a single / never any + a defect word ("zero errors",
#   "never any downtime"), "no downtime at all", "bug-free", "won't tolerate a single
#   glitch";
# - perfection: 100% / perfect / flawless next to uptime, accuracy, reliability or a
#   guarantee ("guarantee 100% uptime", "always 100% accurate");
# - impossible timelines: a big scope (entire / whole / full / all / every + migration,
#   rebuild, rollout, users ..., or a migration/overhaul itself) with a tiny span ("by
#   tomorrow", "overnight", "within the hour", "take a day", "in a single morning");
#   asked as a question it is an unreasonable *request* instead, which has its own cue;
# - instant delivery: instant / in real time / in seconds (or "immediately" as a standing
#   rule: every, always) with a delivery word (turnaround, reports, fixes, answers);
# - outsized outcomes on short horizons: pays for itself / doubles / full ROI within the
#   first month or quarter.
# A sentence that acknowledges the limit ("we know zero bugs is unrealistic", "some
# downtime is fine") is not one.
_DEFECT_NOUN = (
    r"(?:errors?|bugs?|defects?|downtime|outages?|issues?|problems?|glitch(?:es)?|mistakes?|"
    r"hiccups?|failures?|incidents?|interruptions?|disruptions?|faults?|crash(?:es)?)"
)
_QUALITY_NOUN = (
    r"(?:uptime|availability|accura(?:cy|te)|reliab(?:ility|le)|correct(?:ness)?|precis(?:e|"
    r"ion)|on[- ]time|delivery|success rate|guarantee[ds]?|bug[- ]free|error[- ]free)"
)
_PERFECT = r"(?:100 ?%|100 percent|one hundred (?:per ?cent|%)|perfect(?:ly)?|flawless(?:ly)?)"
_BIG_NOUN = (
    r"(?:migrations?|rebuild|rewrite|rollout|roll-out|integrations?|implementation|system|"
    r"platform|redesign|overhaul|setup|configuration|deployment|upgrade|database|data|"
    r"archive|estate|infrastructure|project|programme|program|transformation|users?|staff|"
    r"employees|teams?|sites?|offices|branches|stores|departments?|company|organi[sz]ation|"
    r"catalogue|backlog|codebase)"
)
_DOC = (
    r"(?:plan|proposal|estimate|quote|update|schedule|timeline|doc\w*|summary|report|call|"
    r"meeting|slides?|brief|checklist|status|outline)"
)
_SCOPE = _rx(
    r"\b(?:entire|whole|full|complete|all(?: of)?(?: the| our)?|every|each) (?:[\w'-]+ "
    r"){0,2}" + _BIG_NOUN + r"\b(?! " + _DOC + r"\b)",
    r"\bfully (?:trained|migrated|integrated|rolled out|onboarded|deployed|operational|live|"
    r"configured|functional|up and running|automated)\b",
    r"\b(?:the |our |a )(?:[\w'-]+ )?(?:migration|rebuild|re-?platform\w*|overhaul|rewrite|"
    r"transformation|implementation)\b(?! " + _DOC + r"\b)",
    r"\beverything\b",
)
_TINY_SPAN = re.compile(
    r"\b(?:by|before) (?:tomorrow|tonight|the morning|end of (?:the )?day|eod|lunch(?:time)?|"
    r"this afternoon)\b|\bovernight\b|\bsame[- ]day\b|\bwithin (?:the|an|one|a single) "
    r"(?:hour|day|morning|afternoon)\b|\b(?:in|within) (?:a|one|a single|half a) (?:day|"
    r"morning|afternoon|evening|hour|night)\b|\b(?:in|within) (?:an|\d+|a few|two|24) "
    r"(?:hours?|minutes)\b|\btakes? (?:a|an|one|a single|half a) (?:day|morning|afternoon|"
    r"evening|hour)\b"
)
_ABSOLUTE = _rx(
    r"\b(?:zero|not (?:a )?single|not one|never (?:any|a single|one|once)|without (?:a "
    r"single|one|any)|nil) (?:[\w'-]+ ){0,2}" + _DEFECT_NOUN + r"\b",
    r"\bno (?:[\w'-]+ ){0,2}" + _DEFECT_NOUN + r"\b[^.!?;]{0,25}?\b(?:at all|whatsoever|ever|"
    r"of any kind|guaranteed|full stop|period)\b",
    r"\b(?:bug|error|defect|fault|glitch|problem|issue)[- ]free\b",
    r"\b(?:won't|will not|can't|cannot|refuse to|don't|do not) (?:tolerate|accept|allow|put "
    r"up with) (?:a single|one single|even one|even a single|a single one of the) ",
    r"\bnever (?:go(?:es)? down|break|breaks|fail|fails|crash|crashes|be down|have (?:a |an "
    r"|any )?(?:problem|issue|bug|outage|glitch|error))\b",
)
_PERFECTION = _rx(
    r"\b" + _PERFECT + r" (?:[\w'-]+ ){0,1}" + _QUALITY_NOUN + r"\b",
    r"\b" + _QUALITY_NOUN + r" (?:[\w'-]+ ){0,3}" + _PERFECT + r"(?!\w)",
    r"\bguarantee\w* (?:[\w'-]+ ){0,2}(?:100|perfect|flawless|zero|no|nothing will)\b",
    # the whole deliverable without a flaw: "must be flawless", "should run faultlessly"
    r"\b(?:be|run|work|perform|operate)s? (?:always |completely |totally |absolutely "
    r")?(?:flawless(?:ly)?|faultless(?:ly)?|bug[- ]free|error[- ]free|perfect(?:ly)? (?:every "
    r"time|from day one|from the start|from go-live|first time))\b",
)
_INSTANT = _rx(
    r"\b(?:instant\w*|in real[- ]time|real-time|in (?:a few )?seconds|at the click of a "
    r"button|zero (?:wait|waiting|delay|lag|latency))\b",
)
_STANDING_IMMEDIATE = re.compile(
    r"\b(?:every|all|always|any|each)\b[^.!?]{0,40}\bimmediate(?:ly)?\b|\bimmediate(?:ly)?\b"
    r"[^.!?]{0,30}\b(?:every|all|always|each) time\b"
)
_DELIVERY = re.compile(
    _words(
        "turnaround turnarounds responses? reports? reporting results? delivery deliveries "
        "answers? answered fix fixes fixed resolution resolved replies reply support access "
        "onboarding setup set_up roi payback returns? dashboards? exports? analytics changes? "
        "updates? tickets? requests? approvals? sync syncing migration data ready available "
        "live delivered done processed responded"
    )
)
_OUTCOME = re.compile(
    r"\b(?:pays? (?:for )?itself|paid for itself|(?:double|triple|quadruple|10x)[sd]?|"
    r"tenfold|(?:full|positive|complete) (?:roi|return)|break(?:s)? even|transform\w*|"
    r"revolutioni[sz]\w*)\b"
)
_SHORT_HORIZON = re.compile(
    r"\b(?:in|within|during|by the end of) (?:the |its |our )?(?:first|1st|opening) "
    r"(?:day|week|weeks|fortnight|month|quarter)\b|\bwithin (?:a|one|two|a few|days|weeks|"
    r"the week|the month)\b(?: (?:days?|weeks?|month))?|\bin (?:a|one) (?:week|month)\b|"
    r"\bovernight\b|\bfrom day one\b|\bimmediately\b|\bstraight away\b"
)
_EXPECTATION = _rx(
    r"\b(?:expect\w*|assum\w*|should|must|need|needs|needed|require[sd]?|requiring|insist\w* "
    r"on|count\w* on|rely\w* on|anticipat\w*|surely|want|wants|thought|figured|imagined|"
    r"guarantee\w*|demand\w*|has to|have to|had better|non-negotiable|promised (?:us|our|"
    r"the board|management)|(?:were|was|been|being) (?:told|promised|assured|sold))\b",
    r"\b(?:would|will|'ll|should|must) (?:only )?(?:take|be|have|run|work|pay|double|go)\b",
    # a flat prediction: "the portal will never have an outage" (the trigger is masked)
    r"\b(?:would|will|'ll|should|must) (?:always |ever )?\x00",
    r"\b(?:tak\w+|took) (?:it )?for granted\b|\bpresum\w*",
    r"\bwon't tolerate\b|\bwill not tolerate\b|\b(?:can't|cannot) (?:accept|have|afford) "
    r"(?:a single|even one|any)\b",
)
# "we know that's unrealistic", "a few bugs are fine": the writer sees the limit
_REALISM = re.compile(
    r"\b(?:unrealistic|not realistic|isn't realistic|realistically|impossible|nothing is "
    r"perfect|no (?:software|system|one|product) is perfect|won't be perfect|can't be "
    r"perfect|(?:some|a few|occasional|the odd) (?:[\w'-]+ )?(?:bugs?|errors?|downtime|"
    r"glitch\w*|issues?|hiccups?)|(?:understand|appreciate|accept|know|realise|realize) "
    r"(?:that )?(?:there (?:will|may|might) be|things go wrong|it takes|it will take))\b"
)
_REQUEST_FORM = re.compile(
    r"^\W*(?:can|could|would|will) (?:you|your|someone|we)\b|\b(?:is it|would it be) "
    r"possible\b|\bany chance\b"
)


def _expects(sentence: str, trigger: re.Match[str]) -> bool:
    """Whether ``sentence`` states, unnegated, the expectation that ``trigger`` names. The
    trigger is blanked first: its own "zero"/"no"/"never" must not read as negating the
    expectation ("zero downtime is expected")."""
    masked = sentence[: trigger.start()] + "\x00" + sentence[trigger.end() :]
    return _affirmed(_EXPECTATION, masked)


def unrealistic_expectation(msg: Message) -> bool:
    """Expects what no supplier could deliver: zero errors or downtime, 100% uptime or
    accuracy, the whole migration overnight, instant turnaround, a system that pays for
    itself in its first month. Realistic hopes ("fewer bugs than last year"), negated or
    hedged ones ("we don't expect zero bugs") and impossible asks put as questions (the
    unreasonable-demand cue's) are not."""
    for sentence in _SENTENCE.split(msg.low):
        if not sentence or _REALISM.search(sentence):
            continue
        triggers = [m for p in (_ABSOLUTE, _PERFECTION, _INSTANT) for m in p.finditer(sentence)]
        if _STANDING_IMMEDIATE.search(sentence) and _DELIVERY.search(sentence):
            triggers.extend(re.finditer(r"\bimmediate(?:ly)?\b", sentence))
        if not _REQUEST_FORM.search(sentence):
            span = _TINY_SPAN.search(sentence)
            if span and _SCOPE.search(sentence):
                triggers.append(span)
            horizon = _SHORT_HORIZON.search(sentence)
            if horizon and _OUTCOME.search(sentence):
                triggers.append(horizon)
        for m in triggers:
            if m.re is _INSTANT and not _DELIVERY.search(sentence):
                continue
            if not _negated(sentence, m.start()) and _expects(sentence, m):
                return True
    return False


# --- vendor-side cues (outbound text) --------------------------------------------------

_INWARD_WORD = re.compile(
    _words(
        "we our ours us we're we've we'll we'd ourselves policy policies procedures? process "
        "processes protocol guidelines internal internally workload capacity resources "
        "constraints backlog"
    )
)
_OUTWARD_WORD = re.compile(_words("you your yours you're you've you'll you'd yourself yourselves"))
_POLICY_TALK = _rx(
    r"\b(?:our|company|internal|the company's|standard) (?:[\w'-]+ )?(?:policy|policies|"
    r"procedures?|process|rules|guidelines|protocol|terms|systems?)(?: [\w'-]+){0,2} "
    r"(?:doesn't|does not|don't|do not|won't|will not|can't|cannot|prevents?|requires?|says|"
    r"states|dictates?|only allows?|mandates?|prohibits?)\b",
    r"\b(?:per|as per|according to|in line with|in accordance with|under|due to) (?:our|the "
    r"company's|company|internal) (?:[\w'-]+ )?(?:policy|policies|terms|process|procedures?|"
    r"guidelines|rules|constraints)\b",
    r"\bour hands are tied\b|\bthat(?:'s| is) not how we (?:do|work|operate)\b",
    r"\b(?:we|our team) (?:are|is) (?:very |extremely |currently |really )?(?:busy|stretched|"
    r"short[- ]staffed|at capacity|swamped|understaffed|overloaded)\b",
)


def vendor_inward(msg: Message) -> bool:
    """Our reply is about us, not them: policy talk, or far more we/our/policy than
    you/your. A reply that talks about the customer's problem does not fire."""
    inward = len(_INWARD_WORD.findall(msg.low))
    outward = len(_OUTWARD_WORD.findall(msg.low))
    if _POLICY_TALK.search(msg.low) and inward > outward:
        return True
    return inward >= 4 and inward >= 2 * outward + 1


_PITCH = _rx(
    r"\b(?:upgrad\w*|upsell\w*|add-?ons?|premium|pro plan|enterprise (?:plan|tier|edition)|"
    r"(?:new|latest|advanced|plus|premium) (?:[\w'-]+ )?(?:plan|tier|package|edition|module|"
    r"bundle|offering|add-?on|product|feature set)|special (?:offer|promotion|deal|pricing|"
    r"price|rate)|exclusive (?:offer|deal|discount|pricing|access)|limited[- ]time|promo\w*|"
    r"(?:free|extended) trial|(?:early|multi[- ]year) renewal|introductory (?:offer|price|"
    r"rate)|bundle (?:deal|offer|pricing))\b",
    r"\b\d+ ?(?:%|percent|per cent) off\b|\bhalf price\b",
    r"\b(?:would|could|will|might) you (?:[\w'-]+ )?(?:re-?consider|be (?:interested|open)|"
    r"like to (?:try|see|hear about|upgrade|add|expand|book|schedule|join)|want to (?:try|"
    r"upgrade|add|expand))\b",
    r"\b(?:re-?consider\w*|change your mind|give (?:it|us) (?:another|a second) (?:look|"
    r"chance|try|thought))\b",
    r"\b(?:following|checking|circling|touching) (?:up|in|back|base) (?:on|about|regarding|"
    r"re) (?:our|my|the) (?:[\w'-]+ ){0,2}(?:offer|proposal|quote|demo|deal|pitch|upgrade|"
    r"package|plan|renewal|presentation)\b",
    r"\b(?:interested in|take advantage of|opportunity to|chance to) (?:[\w'-]+ "
    r"){0,2}(?:upgrad\w*|add\w*|expand\w*|try\w*|our (?:new|latest)|offer|deal|premium|more "
    r"seats|additional)\b",
    r"\b(?:book|schedule|set up|arrange|hop on|jump on) (?:a |an |some )?(?:quick |short |"
    r"brief )?(?:demo|call|meeting|chat|walkthrough|session)\b(?: [\w'-]+){0,4} (?:show|"
    r"present|introduce|tell) (?:you )?(?:[\w'-]+ ){0,2}(?:new|latest|premium|upgrade|offer|"
    r"plan|features?|product)",
    r"\b(?:add|adding|expand|expanding|increase|increasing|buy|purchase|get) (?:[\w'-]+ "
    r"){0,2}(?:more|additional|extra) (?:seats|licen[cs]es|users|modules|capacity|storage|"
    r"credits)\b",
    r"\b(?:i|we) (?:wanted|want|'d like|would like|am writing|'m writing|thought i'd|thought "
    r"we'd) (?:to )?(?:share|introduce|tell you about|let you know about|present|offer|show "
    r"you|reach out about) (?:[\w'-]+ ){0,2}(?:new|latest|special|exclusive|premium|upgraded|"
    r"limited)\b",
)


def pitch(msg: Message) -> bool:
    """We are selling: upgrades, offers, promotions, "would you reconsider", "just
    following up on our proposal"."""
    return _affirmed(_PITCH, msg.low)


RECOGNISERS: dict[str, Callable[[Message], bool]] = {
    "discount_ask": discount_ask,
    "blame": blame,
    "challenges_expertise": challenges_expertise,
    "minor_detail": minor_detail,
    "quality_complaint": quality_complaint,
    "control": control,
    "urgency": urgency,
    "entitlement": entitlement,
    "sarcasm": sarcasm,
    "aggression": aggression,
    "praise": praise,
    "changed_requirements": changed_requirements,
    "unreasonable_demand": unreasonable_demand,
    "refusal_to_listen": refusal_to_listen,
    "inflexible": inflexible,
    "out_of_contract": out_of_contract,
    "threat_to_leave": threat_to_leave,
    "vendor_inward": vendor_inward,
    "pitch": pitch,
    "decline": decline,
    "unrealistic_expectation": unrealistic_expectation,
}

"""The fixed words of the offboarding workflow: its states and the transitions between
them, the "not worth keeping" criteria, the communication plan, the reflection questions.

These are the product's own words. Keys are stored in the database: never rename a key,
only reword its label.
"""

from __future__ import annotations

from django.db import models


class CaseStatus(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    AWAITING_DECISION = "awaiting_decision", "Awaiting a manager's decision"
    COMMUNICATION = "communication", "Communication"
    TRANSITION = "transition", "Transition"
    REFLECTION = "reflection", "Reflection"
    CLOSED = "closed", "Closed"


class Outcome(models.TextChoices):
    APPROVED = "approved", "Approved: we part ways"
    REJECTED = "rejected", "Rejected: we keep the customer"


class EventAction(models.TextChoices):
    """What an event row records. Transitions change the status; the others record a
    step's work (who, when) without changing it."""

    OPENED = "opened", "Case opened"
    DECISION_REQUESTED = "decision_requested", "Decision requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    ADVANCED = "advanced", "Moved to the next step"
    CLOSED = "closed", "Closed"
    ASSESSMENT_SAVED = "assessment_saved", "Assessment saved"
    COMMENTED = "commented", "Comment added"
    CHECKLIST_UPDATED = "checklist_updated", "Communication plan item updated"
    TASK_ADDED = "task_added", "Follow-up task added"
    TASK_UPDATED = "task_updated", "Follow-up task updated"
    TASK_REMOVED = "task_removed", "Follow-up task removed"
    TRANSITION_NOTES_SAVED = "transition_notes_saved", "Referrals and resources saved"
    LETTER_SAVED = "letter_saved", "Letter version saved"
    REFLECTION_SAVED = "reflection_saved", "Reflection saved"
    BUNDLE_DOWNLOADED = "bundle_downloaded", "Data bundle downloaded"


S = CaseStatus
# Every allowed status change: (from, to) → the action that makes it. Nothing else moves
# a case, and nothing moves it backwards.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.ASSESSMENT, S.AWAITING_DECISION): EventAction.DECISION_REQUESTED,
    (S.AWAITING_DECISION, S.COMMUNICATION): EventAction.APPROVED,
    (S.AWAITING_DECISION, S.CLOSED): EventAction.REJECTED,
    (S.COMMUNICATION, S.TRANSITION): EventAction.ADVANCED,
    (S.TRANSITION, S.REFLECTION): EventAction.ADVANCED,
    (S.REFLECTION, S.CLOSED): EventAction.CLOSED,
}
# The steps as the case page's stepper shows them, in order.
STEPPER: list[tuple[str, str]] = [
    (S.ASSESSMENT, "Assess"),
    (S.AWAITING_DECISION, "Decide"),
    (S.COMMUNICATION, "Communicate"),
    (S.TRANSITION, "Hand over"),
    (S.REFLECTION, "Reflect"),
    (S.CLOSED, "Closed"),
]
# Steps where the parting is under way: the plan, tasks and letter can be worked on.
AFTER_APPROVAL = (S.COMMUNICATION, S.TRANSITION, S.REFLECTION)


class Criterion(models.TextChoices):
    """The seven "not worth keeping" criteria. Labels name the behaviour, not the person."""

    CHRONIC_NON_PAYER = "chronic_non_payer", "Pays late or not at all"
    ABUSIVE = "abusive", "Abusive or disrespectful towards the team"
    UNREASONABLE_DEMANDS = "unreasonable_demands", "Keeps making unreasonable demands"
    HIGH_MAINTENANCE = "high_maintenance", "Costs far more effort than it brings in"
    POLICY_VIOLATOR = "policy_violator", "Repeatedly breaks our terms and policies"
    MISMATCHED_FIT = "mismatched_fit", "Values or needs no longer fit what we offer"
    LOW_LIFETIME_VALUE = "low_lifetime_value", "Low lifetime value for the portfolio"


# How the letter states each reason: plainly, about the situation, never an accusation.
LETTER_REASONS: dict[str, str] = {
    Criterion.CHRONIC_NON_PAYER: (
        "Several invoices have stayed open well past their due dates, and we have not found "
        "a payment arrangement that works for both of us."
    ),
    Criterion.ABUSIVE: (
        "Some recent conversations with our team have become hostile, and we owe our people "
        "a working relationship in which everyone is treated with respect."
    ),
    Criterion.UNREASONABLE_DEMANDS: (
        "Many of the requests we receive go beyond what our agreement covers, and we cannot "
        "meet them at the level you rightly expect."
    ),
    Criterion.HIGH_MAINTENANCE: (
        "The amount of support your account needs has grown far beyond what our service is "
        "set up to provide, and we do not think we can keep serving you well."
    ),
    Criterion.POLICY_VIOLATOR: (
        "We have had to point out departures from the terms of our agreement several times, "
        "and we have not been able to settle on a way of working within them."
    ),
    Criterion.MISMATCHED_FIT: (
        "Your needs and the direction of our service have moved apart, and another provider "
        "is likely to be a better match for where you are heading."
    ),
    Criterion.LOW_LIFETIME_VALUE: (
        "Our service is no longer a good economic fit for your account, and we would rather "
        "say so openly than let the quality you receive slip."
    ),
}


class ChecklistKey(models.TextChoices):
    """The communication plan: ten things to get right when telling the customer."""

    TIMING = "timing", "Choose the moment: not mid-crisis, with enough runway for them to plan"
    DIRECT_TACTFUL = "direct_tactful", "Say it early in the conversation, plainly and kindly"
    CLEAR_REASONS = "clear_reasons", "Explain the reasons from the assessment, facts over labels"
    APPRECIATION = "appreciation", "Thank them for the time together and name what went well"
    TRANSITION_HELP = (
        "transition_help",
        "Offer hand-over help: their data bundle, dates, referrals to other providers",
    )
    LISTEN = "listen", "Give them room to respond, take notes, answer their questions"
    PROFESSIONAL = "professional", "Stay calm and courteous, however the conversation goes"
    WRITTEN_FOLLOW_UP = "written_follow_up", "Send the written follow-up letter within two days"
    CHANNELS_OPEN = "channels_open", "Tell them whom to contact until the hand-over and after"
    ASK_FEEDBACK = "ask_feedback", "Ask what we could have done better, and note the answer"


class ReflectionQuestion(models.TextChoices):
    """Asked of the team once the customer has gone; the last one is free text only."""

    LISTENED = "listened", "Did we listen to what they told us before answering?"
    COMMUNICATED_CLEARLY = (
        "communicated_clearly",
        "Were our messages clear, with no room for a different reading?",
    )
    SHOWED_EMPATHY = "showed_empathy", "Did we acknowledge how the situation felt on their side?"
    MANAGED_EXPECTATIONS = (
        "managed_expectations",
        "Did we set expectations we could meet, and correct them early when we could not?",
    )
    HANDLED_DIFFICULTY = (
        "handled_difficulty",
        "When things got tense, did we stay constructive and de-escalate?",
    )
    OWNED_THE_ISSUE = "owned_the_issue", "Did we own our part of the problems, without excuses?"
    ANSWERED_FEEDBACK = (
        "answered_feedback",
        "Did their complaints and suggestions lead to a visible answer from us?",
    )
    ANTICIPATED_NEEDS = (
        "anticipated_needs",
        "Did we see their needs coming, or only react once they asked?",
    )
    KEPT_BOUNDARIES = (
        "kept_boundaries",
        "Did we hold fair boundaries consistently, and explain them?",
    )
    DO_DIFFERENTLY = "do_differently", "What would we do differently next time?"


FREE_TEXT_QUESTIONS = {ReflectionQuestion.DO_DIFFERENTLY}


class ReflectionRating(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class FitJudgement(models.TextChoices):
    FITS = "fits", "Still a good fit"
    PARTLY = "partly", "Partly a fit"
    MISMATCHED = "mismatched", "No longer a fit"

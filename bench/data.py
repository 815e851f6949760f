"""Synthetic portfolios for the benchmarks: realistic mixes, generated fast.

Generation time is never measured. On PostgreSQL interactions go in with ``COPY``;
elsewhere (the SQLite smoke test) with ``bulk_create``. Texts come from a bank of
realistic messages analysed once, so rows carry real ``tone``/``cue_flags``.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.db import connection, transaction

from accounts.models import Account, Contract, Interaction, text_hash
from accounts.vocabulary import Direction

INBOUND_TEXTS = [
    ("message", "Hi, quick question about the renewal dates for next year."),
    ("message", "Thanks for the update, that works for us."),
    ("complaint", "The export has been failing since Monday and nobody has answered."),
    ("complaint", "This is the third time the report is wrong. Not acceptable."),
    ("request", "Could you add two more seats for the finance team?"),
    ("discount_request", "Is there any way you could lower the price? Your competitor is cheaper."),
    ("objection", "We are not interested in the premium tier, thanks."),
    ("escalation", "I need this fixed ASAP, escalating to your director."),
    ("praise", "Great job on the migration, the team is really happy."),
    ("message", "Still waiting on a reply to my last email..."),
    ("message", "Everything goes through me, please don't contact my team directly."),
    ("complaint", "There's a small typo in the invoice header, slightly annoying."),
    ("message", "It's not our fault the import broke, your tool caused it."),
    ("message", "Oh great, another outage. Just wonderful."),
    ("policy_violation", "We shared our login with the agency, hope that's fine."),
]
OUTBOUND_TEXTS = [
    ("message", "Thanks for reaching out, we'll look into it today."),
    ("follow_up", "Following up: the fix is deployed, could you confirm it works for you?"),
    ("commitment", "We will send the corrected report by Friday."),
    ("message", "Would you reconsider the premium tier? It includes priority support."),
    (
        "message",
        "Per our policy we require thirty days notice; our process does not allow exceptions.",
    ),
    ("message", "Happy to help you set up the new workspace whenever suits you."),
]
#: Most customers are easy: they mostly send routine messages and get friendly answers.
#: Only DIFFICULT_SHARE of accounts draw from the whole bank (complaints, pressure,
#: policy replies), as in a real portfolio where a minority needs attention. (A uniform
#: draw made every account "critical" with two open alerts: not a portfolio anyone has.)
CALM_TEXTS = {
    Direction.INBOUND.value: {0, 1, 4, 8},
    Direction.OUTBOUND.value: {0, 1, 5},
}
DIFFICULT_SHARE = 0.2
#: Even a calm account has a bad day now and then.
CALM_SLIP = 0.05
CHANNELS = ["email", "call", "meeting", "chat", "ticket"]
SEGMENTS = ["enterprise", "mid_market", "smb"]
COLUMNS = [
    "account_id",
    "occurred_at",
    "channel",
    "direction",
    "kind",
    "text",
    "text_hash",
    "nps",
    "csat",
    "amount",
    "due_at",
    "external_id",
    "tone",
    "cue_flags",
    "analysis_version",
    "created_at",
]


@dataclass(frozen=True)
class Bank:
    kinds: list[str]
    directions: list[str]
    texts: list[str]
    hashes: list[str]
    tones: list[float]
    cues: list[int]
    calm_indices: np.ndarray


def text_bank() -> Bank:
    from signals.text import analyse_many

    rows = [("inbound", k, t) for k, t in INBOUND_TEXTS] + [
        ("outbound", k, t) for k, t in OUTBOUND_TEXTS
    ]
    calm = [i for i, _ in enumerate(INBOUND_TEXTS) if i in CALM_TEXTS["inbound"]] + [
        len(INBOUND_TEXTS) + i for i, _ in enumerate(OUTBOUND_TEXTS) if i in CALM_TEXTS["outbound"]
    ]
    analyses = analyse_many([(t, d) for d, _, t in rows])
    return Bank(
        kinds=[k for _, k, _ in rows],
        directions=[d for d, _, _ in rows],
        texts=[t for _, _, t in rows],
        hashes=[text_hash(t) for _, _, t in rows],
        tones=[a.tone for a in analyses],
        cues=[a.cue_flags for a in analyses],
        calm_indices=np.array(calm),
    )


def wipe() -> None:
    """Empty the tables the benchmarks fill (the bench database only)."""
    from signals.models import (
        AccountHealth,
        Alert,
        AlertEvent,
        HealthSnapshot,
        Notification,
        ScoringChunk,
        ScoringRun,
    )

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE accounts_account, signals_scoringrun RESTART IDENTITY CASCADE")
        return
    for model in (
        Notification,
        AlertEvent,
        Alert,
        AccountHealth,
        ScoringChunk,
        ScoringRun,
        Interaction,
        Contract,
    ):
        model.objects.all().delete()
    HealthSnapshot.objects.update(supersedes=None)
    HealthSnapshot.objects.all().delete()
    Account.objects.all().delete()


def _rows(
    rng: np.random.Generator,
    account_ids: np.ndarray,
    count: int,
    bank: Bank,
    now: dt.datetime,
    offset: int,
):
    """Yield interaction rows as tuples in COLUMNS order."""
    pick = rng.integers(0, len(bank.texts), size=count)
    owners = rng.choice(account_ids, size=count)
    # Accounts are difficult by a fixed rule of their id, so every chunk of rows agrees.
    difficult = (owners * 2654435761 % 1000) < DIFFICULT_SHARE * 1000
    calm = bank.calm_indices
    calm_pick = calm[rng.integers(0, len(calm), size=count)]
    pick = np.where(difficult | (rng.random(size=count) < CALM_SLIP), pick, calm_pick)
    seconds = rng.integers(0, 540 * 86400, size=count)
    channels = rng.integers(0, len(CHANNELS), size=count)
    surveys = rng.random(size=count) < 0.04
    payments = rng.random(size=count) < 0.06
    nps = rng.integers(0, 11, size=count)
    csat = rng.integers(1, 6, size=count)
    amounts = rng.integers(200, 5000, size=count)
    stamp = now.isoformat()
    for i in range(count):
        when = (now - dt.timedelta(seconds=int(seconds[i]))).isoformat()
        j = int(pick[i])
        kind, direction, text = bank.kinds[j], bank.directions[j], bank.texts[j]
        channel = CHANNELS[int(channels[i])]
        n = c = amount = ""
        if surveys[i]:
            kind, direction, channel, text = "survey", "inbound", "survey", ""
            n, c = str(int(nps[i])), str(int(csat[i]))
        elif payments[i]:
            kind, direction, channel, text = "payment", "inbound", "payment", ""
            amount = f"{int(amounts[i])}.00"
        tone, cues = (bank.tones[j], bank.cues[j]) if text else (0.0, 0)
        yield (
            int(owners[i]),
            when,
            channel,
            direction,
            kind,
            text,
            bank.hashes[j] if text else text_hash(""),
            n,
            c,
            amount,
            "",
            f"b{offset + i}",
            tone,
            cues,
            1,
            stamp,
        )


def make_portfolio(*, accounts: int, interactions: int, seed: int = 1) -> None:
    """Replace the bench database's contents with ``accounts`` accounts and
    ``interactions`` interactions spread over the last 18 months."""
    rng = np.random.default_rng(seed)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    wipe()
    started = dt.date.today() - dt.timedelta(days=900)
    with transaction.atomic():
        Account.objects.bulk_create(
            [
                Account(
                    external_id=f"B-{i:06d}",
                    name=f"Bench customer {i}",
                    segment=SEGMENTS[i % 3],
                    annual_value=[120000, 30000, 6000][i % 3],
                    started_at=started,
                    status="churned" if i % 11 == 0 else "active",
                    churned_at=started + dt.timedelta(days=600) if i % 11 == 0 else None,
                    scores_dirty_since=now,
                )
                for i in range(accounts)
            ],
            batch_size=5000,
        )
        ids = np.array(Account.objects.order_by("pk").values_list("pk", flat=True))
        Contract.objects.bulk_create(
            [
                Contract(
                    account_id=int(pk),
                    start=started,
                    end=started + dt.timedelta(days=1095),
                    auto_renew=bool(k % 2),
                    renewals_so_far=k % 3,
                    early_termination_fee=[0, 5000, 40000][k % 3],
                    notice_days=30,
                )
                for k, pk in enumerate(ids)
                if k % 5
            ],
            batch_size=5000,
        )
    bank = text_bank()
    chunk = 200_000
    for start in range(0, interactions, chunk):
        n = min(chunk, interactions - start)
        rows = _rows(rng, ids, n, bank, now, start)
        if connection.vendor == "postgresql":
            _copy(rows)
        else:
            _bulk(rows)
    if connection.vendor == "postgresql":
        # What any bulk load ends with: planner statistics for the new rows and the
        # visibility map that lets the scoring read answer from its covering index
        # (autovacuum gets there within minutes; the benchmark starts at once).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _copy(rows) -> None:
    columns = ", ".join(COLUMNS)
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.copy(f"COPY accounts_interaction ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(
                [
                    None if v == "" and k not in ("text", "external_id") else v
                    for k, v in zip(COLUMNS, row, strict=True)
                ]
            )


def _bulk(rows) -> None:
    objects = []
    for row in rows:
        data = dict(zip(COLUMNS, row, strict=True))
        for key in ("nps", "csat", "amount", "due_at"):
            data[key] = data[key] or None
        data["account_id"] = data.pop("account_id")
        objects.append(Interaction(**data))
    Interaction.objects.bulk_create(objects, batch_size=2000)


def write_import_file(path: Path, *, rows: int, accounts: int, seed: int = 2) -> None:
    """An interactions CSV in the import format (interfaces.md) with ``rows`` rows."""
    rng = np.random.default_rng(seed)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    pick = rng.integers(0, len(INBOUND_TEXTS) + len(OUTBOUND_TEXTS), size=rows)
    owners = rng.integers(0, accounts, size=rows)
    seconds = rng.integers(0, 540 * 86400, size=rows)
    texts = [("inbound", k, t) for k, t in INBOUND_TEXTS] + [
        ("outbound", k, t) for k, t in OUTBOUND_TEXTS
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["account_id", "occurred_at", "channel", "direction", "kind", "text", "interaction_id"]
        )
        for i in range(rows):
            direction, kind, text = texts[int(pick[i])]
            # A row number in the text keeps texts distinct, as real messages are.
            writer.writerow(
                [
                    f"IMP-{int(owners[i]):05d}",
                    (now - dt.timedelta(seconds=int(seconds[i]))).isoformat(),
                    "email",
                    direction,
                    kind,
                    f"{text} (ref {i})",
                    f"imp-{i}",
                ]
            )

"""reanalyse_texts: brings rows stored by an older text analysis up to date."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Account, Interaction
from signals.text import TEXT_ANALYSIS_VERSION, Cue, analyse_text
from tests.factories import AccountFactory, InteractionFactory

pytestmark = pytest.mark.django_db

UNREALISTIC = "We expect zero errors from day one and 100% uptime."
PLAIN = "Thanks, see you on Tuesday."


def run(**kwargs) -> str:
    out = StringIO()
    call_command("reanalyse_texts", stdout=out, **kwargs)
    return out.getvalue()


def _stored(text: str, account, *, version: int = 1, direction: str = "inbound"):
    """A row as an older analysis left it: today's result, minus the new cue."""
    current = analyse_text(text, direction=direction)
    return InteractionFactory(
        account=account,
        text=text,
        direction=direction,
        tone=current.tone,
        cue_flags=current.cue_flags & ~int(Cue.UNREALISTIC_EXPECTATION),
        analysis_version=version,
    )


@pytest.fixture
def old_rows():
    changing, unchanged = AccountFactory(), AccountFactory()
    Account.objects.update(scores_dirty_since=None)
    rows = [_stored(UNREALISTIC, changing), _stored(PLAIN, changing)]
    rows += [_stored(PLAIN, unchanged) for _ in range(3)]
    return changing, unchanged, rows


def test_old_rows_get_the_current_analysis_and_version(old_rows):
    changing, _unchanged, rows = old_rows
    output = run(batch=2)
    assert "5 interaction(s) re-analysed in 3 batch(es), 1 with a new tone or cues" in output
    for row in Interaction.objects.all():
        expected = analyse_text(row.text, direction=row.direction)
        assert row.analysis_version == TEXT_ANALYSIS_VERSION
        assert (row.tone, row.cue_flags) == (expected.tone, expected.cue_flags)
    flags = Interaction.objects.get(pk=rows[0].pk).cue_flags
    assert flags & Cue.UNREALISTIC_EXPECTATION


def test_only_accounts_whose_rows_changed_are_marked_for_rescoring(
    old_rows, django_capture_on_commit_callbacks, monkeypatch
):
    changing, unchanged, _rows = old_rows
    requested: list[list[int]] = []
    monkeypatch.setattr(
        "signals.dispatch.request_recompute", lambda *, account_ids: requested.append(account_ids)
    )
    with django_capture_on_commit_callbacks(execute=True):
        output = run()
    assert "1 account(s) marked for rescoring" in output
    changing.refresh_from_db()
    unchanged.refresh_from_db()
    assert changing.scores_dirty_since is not None
    assert unchanged.scores_dirty_since is None
    assert requested == [[changing.pk]]


def test_a_second_run_finds_nothing_to_do(old_rows):
    run()
    Account.objects.update(scores_dirty_since=None)
    output = run()
    assert "0 interaction(s) re-analysed in 0 batch(es)" in output
    assert not Account.objects.filter(scores_dirty_since__isnull=False).exists()


def test_rows_already_at_the_current_version_are_left_alone():
    account = AccountFactory()
    current = InteractionFactory(
        account=account,
        text=UNREALISTIC,
        tone=0.5,
        cue_flags=0,
        analysis_version=TEXT_ANALYSIS_VERSION,
    )
    never = InteractionFactory(account=account, text=UNREALISTIC, analysis_version=0)
    output = run()
    assert "1 interaction(s) re-analysed" in output
    current.refresh_from_db()
    never.refresh_from_db()
    assert (current.tone, current.cue_flags) == (0.5, 0)  # not ours to second-guess
    assert never.cue_flags & Cue.UNREALISTIC_EXPECTATION


def test_outbound_rows_are_analysed_as_ours():
    row = InteractionFactory(text=UNREALISTIC, direction="outbound", analysis_version=0)
    run()
    row.refresh_from_db()
    assert not row.cue_flags & Cue.UNREALISTIC_EXPECTATION
    assert row.analysis_version == TEXT_ANALYSIS_VERSION


def test_a_batch_below_one_is_refused():
    with pytest.raises(CommandError, match="batch"):
        run(batch=0)

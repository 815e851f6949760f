"""The catalogue: every key once, described and with advice in the product's words."""

import re
from pathlib import Path

import pytest

from signals.catalogue import (
    CATALOGUE,
    KEYS_BY_GROUP,
    MEASURES,
    Group,
    entry,
    is_valid_measure,
)

# The source articles sit beside the checkout (../shared/seeds), as on CI.
SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def test_the_catalogue_holds_nine_nine_eight_and_eight_keys():
    assert [len(KEYS_BY_GROUP[g]) for g in Group] == [9, 9, 8, 8]
    assert len(CATALOGUE) == 34


def test_every_entry_has_a_label_a_one_line_description_and_two_to_four_steps():
    for key, e in CATALOGUE.items():
        assert e.key == key and e.label and e.description
        assert "\n" not in e.description
        assert 2 <= len(e.next_steps) <= 4
        assert e.advice.startswith(e.next_steps[0])


def test_measures_are_the_summary_figures_plus_every_key():
    for measure in (
        "health",
        "customer_side",
        "vendor_side",
        "nps",
        "csat",
        "churn_probability",
        "clv",
    ):
        assert is_valid_measure(measure)
    assert all(is_valid_measure(k) for k in CATALOGUE)
    assert not is_valid_measure("happiness")
    assert len(MEASURES) == 7 + 34


def test_entry_returns_the_entry_and_rejects_unknown_keys():
    assert entry("ghost").group == Group.ARCHETYPES
    assert entry("ignores_no").side == "vendor"
    try:
        entry("nope")
    except KeyError:
        pass
    else:
        raise AssertionError("unknown key accepted")


def test_no_text_is_copied_from_the_source_articles():
    if not SEEDS.exists():
        pytest.skip(f"the source articles are not at {SEEDS}")
    corpus = " ".join(p.read_text(errors="ignore").lower() for p in SEEDS.glob("*.txt"))
    corpus = re.sub(r"\s+", " ", corpus)
    for e in CATALOGUE.values():
        for text in (e.description, *e.next_steps):
            words = re.findall(r"[a-z']+", text.lower())
            # No run of eight consecutive words appears in the sources.
            for i in range(len(words) - 7):
                assert " ".join(words[i : i + 8]) not in corpus, (e.key, text)

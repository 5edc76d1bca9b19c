"""Canonical URLs, MinHash similarity and wire-agency detection."""

from __future__ import annotations

import numpy as np

from claimledger.ingest.dedup import (
    canonical_url,
    content_hash,
    detect_agency,
    jaccard_estimate,
    lsh_buckets,
    minhash,
    shingles,
)

STORY = (
    "The defence ministry said on Tuesday that units taking part in exercises near the border "
    "had begun loading equipment onto trains and would return to their bases. Officials in the "
    "capital described the move as routine, while observers said they had not yet seen evidence "
    "of any withdrawal. The alliance said it would judge the announcement by actions, not words."
)


def test_canonical_url_drops_tracking_and_fragments() -> None:
    a = canonical_url("https://www.Example.com/news/story/?utm_source=x&id=3#top")
    b = canonical_url("https://example.com/news/story?id=3")
    assert a == b == "https://example.com/news/story?id=3"


def test_canonical_url_keeps_meaningful_query() -> None:
    assert canonical_url("https://e.com/a?id=3") != canonical_url("https://e.com/a?id=4")


def test_content_hash_ignores_whitespace_and_case() -> None:
    assert content_hash("Hello   World\n") == content_hash("hello world")
    assert content_hash("hello world") != content_hash("hello there world")


def test_minhash_estimates_jaccard() -> None:
    edited = STORY.replace("Officials in the capital", "Government officials") + " More follows."
    other = (
        "Heavy rain flooded the valley on Sunday and the football final was postponed until May."
    )
    s1, s2, s3 = (minhash(t, num_perm=128, shingle_size=5) for t in (STORY, edited, other))
    exact = len(shingles(STORY, 5) & shingles(edited, 5)) / len(
        shingles(STORY, 5) | shingles(edited, 5)
    )
    assert abs(jaccard_estimate(s1, s2) - exact) < 0.15
    assert jaccard_estimate(s1, s3) < 0.1
    assert jaccard_estimate(s1, s1) == 1.0


def test_minhash_is_deterministic_across_calls() -> None:
    assert np.array_equal(minhash(STORY), minhash(STORY))


def test_lsh_buckets_shared_by_near_duplicates() -> None:
    near = STORY + " The ministry did not give a timetable."
    b1 = set(lsh_buckets(minhash(STORY), bands=32))
    b2 = set(lsh_buckets(minhash(near), bands=32))
    b3 = set(
        lsh_buckets(
            minhash("Completely unrelated text about football and weather today."), bands=32
        )
    )
    assert b1 & b2
    assert not b1 & b3


def test_detect_agency_from_byline_and_dateline() -> None:
    assert detect_agency("KYIV (Reuters) - Troops moved.") == "Reuters"
    assert detect_agency("MOSCOW (AP) — The ministry said.") == "Associated Press"
    assert (
        detect_agency("text", "By Meridian Press", known={"meridian press": "Meridian Press"})
        == "Meridian Press"
    )
    assert detect_agency("A local council met on Monday to discuss roads.") is None


def test_empty_text_has_a_signature() -> None:
    assert len(minhash("", num_perm=64)) == 64

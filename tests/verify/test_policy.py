"""The verdict policy and its validation."""

from __future__ import annotations

import pickle

import pytest
from pydantic import ValidationError

from claimledger.errors import ConfigError
from claimledger.verify.policy import DEFAULT_POLICY, Policy, load_policy


def test_defaults() -> None:
    assert DEFAULT_POLICY.version == "see-then-believe/1"
    assert DEFAULT_POLICY.min_independent_support == 2
    assert DEFAULT_POLICY.min_independent_refutation == 1
    assert DEFAULT_POLICY.min_support_to_contest == 1
    assert DEFAULT_POLICY.min_confidence == 0.5
    assert DEFAULT_POLICY.collapse_same_source
    assert not DEFAULT_POLICY.same_origin_attributed_counts
    assert DEFAULT_POLICY.count_article_links


def test_load_policy_overrides_and_pickles() -> None:
    policy = load_policy({"min_independent_support": 3, "version": "strict/1"})
    assert (policy.min_independent_support, policy.version) == (3, "strict/1")
    assert load_policy(None) == DEFAULT_POLICY
    assert pickle.loads(pickle.dumps(policy)) == policy


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"min_independent_support": 0}, "verify.min_independent_support"),
        ({"min_confidence": 1.5}, "verify.min_confidence"),
        ({"min_confidence": "high"}, "verify.min_confidence"),
        ({"version": ""}, "verify.version"),
        ({"min_support": 2}, "verify.min_support"),
    ],
)
def test_bad_values_give_one_coded_line(values: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_policy(values)
    message = str(info.value)
    assert message.startswith(f"E401 {key}: invalid configuration: ")
    assert "\n" not in message


def test_policy_is_frozen() -> None:
    with pytest.raises(ValidationError):
        setattr(DEFAULT_POLICY, "min_independent_support", 5)  # noqa: B010
    assert Policy() == DEFAULT_POLICY

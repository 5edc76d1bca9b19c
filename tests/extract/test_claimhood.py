"""Not-a-claim rules (extract/claimhood.py): one test per rule id, on real parses."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from claimledger.extract.claimhood import RULE_IDS, RULES, assess, in_link_line, not_a_claim


def _rule(nlp: Any, text: str, *, attributed: bool = False, **kw: Any) -> str | None:
    [(prop, marks)] = assess([text], ["Kuleba" if attributed else None], nlp=nlp)
    return not_a_claim(prop, marks, attributed=attributed, **kw)


CLAIM = "Russia has deployed about 100,000 soldiers near the border with Ukraine."


def test_a_plain_assertion_is_a_claim(nlp: Any) -> None:
    assert _rule(nlp, CLAIM) is None
    assert _rule(nlp, "it will not invade Ukraine", attributed=True) is None


def test_NC_FRAGMENT(nlp: Any) -> None:
    assert _rule(nlp, "the head of Russian diplomacy Sergei Lavrov", attributed=True) == (
        "NC_FRAGMENT"
    )


def test_NC_REQUEST_COMMENT(nlp: Any) -> None:
    text = "Newsweek has contacted the White House for comment on the reports."
    assert _rule(nlp, text) == "NC_REQUEST_COMMENT"


def test_NC_CAPTION(nlp: Any) -> None:
    assert _rule(nlp, "Russian tanks are seen near the border. Photo: Getty Images") == "NC_CAPTION"


def test_NC_BACKGROUND(nlp: Any) -> None:
    published = date(2022, 2, 3)
    text = "In 2018, Russia opened a bridge over the strait linking it to Crimea."
    assert _rule(nlp, text, published=published) == "NC_BACKGROUND"
    text = "For centuries, armies have fought over these plains."
    assert _rule(nlp, text, published=published) == "NC_BACKGROUND"
    old = "Russia annexed the peninsula on 18 March 2014."
    assert _rule(nlp, old, refers_to=date(2014, 3, 18), published=published) == "NC_BACKGROUND"
    # News of last week is not background; nor is a speaker's own account of history.
    assert _rule(nlp, CLAIM, refers_to=date(2022, 1, 28), published=published) is None
    assert (
        _rule(nlp, "Russia opened the bridge in 2018", attributed=True, published=published) is None
    )
    # A decade names its years.
    text = "When the USSR deployed missiles to Cuba in the 1960s, the world held its breath."
    assert _rule(nlp, text, published=published) == "NC_BACKGROUND"


def test_NC_LINK_BOX(nlp: Any) -> None:
    assert _rule(nlp, "US WILL STAY IN NATO IF ALLIES PAY MORE", attributed=True) == "NC_LINK_BOX"
    # An acronym or a shouted word in a sentence is no teaser.
    assert _rule(nlp, "NATO SAID the troops WILL stay in place.") is None
    assert _rule(nlp, "NATO WILL STAY") is None  # too short to tell


def test_NC_LINK_LINE(nlp: Any) -> None:
    text = (
        "Germany will send another air defence system, the minister said.\n\n"
        "Read also: German MoD says another Patriot system to be sent to Ukraine\n\n"
        "Other Topics of Interest Estonia's PM: training in Ukraine won't trigger war "
        "Kallas said that training Ukraine's forces would not be escalatory.\n"
        "Readers also asked whether the system will arrive before winter."
    )
    said = text.index("German MoD says")
    assert in_link_line(text, said) and in_link_line(text, text.index("Kallas said"))
    # The article's own sentences, and a line that only starts like a label, are not.
    assert not in_link_line(text, text.index("the minister said"))
    assert not in_link_line(text, text.index("whether the system"))
    assert _rule(nlp, CLAIM, attributed=True, link_line=True) == "NC_LINK_LINE"
    assert _rule(nlp, CLAIM, attributed=True) is None


@pytest.mark.parametrize(
    "text",
    [
        "The institute said this in its daily assessment of the fighting.",
        "This was reported by the regional governor on Telegram.",
        "The minister announced this on Facebook.",
    ],
)
def test_NC_SOURCE_NOTE(nlp: Any, text: str) -> None:
    assert _rule(nlp, text) == "NC_SOURCE_NOTE"


def test_a_claim_about_this_or_so_is_no_source_note(nlp: Any) -> None:
    assert _rule(nlp, "The army has said for weeks that this would happen.") is None
    assert _rule(nlp, "Kyiv says this is a war crime.") is None
    # A note inside a sentence that says something else leaves it a claim.
    text = "Varnia will not invade Ostrela, and its president has said so in public many times."
    assert _rule(nlp, text) is None
    text = "Troops are massing near the border, as the ministry reported this on Monday."
    assert _rule(nlp, text) is None


@pytest.mark.parametrize("rule", sorted(RULE_IDS))
def test_every_rule_can_be_switched_off(nlp: Any, rule: str) -> None:
    samples = {
        "NC_FRAGMENT": ("the head of Russian diplomacy Sergei Lavrov", {}),
        "NC_REQUEST_COMMENT": ("Newsweek has contacted the White House for comment.", {}),
        "NC_CAPTION": ("Russian tanks are seen near the border. Photo: Getty Images", {}),
        "NC_BACKGROUND": (
            "For centuries, armies have fought over these plains.",
            {"published": date(2022, 2, 3)},
        ),
        "NC_LINK_BOX": ("US WILL STAY IN NATO IF ALLIES PAY MORE", {}),
        "NC_LINK_LINE": (CLAIM, {"link_line": True}),
        "NC_SOURCE_NOTE": ("The ministry said this in a statement on Monday.", {}),
    }
    text, kw = samples[rule]
    assert _rule(nlp, text, **kw) == rule
    assert _rule(nlp, text, rules_off=[rule], **kw) != rule


def test_rules_have_ids_and_purposes() -> None:
    assert len(RULE_IDS) == len(RULES)
    assert all(r.id.startswith("NC_") and r.purpose for r in RULES)


def test_an_unknown_rule_id_is_a_config_error() -> None:
    from claimledger.config import load_config
    from claimledger.errors import ConfigError
    from claimledger.pipeline.analyse import check_rules_off

    check_rules_off(load_config(overrides={"claims": {"rules_off": ["NC_CAPTION", "SC_SUBJECT"]}}))
    with pytest.raises(ConfigError, match="NC_CAPTOIN"):
        check_rules_off(load_config(overrides={"claims": {"rules_off": ["NC_CAPTOIN"]}}))

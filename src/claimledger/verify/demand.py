"""Demands for evidence: a statement asking the claimant to show that its claim is true.

A ministry that "asked to see evidence" the units had left, an alliance that "called on" the other
capital "to show" it is pulling back, "we will see, then we will believe": a doubt that asks for proof.
The verdict engine reads these off the linked statement's text (as it reads retractions,
:mod:`claimledger.verify.evidence`) and, when no independent support came after the demand,
gives the claim the reason ``EVIDENCE_REQUESTED(requester, date)`` (docs/verdicts.md). A
demand never changes a status by itself.

``DEMAND_RULES`` is the rule table: one row per rule, with an id and a one-line purpose, each
tested under its id in ``tests/verify/test_demand.py``; ``policy.demand_rules_off`` switches
rules off by id.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DemandRule:
    """One way of asking for evidence: ``pattern`` is a case-insensitive regular expression."""

    id: str
    purpose: str
    pattern: str


_PROOF = r"(?:evidence|proof|proofs)"
_ASK = (
    r"(?:ask(?:s|ed|ing)?|demand(?:s|ed|ing)?|request(?:s|ed|ing)?|want(?:s|ed|ing)?|"
    r"wish(?:es|ed|ing)?|insist(?:s|ed|ing)?\s+on|"
    r"call(?:s|ed|ing)?\s+for|press(?:es|ed|ing)?\s+for|urg(?:es|ed|ing))"
)
# Up to three words between the verb and what is asked for: "asked to see concrete evidence".
_GAP = r"(?:[\w'-]+\s+){0,3}?"

DEMAND_RULES: tuple[DemandRule, ...] = (
    DemandRule(
        "DEM_ASK_EVIDENCE",
        "someone asks, demands or calls for evidence ('asked to see evidence', 'demanded proof', "
        "'we need to see signs of it')",
        rf"\b{_ASK}\s+{_GAP}{_PROOF}\b|\b(?:demands?|requests?|calls?)\s+for\s+{_GAP}{_PROOF}\b|"
        rf"\b(?:need|want|expect)(?:s|ed|ing)?\s+to\s+see\s+{_GAP}(?:signs?|{_PROOF})\b",
    ),
    DemandRule(
        "DEM_CALL_TO_SHOW",
        "someone calls on the claimant to show or prove it ('called on Moscow to show ...')",
        r"\b(?:call(?:s|ed|ing)?\s+on|urg(?:es|ed|ing)|ask(?:s|ed|ing)?|press(?:es|ed|ing)?|"
        r"challeng(?:es|ed|ing)|demand(?:s|ed|ing)?\s+that)\s+(?:[\w.'-]+\s+){1,5}?"
        r"(?:to\s+)?(?:(?:show|demonstrate)\s+(?:that|it\s|them\s|us\s|the\s+world|"
        rf"{_GAP}(?:signs?|{_PROOF}))|prove|back\s+up|substantiate|"
        rf"(?:provide|produce|present)\s+{_GAP}{_PROOF})\b",
    ),
    DemandRule(
        "DEM_SHOW_US",
        "a direct demand: 'show us the evidence', 'where is the proof?', 'prove it'",
        rf"\b(?:show|give|provide|present|produce)\s+(?:us|me|the\s+world)\s+{_GAP}{_PROOF}\b|"
        rf"\bwhere\s+(?:is|are)\s+(?:the|your|their|any)\s+{_PROOF}\b|\bprove\s+it\b",
    ),
    DemandRule(
        "DEM_SEE_THEN_BELIEVE",
        "belief withheld until it is seen ('we will see, then we will believe', "
        "'will believe a withdrawal when it sees one')",
        r"\bwe(?:'ll|\s+will|\s+shall)\s+see\b[^.!?]{0,40}?\bbelieve\b|"
        r"\bbelieve\s+(?:[\w'-]+\s+){0,3}?when\s+(?:we|i|they|it|he|she|you)\s+sees?\b|"
        r"\bseeing\s+is\s+believing\b",
    ),
    DemandRule(
        "DEM_SOURCE_QUESTION",
        "a bare request for a source or proof in a post ('source?', 'any proof?')",
        r"\b(?:sources?|proof|evidence|links?)\s*\?",
    ),
)
RULE_IDS: tuple[str, ...] = tuple(r.id for r in DEMAND_RULES)
_RULE_RES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(r.pattern, re.IGNORECASE) for r in DEMAND_RULES
)
# A demand preceded by a negation ("did not ask for proof", "no need to show") is none.
_NEGATION = re.compile(
    r"(?:\bnot|\bnever|n't|\bno\s+need\s+to|\bno\s+one|\bnobody|\bwithout)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)


def demand_rules(text: str, *, off: Collection[str] = ()) -> tuple[str, ...]:
    """The ids of the ``DEMAND_RULES`` that read ``text`` as a demand for evidence.

    A match right after a negation ("did not ask for evidence") does not count.

    Args:
        text: A statement (any string, possibly empty).
        off: Rule ids switched off.
    """
    if not text:
        return ()
    flat = " ".join(text.split())
    found = []
    for rule, rx in zip(DEMAND_RULES, _RULE_RES, strict=True):
        if rule.id in off:
            continue
        for match in rx.finditer(flat):
            if not _NEGATION.search(flat[max(0, match.start() - 30) : match.start()]):
                found.append(rule.id)
                break
    return tuple(found)

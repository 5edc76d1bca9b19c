"""The Atom feed of status changes of tracked and watched claims (``/alerts.atom``).

Built with ElementTree, which escapes every text and attribute value.
"""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from claimledger.records import Claim, StatusEvent

ATOM = "http://www.w3.org/2005/Atom"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _clean(text: str) -> str:
    # XML 1.0 cannot carry most control characters, even escaped.
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def atom_feed(events: list[StatusEvent], claims: dict[str, Claim], *, base_url: str) -> bytes:
    """Render status events as an Atom 1.0 document, newest first.

    Args:
        events: Status events, newest first.
        claims: The events' claims by id (for titles).
        base_url: The server's public base URL, without a trailing slash.
    """
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", f"{base_url}/alerts.atom")
    _sub(feed, "title", "claimledger: status changes of tracked claims")
    updated = max((e.at for e in events), default=datetime(1970, 1, 1, tzinfo=UTC))
    _sub(feed, "updated", updated.astimezone(UTC).isoformat())
    _sub(feed, "link", rel="self", href=f"{base_url}/alerts.atom")
    _sub(feed, "link", rel="alternate", href=f"{base_url}/")
    author = _sub(feed, "author")
    _sub(author, "name", "claimledger")
    for e in events:
        claim = claims.get(e.claim_id)
        text = _clean(claim.text if claim else e.claim_id)
        short = text if len(text) <= 120 else text[:119] + "…"
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"{base_url}/claims/{e.claim_id}#event-{e.id}")
        _sub(entry, "title", f"{e.old or 'new'} → {e.new}: {short}")
        _sub(entry, "updated", e.at.astimezone(UTC).isoformat())
        _sub(entry, "link", rel="alternate", href=f"{base_url}/claims/{e.claim_id}")
        reasons = ", ".join(e.reasons) or "none"
        _sub(
            entry,
            "summary",
            _clean(
                f"{text}\nStatus: {e.old or '-'} → {e.new}. Reasons: {reasons}. Policy {e.policy_version}."
            ),
        )
        _sub(entry, "category", term=e.new)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body

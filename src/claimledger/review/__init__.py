"""The analyst in the loop: review actions as events, replay that honours them, analysts
with roles and tokens, the audit log and the review queue (docs/review.md)."""

"""Timeline geometry: dates to x, stances to lanes, status changes to rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from claimledger.web.timeline import Change, Report, build_timeline


def day(n: int) -> datetime:
    return datetime(2025, 3, n, 12, tzinfo=UTC)


def test_dots_are_ordered_by_date_and_laned_by_stance() -> None:
    reports = [
        Report(day(2), "supports", False, "VNA", "/a#1"),
        Report(day(4), "refutes", True, "JBMM", "/a#2"),
        Report(day(8), "refutes", True, "Orbisight", "/a#3"),
    ]
    tl = build_timeline(reports, [Change(day(4), "refuted", "INDEPENDENT_REFUTATION(2)")])
    assert [s for _, s in tl.lanes] == ["supports", "refutes"]
    xs = [d["x"] for d in tl.dots]
    assert xs == sorted(xs) and tl.x0 <= xs[0] and xs[-1] <= tl.x1
    lane = dict((s, y) for y, s in tl.lanes)
    assert [d["y"] for d in tl.dots] == [lane["supports"], lane["refutes"], lane["refutes"]]
    assert [d["independent"] for d in tl.dots] == [False, True, True]
    [rule] = tl.rules
    assert rule["x"] == tl.dots[1]["x"] and rule["status"] == "refuted"
    assert tl.ticks and all(tl.x0 <= x <= tl.x1 for x, _ in tl.ticks)


def test_same_moment_dots_do_not_hide_each_other() -> None:
    reports = [Report(day(3), "supports", True, f"o{i}", f"/a#{i}") for i in range(3)]
    tl = build_timeline(reports, [])
    assert len({(d["x"], d["y"]) for d in tl.dots}) == 3


def test_empty_and_single_report() -> None:
    assert build_timeline([], []).dots == []
    tl = build_timeline([Report(day(3), "questions", False, "x", "/a")], [])
    assert tl.x0 < tl.dots[0]["x"] < tl.x1
    tl = build_timeline(
        [
            Report(day(3), "supports", False, "x", "/a"),
            Report(day(3) + timedelta(days=400), "refutes", False, "y", "/b"),
        ],
        [],
    )
    assert tl.dots[0]["x"] < tl.dots[1]["x"]
    assert len(tl.ticks) <= 40


def test_status_labels_do_not_overlap() -> None:
    reports = [
        Report(day(2), "supports", False, "a", "/a"),
        Report(day(4), "refutes", True, "b", "/b"),
    ]
    changes = [
        Change(day(2), "unverified", "x"),
        Change(day(4) - timedelta(hours=6), "refuted", "y"),
        Change(day(4), "refuted", "z"),
    ]
    tl = build_timeline(reports, changes)
    spans = []
    for r in tl.rules:
        if r["label"]:
            x = int(r["x"])  # type: ignore[call-overload]
            spans.append((x - 64, x) if r["anchor"] == "end" else (x, x + 64))
    assert len(spans) >= 2
    for (_, right), (left, _) in zip(spans, spans[1:], strict=False):
        assert left >= right
    assert all(tl.x0 - 70 <= a and b <= tl.x1 + 70 for a, b in spans)

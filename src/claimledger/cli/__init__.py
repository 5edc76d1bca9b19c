"""The ``claimledger`` command line: thin commands over library functions.

Every command parses its arguments, calls one library function and renders
the result. Errors from the catalogue are printed as one line on stderr and
the exit status is non-zero.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

from claimledger.cli.order import NewcomerOrder
from claimledger.cli.render import Format, emit, emit_explain, err_console, progress_ticks
from claimledger.config import Config, load_config, resolve_db_url
from claimledger.errors import ClaimledgerError, Code, ConfigError
from claimledger.records import IngestReport
from claimledger.store.ledger import Ledger

app = typer.Typer(
    name="claimledger",
    cls=NewcomerOrder,
    help=(
        "A claim ledger for news: who claimed what, when, and what later reports say about it.\n\n"
        "Start with `claimledger init` and `claimledger ingest FILES...`, then `claimledger claims` "
        "and `claimledger explain CLAIM_ID`; `claimledger serve` opens the dashboard."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Measure a component on a labelled data set.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
from claimledger.cli.review import audit_cli, review_app  # noqa: E402  (docs/review.md)

app.add_typer(review_app, name="review")


@dataclass
class State:
    """What the global options resolved to; the ledger opens on first use."""

    db: str | None = None
    config_file: Path | None = None
    _config: Config | None = None
    _ledger: Ledger | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(user_file=self.config_file)
        return self._config

    @property
    def db_url(self) -> str:
        return resolve_db_url(self.db, self.config)

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            store = self.config.store
            self._ledger = Ledger.open(
                self.db_url, pool_size=store.pool_size, max_overflow=store.max_overflow
            )
        return self._ledger


def _state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = State()
        ctx.find_root().obj = obj
    return obj


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="SQLite file or postgresql:// URL (default: $CLAIMLEDGER_DB or ~/.local/share/claimledger/ledger.db).",
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Configuration file (TOML).")
    ] = None,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log output (-vv for debug).")
    ] = 0,
) -> None:
    """Global options go before the command: `claimledger --db ledger.db ingest ...`."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    ctx.obj = State(db=db, config_file=config)
    # A write command that succeeds is recorded with its author (docs/review.md).
    ctx.call_on_close(partial(audit_cli, ctx))


def _date(value: str | None, what: str) -> datetime | None:
    from claimledger.ingest.sources import parse_date

    if value is None:
        return None
    return parse_date(value, item=what)


# -- ingestion ------------------------------------------------------------------------------


@app.command()
def init(ctx: typer.Context) -> None:
    """Create (or migrate) the ledger and load the actor table into it."""
    from claimledger.pipeline.actor_tables import load_actors

    state = _state(ctx)
    n = load_actors(ledger=state.ledger, config=state.config)
    err_console.print(f"ledger ready at {state.ledger.url.split('@')[-1]} ({n} actors)")


@app.command()
def ingest(
    ctx: typer.Context,
    sources: Annotated[list[str], typer.Argument(help="Files, directories, feed or article URLs.")],
    published: Annotated[
        str | None, typer.Option(help="Publication date for inputs without one.")
    ] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet name for inputs without one.")] = None,
    analyse: Annotated[
        bool,
        typer.Option(
            "--analyse/--no-analyse", help="Run extraction, linking and verdicts after storing."
        ),
    ] = True,
    fmt: Annotated[Format, typer.Option("--format", help="Summary format.")] = Format.table,
) -> None:
    """Ingest text, Markdown, HTML, JSONL, WARC, feeds and URLs into the ledger.

    Re-ingesting is a no-op; syndicated copies are grouped into one origin.
    Bad items are reported one per line and recorded; the exit status is 1 if any failed.
    """
    from claimledger.ingest.sources import Defaults
    from claimledger.pipeline.local import ingest as run_ingest

    state = _state(ctx)
    defaults = Defaults(published=_date(published, "--published"), outlet=outlet)
    with progress_ticks("ingesting") as tick:
        report = run_ingest(
            sources,
            ledger=state.ledger,
            config=state.config,
            defaults=defaults,
            analyse=analyse,
            progress=tick,
        )
    for f in report.failures:
        _error_line(f"{f.code} {f.item}: {f.reason}")
    for article_id, language in report.not_analysed:
        print(f"note: {article_id} not analysed: language {language}", file=sys.stderr)
    for article_id, seq in report.revisions:
        print(f"note: {article_id} is revision {seq} of an article already stored", file=sys.stderr)
    summary = _summary(report)
    emit([summary], fmt=fmt, columns=list(summary), title="ingest")
    if report.failures:
        raise typer.Exit(1)


@app.command()
def watch(
    ctx: typer.Context,
    feeds: Annotated[list[str], typer.Argument(help="Feed URLs or files to poll.")],
    interval: Annotated[
        float | None, typer.Option(help="Seconds between polls (default from config).")
    ] = None,
    iterations: Annotated[
        int, typer.Option(help="Stop after this many polls (0: run until Ctrl-C).")
    ] = 0,
) -> None:
    """Poll feeds on an interval and ingest what is new."""
    from claimledger.pipeline.watch import watch_feeds

    state = _state(ctx)
    every = interval if interval is not None else state.config.ingest.watch_interval
    for n_new, failures in watch_feeds(
        feeds, ledger=state.ledger, config=state.config, interval=every, iterations=iterations
    ):
        for f in failures:
            _error_line(f"{f.code} {f.item}: {f.reason}")
        err_console.print(f"{datetime.now():%H:%M:%S} {n_new} new article(s)")


# -- views --------------------------------------------------------------------------------------


@app.command()
def articles(
    ctx: typer.Context,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after this date.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
) -> None:
    """List stored articles (`--format json` prints a JSON array)."""
    from claimledger.pipeline.views import article_rows

    state = _state(ctx)
    rows = article_rows(state.ledger, outlet=outlet, since=_date(since, "--since"), limit=limit)
    emit(
        rows,
        fmt=fmt,
        columns=["id", "published", "date_note", "outlet", "origin", "title"],
        title="articles",
    )


@app.command()
def claims(
    ctx: typer.Context,
    status: Annotated[
        str | None, typer.Option(help="unverified|corroborated|contested|refuted|retracted")
    ] = None,
    actor: Annotated[str | None, typer.Option(help="Claimant actor id or name.")] = None,
    since: Annotated[str | None, typer.Option(help="First seen on or after this date.")] = None,
    search: Annotated[str | None, typer.Option(help="Text contained in the claim.")] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The ledger as it stood then: a date (end of that UTC day) or date-time.",
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """List claims with their status, reasons and evidence."""
    from claimledger.pipeline.asof import as_of_moment
    from claimledger.pipeline.views import claim_views

    state = _state(ctx)
    if status is not None and status not in (
        "unverified",
        "corroborated",
        "contested",
        "refuted",
        "retracted",
    ):
        raise ConfigError(Code.E402, "--status", reason=f"unknown status {status!r}")
    views = claim_views(
        state.ledger,
        config=state.config,
        status=status,
        actor=actor,
        since=_date(since, "--since"),
        text=search,
        as_of=as_of_moment(as_of, item="--as-of"),
    )
    if fmt is Format.table:
        rows = [
            {
                "id": v["id"],
                "status": v["status"],
                "claimant": (v["claimant"] or {}).get("name"),
                "first_seen": (v["first_seen"] or "")[:10],
                "reports": v["reports"],
                "reasons": v["reasons"],
                "text": v["text"],
            }
            for v in views
        ]
        emit(
            rows,
            fmt=fmt,
            columns=["id", "status", "first_seen", "reports", "claimant", "text", "reasons"],
            title="claims",
        )
    else:
        emit(views, fmt=fmt, columns=[])


@app.command()
def explain(
    ctx: typer.Context,
    claim_id: Annotated[str, typer.Argument(help="Claim id (a unique prefix is enough).")],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The claim as it stood then: a date (end of that UTC day) or date-time.",
        ),
    ] = None,
) -> None:
    """Explain a claim's status: reasons, evidence chain and history."""
    from claimledger.pipeline.asof import as_of_moment
    from claimledger.pipeline.views import explain_claim

    state = _state(ctx)
    moment = as_of_moment(as_of, item="--as-of")
    emit_explain(explain_claim(state.ledger, claim_id, config=state.config, as_of=moment))


@app.command()
def show(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(help="Article or claim id.")],
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Show an article with its attributions, or explain a claim."""
    from claimledger.pipeline.views import article_detail, explain_claim

    state = _state(ctx)
    if item_id.startswith("c"):
        print(explain_claim(state.ledger, item_id, config=state.config))
        return
    detail = article_detail(state.ledger, item_id)
    if fmt is not Format.table:
        emit([detail], fmt=fmt, columns=[])
        return
    art = detail["article"]
    print(
        f"{art['title'] or '(untitled)'}\n{art['outlet'] or ''}  {art['published'] or ''}  origin {art['origin_id']}\n"
    )
    emit(
        detail["statements"],
        fmt=fmt,
        columns=["kind", "speaker", "actor", "cue", "content", "checkworthiness"],
        title="attributions",
    )


@app.command()
def track(
    ctx: typer.Context,
    text: Annotated[str | None, typer.Argument(help="The claim, as a sentence.")] = None,
    claimant: Annotated[str | None, typer.Option(help="Who made the claim.")] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="When it was made (default: now).")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", help="Fact-checks to track: JSON lines, CSV or ClaimReview JSON-LD."
        ),
    ] = None,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--format", help="Format of --file: jsonl|csv|claimreview (default: detected)."
        ),
    ] = None,
) -> None:
    """Register a claim by hand (a watchlist entry), or every fact-checked claim of a file
    with its rating kept as evidence (`--file`); later reports link to them."""
    from claimledger.pipeline.process import track_claim

    state = _state(ctx)
    if file is not None:
        if text is not None:
            raise ConfigError(Code.E402, "track", reason="give a claim text or --file, not both")
        _track_file(state, file, input_format)
        return
    if text is None:
        raise ConfigError(Code.E402, "track", reason="give a claim text or --file")
    claim = track_claim(
        text,
        claimant=claimant,
        when=_date(date, "--date"),
        ledger=state.ledger,
        config=state.config,
    )
    print(claim.id)


def _track_file(state: State, file: Path, input_format: str | None) -> None:
    """``track --file``: progress on stderr, one line per bad row, a summary table."""
    from claimledger.ingest.factchecks import read_factchecks
    from claimledger.pipeline.factchecks import import_rows

    rows = read_factchecks(file, fmt=input_format)  # an unreadable file fails before any work
    with progress_ticks("tracking") as tick:
        report = import_rows(
            rows,
            ledger=state.ledger,
            config=state.config,
            added_by=f"import:{file.name}",
            progress=tick,
        )
    for f in report.failures:
        _error_line(f"{f.code} {f.item}: {f.reason}")
    summary = {
        "rows": report.rows,
        "claims": report.claims,
        "known": report.known,
        "ratings": report.ratings,
        "unchanged": report.unchanged,
        "failed": len(report.failures),
    }
    emit([summary], fmt=Format.table, columns=list(summary), title="track")
    if report.failures:
        raise typer.Exit(1)


@app.command()
def recompute(ctx: typer.Context) -> None:
    """Recompute every claim's status history from stored statements and links."""
    from claimledger.pipeline.verdict_queries import recompute_all

    state = _state(ctx)
    n = recompute_all(ledger=state.ledger, config=state.config)
    err_console.print(f"recomputed {n} claims")


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", help="claimreview|provenance|csv|jsonl")
    ] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Export claims as ClaimReview JSON-LD, provenance bundles, CSV or JSON lines."""
    from claimledger.pipeline.export import export_claims

    state = _state(ctx)
    text = export_claims(state.ledger, config=state.config, fmt=fmt)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    dev: Annotated[
        bool, typer.Option("--dev", help="Allow writes without CLAIMLEDGER_TOKEN (loopback only).")
    ] = False,
) -> None:
    """Serve the REST API and the dashboard."""
    from claimledger.api.server import run_server

    state = _state(ctx)
    run_server(db_url=state.db_url, config=state.config, host=host, port=port, dev=dev)


@app.command("next-steps")
def next_steps(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Dashboard host (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Dashboard port (default 8000).")] = None,
) -> None:
    """Print where the dashboard is and three commands to try next, with this ledger's ids."""
    import shutil

    from claimledger.cli.render import emit_next_steps
    from claimledger.pipeline.tour import environment_settings
    from claimledger.pipeline.tour import next_steps as find_next_steps

    state = _state(ctx)
    found = find_next_steps(
        state.ledger,
        config=state.config,
        db=state.db,
        host=host or state.config.api.host,
        port=state.config.api.port if port is None else port,
    )
    activate = Path(sys.executable).parent / "activate"
    setup = environment_settings(os.environ)
    if shutil.which("claimledger") is None and activate.exists():
        shown = os.path.relpath(activate) if activate.is_relative_to(Path.cwd()) else activate
        setup.insert(0, f"source {shown}")
    emit_next_steps(found, setup=setup)


# -- models without a store -------------------------------------------------------------------


@app.command()
def extract(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Text files (UTF-8).")],
    fmt: Annotated[Format, typer.Option("--format")] = Format.jsonl,
) -> None:
    """Print the attributions of each file: one JSON object per file (no store needed)."""
    from claimledger.pipeline.views import extract_files

    failed = False
    actors_file = _state(ctx).config.extract.actors_file
    for record in extract_files(files, actors_file=actors_file):
        if "error" in record:
            _error_line(str(record["error"]))
            failed = True
            continue
        print(
            json.dumps(record, ensure_ascii=False)
            if fmt is not Format.json
            else json.dumps(record, ensure_ascii=False, indent=2)
        )
    if failed:
        raise typer.Exit(1)


@app.command()
def stance(
    input_file: Annotated[
        Path, typer.Option("--input", help='JSON lines {"id", "claim", "text"}.')
    ],
) -> None:
    """Classify each pair's stance: one JSON line {"id","stance","confidence"} per input line."""
    from claimledger.eval.stance import read_stance_pairs_jsonl, stance_lines

    for line in stance_lines(read_stance_pairs_jsonl(input_file)):
        print(json.dumps(line, ensure_ascii=False))


@app.command()
def batch(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(help="JSONL, Parquet or WARC archives.")],
    engine: Annotated[str, typer.Option(help="ray or local.")] = "ray",
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (default: start a local Ray).")
    ] = None,
    workers: Annotated[int, typer.Option(help="Workers per model stage.")] = 2,
) -> None:
    """Process archives in batch on Ray (or in-process with --engine local)."""
    from claimledger.pipeline.batch import run_batch

    state = _state(ctx)
    report = run_batch(
        inputs,
        ledger=state.ledger,
        config=state.config,
        engine=engine,
        address=address,
        workers=workers,
    )
    summary = _summary(report)
    emit([summary], fmt=Format.table, columns=list(summary), title="batch")
    if report.failures:
        raise typer.Exit(1)


@app.command()
def bench(
    n: Annotated[int, typer.Option(help="Articles in the synthetic corpus.")] = 1000,
) -> None:
    """Quick store-and-dedup throughput against a bare INSERT loop (full suite: `make bench`)."""
    from claimledger.pipeline.bench import bench_ingest

    emit([bench_ingest(n=n)], fmt=Format.json, columns=[])


# -- evaluation -------------------------------------------------------------------------------


@eval_app.command("attribution")
def eval_attribution(
    data: Annotated[
        Path, typer.Option("--data", help="PolNeAR-layout split (text/, attributions/).")
    ],
    limit: Annotated[int | None, typer.Option(help="First N articles only.")] = None,
) -> None:
    """Content/source/triple precision, recall and F1 on a PolNeAR-layout split."""
    from claimledger.eval.attribution import evaluate_attribution, format_attribution_report

    print(format_attribution_report(evaluate_attribution(data, limit=limit)))


@eval_app.command("stance")
def eval_stance(
    fnc_dir: Annotated[
        Path, typer.Option("--fnc-dir", help="Folder with *_bodies.csv and *_stances.csv.")
    ],
    limit: Annotated[
        int | None, typer.Option(help="A deterministic subset of N pairs with the same label mix.")
    ] = None,
) -> None:
    """FNC-1 score, macro-F1 and per-class F1."""
    from claimledger.eval.stance import evaluate_stance, format_stance_report

    print(format_stance_report(evaluate_stance(fnc_dir, limit=limit)))


@eval_app.command("checkworthy")
def eval_checkworthy(
    data: Annotated[Path, typer.Option("--data", help="ClaimBuster-format CSV (Text, Verdict).")],
) -> None:
    """Precision, recall, F1 of the check-worthy class and average precision."""
    from claimledger.eval.checkworthy import evaluate_checkworthy, format_checkworthy_report

    print(format_checkworthy_report(evaluate_checkworthy(data)))


@eval_app.command("linking")
def eval_linking(
    fnc_dir: Annotated[
        Path | None, typer.Option("--fnc-dir", help="FNC-1 folder to build same-claim pairs from.")
    ] = None,
    pairs: Annotated[
        Path | None, typer.Option("--pairs", help="JSON lines of labelled pairs instead.")
    ] = None,
    max_pairs: Annotated[int | None, typer.Option(help="At most this many built pairs.")] = None,
) -> None:
    """Precision, recall and F1 of same-claim decisions on built or given pairs."""
    from claimledger.eval.linking import build_fnc_pairs, evaluate_linking, format_linking_report

    if (fnc_dir is None) == (pairs is None):
        raise ConfigError(
            Code.E402, "eval linking", reason="give exactly one of --fnc-dir and --pairs"
        )
    chosen = pairs if pairs is not None else build_fnc_pairs(fnc_dir or Path(), max_pairs=max_pairs)
    print(format_linking_report(evaluate_linking(chosen)))


@eval_app.command("ledger")
def eval_ledger(
    ctx: typer.Context,
    articles: Annotated[
        Path, typer.Option("--articles", help="Folder of the gold's article files.")
    ],
    gold: Annotated[
        Path | None,
        typer.Option("--gold", help="Gold YAML (default: the packaged real-news gold)."),
    ] = None,
    split: Annotated[str, typer.Option(help="dev, test or all.")] = "dev",
    db: Annotated[
        str | None, typer.Option("--db", help="An empty store to build in (default: temporary).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Claims found, merged, reactions linked, statuses and not-claims against a real-news gold."""
    from claimledger.eval.ledger import (
        DEFAULT_GOLD,
        evaluate_ledger,
        format_ledger_report,
        report_json,
    )

    if split not in ("dev", "test", "all") or fmt not in ("text", "json"):
        raise ConfigError(
            Code.E402, "eval ledger", reason="--split is dev, test or all; --format text or json"
        )
    state = _state(ctx)
    report = evaluate_ledger(
        gold or DEFAULT_GOLD,
        articles,
        split=split,  # type: ignore[arg-type]
        config=state.config,
        db_url=resolve_db_url(db, state.config) if db else None,
    )
    if fmt == "json":
        print(json.dumps(report_json(report), indent=2))
    else:
        print(format_ledger_report(report))


@eval_app.command("rules")
def eval_rules(
    ctx: typer.Context,
    articles: Annotated[
        Path, typer.Option("--articles", help="Folder of the gold's article files.")
    ],
    gold: Annotated[
        Path | None,
        typer.Option("--gold", help="Gold YAML (default: the packaged real-news gold)."),
    ] = None,
    rules: Annotated[
        str | None, typer.Option("--rules", help="Comma-separated rule ids (default: all).")
    ] = None,
    split: Annotated[str, typer.Option(help="dev, test or all.")] = "dev",
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Each claim-stage rule switched off in turn: the change of every eval ledger figure."""
    from claimledger.eval.ledger import DEFAULT_GOLD
    from claimledger.eval.rules import evaluate_rules, format_rules_report, rules_report_json

    if split not in ("dev", "test", "all") or fmt not in ("text", "json"):
        raise ConfigError(
            Code.E402, "eval rules", reason="--split is dev, test or all; --format text or json"
        )
    report = evaluate_rules(
        gold or DEFAULT_GOLD,
        articles,
        split=split,  # type: ignore[arg-type]
        config=_state(ctx).config,
        rules=[r.strip() for r in rules.split(",") if r.strip()] if rules is not None else None,
    )
    if fmt == "json":
        print(json.dumps(rules_report_json(report), indent=2))
    else:
        print(format_rules_report(report))


def _summary(report: IngestReport) -> dict[str, int]:
    """Counts of an ingest or batch run, for the table printed at its end."""
    return {
        "added": len(report.added),
        "duplicates": len(report.duplicates),
        "failed": len(report.failures),
        "not_analysed": len(report.not_analysed),
        "statements": report.statements,
        "claims": report.claims,
    }


def _error_line(message: str) -> None:
    """One unwrapped line on stderr: ``error: E101 item: reason``."""
    print(f"error: {' '.join(message.split())}", file=sys.stderr)


def main(argv: list[str] | None = None) -> Any:
    """Entry point: run the app, rendering catalogue errors as one line."""
    try:
        return app(args=argv, standalone_mode=True)
    except ClaimledgerError as exc:
        _error_line(str(exc))
        sys.exit(2 if isinstance(exc, ConfigError) else 1)

"""``concordia import``: a CSV file into a node's bulk sync endpoint, batch by batch.

Each batch is one ``PUT /v1/sync/<kind>`` of at most the endpoint's limit (5,000 records) with
an ``Idempotency-Key`` derived from the batch itself: a batch retried after a lost answer, or a
whole re-run of the same file, is answered from the service's record of the first request and
writes nothing twice. Rejected rows are written to an error report (row, external_id, field,
reason) and make the exit code 1; the rows of a file are numbered as lines, the header being 1.
"""

from __future__ import annotations

import csv
import hashlib
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from concordia.cli._csvmap import KINDS, Kind, RowMapper
from concordia.core.bulk import MAX_RECORDS

RETRIES = 4  # attempts per batch on a network error, 429 or 5xx
REPORT_COLUMNS = ["row", "external_id", "field", "reason"]


class ImportAbortedError(Exception):
    """The service refused a whole batch (authentication, scope, size): nothing more is sent."""


@dataclass
class Outcome:
    """What an import did: counts by status, replayed batches and every rejected row's errors."""

    counts: Counter[str] = field(default_factory=Counter)
    replayed_batches: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        """Rows the service (or the CSV reader) rejected."""
        return len({error["row"] for error in self.errors})


def read_rows(path: Path, kind: Kind, outcome: Outcome) -> list[tuple[int, dict[str, Any]]]:
    """Every data row as (line number, record); malformed rows go straight to ``outcome``."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        mapper = RowMapper(kind, list(reader.fieldnames or []))
        rows: list[tuple[int, dict[str, Any]]] = []
        for row in reader:
            line = reader.line_num
            if None in row:  # more cells than the header has columns
                outcome.errors.append(_error(line, row.get("external_id"), "row",
                                             "more cells than the header has columns"))  # fmt: skip
                outcome.counts["rejected"] += 1
                continue
            rows.append((line, mapper.record(row)))
    return rows


def batch_key(kind: Kind, body: bytes, dry_run: bool) -> str:
    """The batch's Idempotency-Key: the same records to the same endpoint give the same key."""
    digest = hashlib.sha256(f"{kind.path} dry_run={dry_run}\n".encode() + body).hexdigest()
    return f"import-{digest[:48]}"


def send_batch(
    client: httpx.Client, kind: Kind, records: list[dict[str, Any]], dry_run: bool
) -> tuple[dict[str, Any], bool]:
    """PUT one batch, retrying transient failures with the same key: (report, replayed)."""
    body = json.dumps({"records": records}, ensure_ascii=False).encode()
    headers = {"Idempotency-Key": batch_key(kind, body, dry_run),
               "Content-Type": "application/json"}  # fmt: skip
    params = {"dry_run": "true"} if dry_run else {}
    for attempt in range(1, RETRIES + 1):
        try:
            response = client.put(kind.path, content=body, headers=headers, params=params)
        except httpx.TransportError as exc:
            if attempt == RETRIES:
                raise ImportAbortedError(f"{kind.path}: {exc}") from exc
        else:
            if response.status_code == 200:
                return response.json(), response.headers.get("Idempotent-Replayed") == "true"
            if response.status_code != 429 and response.status_code < 500:
                raise ImportAbortedError(
                    f"{kind.path} answered {response.status_code}: {_refusal(response)}"
                )
            if attempt == RETRIES:
                raise ImportAbortedError(f"{kind.path} answered {response.status_code}")
        time.sleep(0.5 * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


def _refusal(response: httpx.Response) -> str:
    """What a refusal says: a problem's ``detail``, else the start of the body."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    return detail if isinstance(detail, str) else response.text[:500]


def _error(row: int, external_id: Any, field_: str, reason: str) -> dict[str, Any]:
    return {"row": row, "external_id": external_id or "", "field": field_, "reason": reason}


def record_results(
    report: dict[str, Any], lines: list[int], records: list[dict[str, Any]], outcome: Outcome
) -> None:
    """Count one batch's results and keep every rejected row's errors, by line number."""
    for result in report["results"]:
        outcome.counts[result["status"]] += 1
        if result["status"] != "rejected":
            continue
        index = result["index"]
        external_id = result.get("external_id") or records[index].get("external_id")
        for error in result["errors"] or [{"loc": [], "msg": "rejected"}]:
            where = ".".join(str(part) for part in error["loc"]) or "record"
            outcome.errors.append(_error(lines[index], external_id, where, error["msg"]))


def write_report(path: Path, outcome: Outcome) -> None:
    """The error report: one line per error, in file order (only a header when none)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=REPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(sorted(outcome.errors, key=lambda e: (e["row"], e["field"])))


def run_import(
    kind: Kind, path: Path, client: httpx.Client, *, batch_size: int, dry_run: bool,
    console: Console,
) -> Outcome:  # fmt: skip
    """Read, batch and send the file, with a progress bar; the outcome of every row."""
    outcome = Outcome()
    rows = read_rows(path, kind, outcome)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(f"{kind.name} → {client.base_url}", total=len(rows))
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            records = [record for _, record in batch]
            report, replayed = send_batch(client, kind, records, dry_run)
            outcome.replayed_batches += replayed
            record_results(report, [line for line, _ in batch], records, outcome)
            progress.advance(task, len(batch))
    return outcome


KindArg = Annotated[str, typer.Argument(help=f"What the file holds: {', '.join(KINDS)}.")]
FileArg = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="A UTF-8 CSV file.")
]
URL_HELP = (
    "Base URL of the node's service: the registry for persons and organisations, the ledger for "
    "grants, e.g. http://127.0.0.1:8000."
)
UrlOpt = Annotated[str, typer.Option(envvar="CONCORDIA_URL", help=URL_HELP)]
SCOPE_HELP = "A token with registry:write (persons, organisations) or ledger:write (grants)."
TokenOpt = Annotated[str, typer.Option(envvar="CONCORDIA_TOKEN", help=SCOPE_HELP)]
BATCH_HELP = "Records per request (the endpoint takes at most 5,000)."
BatchOpt = Annotated[int, typer.Option(min=1, max=MAX_RECORDS, help=BATCH_HELP)]
ERRORS_HELP = "Where to write the per-row error report (default: <file>.errors.csv)."
ErrorsOpt = Annotated[Path | None, typer.Option(help=ERRORS_HELP)]
DryRunOpt = Annotated[bool, typer.Option(help="Validate and report; write nothing.")]
TimeoutOpt = Annotated[float, typer.Option(help="Seconds to wait for one batch.")]
JsonOpt = Annotated[
    bool,
    typer.Option("--json", help="Print the outcome as JSON on standard output (no table)."),
]


def import_(
    kind: KindArg,
    csv_file: FileArg,
    url: UrlOpt,
    token: TokenOpt,
    batch_size: BatchOpt = MAX_RECORDS,
    errors: ErrorsOpt = None,
    dry_run: DryRunOpt = False,
    timeout: TimeoutOpt = 300.0,
    as_json: JsonOpt = False,
) -> None:
    """Import a CSV file into a node's bulk sync endpoint, with a per-row error report."""
    if kind not in KINDS:
        raise typer.BadParameter(f"choose one of {', '.join(KINDS)}", param_hint="KIND")
    spec = KINDS[kind]
    console = Console(stderr=True, soft_wrap=True)
    report_path = errors or csv_file.with_name(f"{csv_file.stem}.errors.csv")
    # The registry audits every sync of personal data under a purpose code.
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "registration; csv import"}
    with httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=timeout) as client:
        try:
            outcome = run_import(spec, csv_file, client, batch_size=batch_size, dry_run=dry_run,
                                 console=console)  # fmt: skip
        except ValueError as exc:  # the header does not fit the kind
            raise typer.BadParameter(str(exc), param_hint="CSV_FILE") from exc
        except ImportAbortedError as exc:
            if as_json:
                typer.echo(json.dumps({"kind": spec.name, "stopped": str(exc)}, indent=2))
            else:
                console.print(f"[red]Import stopped:[/] {exc}")
            raise typer.Exit(2) from exc
    write_report(report_path, outcome)
    if as_json:
        typer.echo(json.dumps(outcome_json(outcome, spec, report_path, dry_run), indent=2))
    else:
        summarise(outcome, spec, report_path, dry_run, console)
    if outcome.errors:
        raise typer.Exit(1)


def outcome_json(outcome: Outcome, kind: Kind, report: Path, dry_run: bool) -> dict[str, Any]:
    """The outcome for ``--json``: counts by status, replayed batches, every error, the report."""
    return {
        "kind": kind.name,
        "dry_run": dry_run,
        "counts": {s: outcome.counts[s] for s in ("created", "updated", "unchanged", "rejected")},
        "replayed_batches": outcome.replayed_batches,
        "rejected_rows": outcome.rejected_rows,
        "errors": sorted(outcome.errors, key=lambda e: (e["row"], e["field"])),
        "report": str(report),
    }


def summarise(outcome: Outcome, kind: Kind, report: Path, dry_run: bool, console: Console) -> None:
    """The counts, the first few errors and where the report is."""
    table = Table(title=f"{kind.name}{' (dry run)' if dry_run else ''}")
    for status in ("created", "updated", "unchanged", "rejected"):
        table.add_column(status, justify="right")
    table.add_row(
        *(str(outcome.counts[s]) for s in ("created", "updated", "unchanged", "rejected"))
    )
    console.print(table)
    if outcome.replayed_batches:
        console.print(f"{outcome.replayed_batches} batch(es) were already imported: the service "
                      "replayed its first answer and wrote nothing again.")  # fmt: skip
    if not outcome.errors:
        console.print(f"No row was rejected. Report: {report}")
        return
    console.print(f"[red]{outcome.rejected_rows} row(s) rejected[/], {len(outcome.errors)} "
                  f"error(s); the full report: {report}")  # fmt: skip
    for error in sorted(outcome.errors, key=lambda e: e["row"])[:10]:
        console.print(f"  row {error['row']} ({error['external_id']}): {error['field']}: "
                      f"{error['reason']}")  # fmt: skip

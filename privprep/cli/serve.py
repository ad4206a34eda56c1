"""``privprep serve``: the policy's row-local operators behind HTTP (extra ``privprep[serve]``)."""

from __future__ import annotations

import gc
from pathlib import Path

import typer

from privprep.cli.app import app, err, user_errors
from privprep.cli.help import epilog
from privprep.errors import ReasonCode, fail


@app.command(epilog=epilog("PRIVPREP_KEY=... privprep serve policies/customers.yaml --port 8080"))
@user_errors
def serve(
    policy: Path = typer.Argument(..., help="Policy file."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    schema: Path | None = typer.Option(
        None,
        "--schema",
        help="Parquet file whose schema the records follow (default: the policy's columns, as strings).",
    ),
    audit_log: Path | None = typer.Option(None, "--audit-log", help="Audit log for the session records."),
    flush: float = typer.Option(60.0, "--flush-seconds", help="How often the session's counts are audited."),
) -> None:
    """Serve POST /transform (a JSON record or a list) and GET /health. The key comes from the environment."""
    try:
        import uvicorn

        from privprep.serve.app import create_app
    except ImportError:
        raise fail(
            ReasonCode.INPUT_INVALID, "privprep serve needs the serve extra: pip install 'privprep[serve]'"
        ) from None
    from privprep.serve import compile

    transformer = compile(policy, schema=schema, audit_log=audit_log, flush_seconds=flush)
    for warning in transformer.warnings:
        err.print(f"[yellow]warning[/]: {warning}", highlight=False)
    gc.freeze()  # the loaded model, pools and plan: out of every later collection's way
    uvicorn.run(create_app(transformer), host=host, port=port, log_level="warning", access_log=False,
                server_header=False, date_header=False)  # fmt: skip

"""A small ASGI app over a :class:`~privprep.serve.Transformer` (extra ``privprep[serve]``).

``POST /transform`` takes one JSON record (an object) or a list of them and answers the same shape;
a record the schema refuses is a 422 whose message names the field and dtype, never a value.
``GET /health`` says the service is up and which fields it takes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from privprep.serve.transformer import Transformer
from privprep.serve.values import RecordError


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    raise TypeError(type(value).__name__)


class _Json(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(content, default=_plain, ensure_ascii=False, separators=(",", ":")).encode()


def _refused(message: str) -> Response:
    return _Json({"error": "input_invalid", "message": message}, status_code=422)


def create_app(transformer: Transformer) -> Starlette:
    """The app; it closes the transformer's audit session when the server shuts down."""
    threaded = transformer.needs_polars  # scrub or Polars-only columns: keep the event loop free

    async def transform(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:  # JSONDecodeError and UnicodeDecodeError; their text may quote the body
            return _refused("the body is not valid JSON")
        run = transformer.transform_batch if isinstance(body, list) else transformer.transform
        try:
            out = await run_in_threadpool(run, body) if threaded else run(body)
        except RecordError as exc:
            return _refused(exc.message)
        return _Json(out)

    async def health(request: Request) -> Response:
        return _Json({"status": "ok", "policy": transformer.plan.policy.name, "fields": transformer.fields})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        transformer.close()

    routes = [Route("/transform", transform, methods=["POST"]), Route("/health", health, methods=["GET"])]
    return Starlette(routes=routes, lifespan=lifespan)

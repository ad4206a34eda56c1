"""A small ASGI app over a :class:`~privprep.serve.Transformer` under uvicorn (extra ``privprep[serve]``).

``POST /transform`` takes one JSON record (an object) or a list of them and answers the same shape;
a record the schema refuses is a 422 whose message names the field and dtype, never a value.
``GET /health`` says the service is up and which fields it takes. Plain ASGI, no framework: the
two routes do not need one, and each request costs less without it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Awaitable, Callable
from typing import Any

from privprep.serve.transformer import Transformer
from privprep.serve.values import RecordError

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
_JSON = [(b"content-type", b"application/json")]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(type(value).__name__)


def _encode(content: Any) -> bytes:
    return json.dumps(content, default=_plain, ensure_ascii=False, separators=(",", ":")).encode()


async def _answer(send: Send, status: int, content: Any) -> None:
    await send({"type": "http.response.start", "status": status, "headers": _JSON})
    await send({"type": "http.response.body", "body": _encode(content)})


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _refused(message: str) -> tuple[int, dict[str, str]]:
    return 422, {"error": "input_invalid", "message": message}


def create_app(transformer: Transformer) -> App:
    """The app; it closes the transformer's audit session when the server shuts down."""
    threaded = transformer.needs_polars  # scrub or Polars-only columns: keep the event loop free
    health = {"status": "ok", "policy": transformer.plan.policy.name, "fields": transformer.fields}

    def transform(body: bytes) -> tuple[int, Any]:
        try:
            records = json.loads(body)
        except ValueError:  # JSONDecodeError and UnicodeDecodeError; their text may quote the body
            return _refused("the body is not valid JSON")
        run = transformer.transform_batch if isinstance(records, list) else transformer.transform
        try:
            return 200, run(records)
        except RecordError as exc:
            return _refused(exc.message)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            transformer.close()
            await send({"type": "lifespan.shutdown.complete"})
            return
        route = (scope["method"], scope["path"])
        if route == ("POST", "/transform"):
            body = await _body(receive)
            status, content = await asyncio.to_thread(transform, body) if threaded else transform(body)
        elif route == ("GET", "/health"):
            status, content = 200, health
        elif scope["path"] in ("/transform", "/health"):
            status, content = 405, {"error": "method_not_allowed", "message": "POST /transform, GET /health"}
        else:
            status, content = 404, {"error": "not_found", "message": "POST /transform, GET /health"}
        await _answer(send, status, content)

    return app

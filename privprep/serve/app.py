"""A small ASGI app over a :class:`~privprep.serve.Transformer` under uvicorn (extra ``privprep[serve]``).

``POST /transform`` takes one JSON record (an object) or a list of them and answers the same shape;
a record the schema refuses is a 422 whose message names the field and dtype, never a value.
``GET /health`` says the service is up and which fields it takes. Plain ASGI, no framework: the
two routes do not need one, and each request costs less without it. JSON is read and written by
``orjson`` (NaN and infinities, which JSON has no literal for, are written as ``null``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from privprep.errors import PrivprepError, ReasonCode
from privprep.serve.transformer import Transformer

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
_JSON = (b"content-type", b"application/json")
_ROUTES = "POST /transform, GET /health"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(type(value).__name__)


def _encode(content: Any) -> bytes:
    return orjson.dumps(content, default=_plain)


async def _answer(send: Send, status: int, body: bytes) -> None:
    headers = [_JSON, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _body(receive: Receive) -> bytes:
    message = await receive()
    if not message.get("more_body"):
        return message.get("body", b"")  # type: ignore[no-any-return]
    chunks = [message.get("body", b"")]
    while message.get("more_body"):
        message = await receive()
        chunks.append(message.get("body", b""))
    return b"".join(chunks)


def _refused(message: str) -> tuple[int, bytes]:
    return 422, _encode({"error": "input_invalid", "message": message})


def create_app(transformer: Transformer) -> App:
    """The app; it closes the transformer's audit session when the server shuts down."""
    threaded = transformer.needs_polars  # scrub or Polars-only columns: keep the event loop free
    health = _encode({"status": "ok", "policy": transformer.plan.policy.name, "fields": transformer.fields})
    not_allowed = _encode({"error": "method_not_allowed", "message": _ROUTES})
    not_found = _encode({"error": "not_found", "message": _ROUTES})

    def transform(body: bytes) -> tuple[int, bytes]:
        try:
            records = orjson.loads(body)
        except orjson.JSONDecodeError:  # its text may quote the body
            return _refused("the body is not valid JSON")
        run = transformer.transform_batch if isinstance(records, list) else transformer.transform
        try:
            return 200, _encode(run(records))
        except PrivprepError as exc:  # a refused field, or a text longer than scrub analyzes
            if exc.code is not ReasonCode.INPUT_INVALID:
                raise
            return _refused(exc.message)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            transformer.close()
            await send({"type": "lifespan.shutdown.complete"})
            return
        path = scope["path"]
        if path == "/transform" and scope["method"] == "POST":
            body = await _body(receive)
            status, content = await asyncio.to_thread(transform, body) if threaded else transform(body)
        elif path == "/health" and scope["method"] == "GET":
            status, content = 200, health
        elif path in ("/transform", "/health"):
            status, content = 405, not_allowed
        else:
            status, content = 404, not_found
        await _answer(send, status, content)

    return app

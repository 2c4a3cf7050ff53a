"""A tiny real HTTP recognizer (uvicorn on loopback) answering canned, schema-valid responses."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from shared.schemas import BBox, FaceDetection, FaceQuality, FacesResponse, PlateRead, PlatesResponse

PLATE = PlateRead(
    text="AA1234BB",
    raw_text="AA 1234 BB",
    format="ua_2015",
    confidence=0.97,
    char_confidences=[0.97] * 8,
    bbox=BBox(x=10, y=20, w=120, h=30),
)
FACE = FaceDetection(
    bbox=BBox(x=5, y=5, w=40, h=50),
    landmarks=[(10.0, 10.0)] * 5,
    det_score=0.9,
    quality=FaceQuality(score=0.8, size_px=40, sharpness=100, yaw_deg=0, pitch_deg=0, roll_deg=0),
    embedding=[1.0] + [0.0] * 127,
)


@dataclass
class Script:
    """Answers to give, in order (then 200s): (status, headers, delay_s)."""

    answers: list[tuple[int, dict[str, str], float]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)


def make_app(kind: str, script: Script) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/recognize")
    async def recognize(request: Request) -> Response:
        body = await request.body()
        script.calls.append(
            {
                "params": dict(request.query_params),
                "ctype": request.headers.get("content-type"),
                "bytes": len(body),
            }
        )
        status, headers, delay = script.answers.pop(0) if script.answers else (200, {}, 0.0)
        if delay:
            await asyncio.sleep(delay)
        if status == 200:
            resp: PlatesResponse | FacesResponse
            if kind == "plates":
                resp = PlatesResponse(plates=[PLATE], image_width=640, image_height=480)
            else:
                resp = FacesResponse(
                    faces=[FACE], image_width=640, image_height=480, model_pack="canned", embedding_dim=128
                )
            return JSONResponse(resp.model_dump(mode="json"))
        body_json = {"error": f"e{status}", "detail": f"canned {status}", "detail_uk": f"відповідь {status}"}
        return JSONResponse(body_json, status_code=status, headers=headers)

    @app.get("/readiness")
    async def readiness() -> dict[str, str]:
        return {"status": "ready"}

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(kind: str, script: Script, port: int | None = None) -> Iterator[str]:
    port = port or free_port()
    config = uvicorn.Config(
        make_app(kind, script), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("canned server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)

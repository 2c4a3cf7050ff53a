"""``varta recognizer serve plates|faces`` and ``varta recognize plates|faces FILE...``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recognizers.common.image_errors import ImageError, ImageTooLargeBytesError
from shared.cli_args import EXIT_USAGE, port, settings_error_lines

if TYPE_CHECKING:
    from recognizers.service.config import RecognizerServiceSettings

log = logging.getLogger(__name__)

KINDS = ("plates", "faces")
EXIT_FILE_FAILED = 1
EXIT_CANNOT_START = 3


def serve_main(argv: list[str]) -> int:
    """``varta recognizer serve plates|faces [--host H] [--port P]``: one recognizer over HTTP."""
    parser = argparse.ArgumentParser(
        prog="varta recognizer", description="run one recognizer as an HTTP service"
    )
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("--host", help="address to listen on (default VARTA_RECOGNIZER__HOST or 127.0.0.1)")
    parser.add_argument(
        "--port", type=port, help="port, 1-65535 (default VARTA_RECOGNIZER__PORT, else 8001 / 8002)"
    )
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    import uvicorn

    from recognizers.service.main import create_app

    settings = _service_settings("varta recognizer")
    if settings is None:
        return EXIT_USAGE
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = settings.model_copy(update=overrides)
    app = create_app(args.kind, settings)
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port_for(args.kind), log_level=args.log_level, workers=1
    )
    server = uvicorn.Server(config)
    server.run()
    return 0 if server.started else EXIT_CANNOT_START


def _service_settings(prog: str) -> RecognizerServiceSettings | None:
    """The recognizer settings from the environment, or None after saying what is wrong with them."""
    from pydantic import ValidationError

    from recognizers.service.config import RecognizerServiceSettings

    try:
        return RecognizerServiceSettings()
    except ValidationError as exc:
        for line in settings_error_lines(prog, exc):
            print(line, file=sys.stderr)
        return None


def recognize_main(argv: list[str]) -> int:
    """``varta recognize plates|faces [--embeddings] [--roi x,y,w,h] FILE...``: JSON lines on stdout."""
    parser = argparse.ArgumentParser(
        prog="varta recognize",
        description="print one JSON object per file: {'file', 'plates'|'faces', ...} or {'file', 'error'}",
    )
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--embeddings", action="store_true", help="faces: include each face's vector")
    parser.add_argument("--roi", help="plates: region of interest 'x,y,w,h' in pixels")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    from recognizers.service.engine import PlateParams, make_engine
    from shared.schemas import BBox

    if args.kind == "faces" and args.roi:
        parser.error("--roi applies to plates only")
    if args.kind == "plates" and args.embeddings:
        parser.error("--embeddings applies to faces only")
    try:
        roi = BBox.parse_csv(args.roi) if args.roi else None
    except ValueError as exc:
        parser.error(f"--roi: {exc}")
    settings = _service_settings("varta recognize")
    if settings is None:
        return EXIT_USAGE
    engine = make_engine(args.kind, settings)
    try:
        engine.load()  # once, for all files
    except Exception as exc:
        print(f"varta recognize: cannot load the {args.kind} model: {exc}", file=sys.stderr)
        return EXIT_CANNOT_START
    params: Any = PlateParams(roi) if args.kind == "plates" else bool(args.embeddings)
    failed = 0
    for name in args.files:
        record = _recognize_file(engine, Path(name), params, args.embeddings)
        failed += "error" in record
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return EXIT_FILE_FAILED if failed else 0


def _recognize_file(engine: Any, path: Path, params: Any, with_embeddings: bool) -> dict[str, Any]:
    from recognizers.service.errors import ServiceError

    try:
        data = _read_at_most(path, engine.limits.max_bytes)
    except FileNotFoundError:
        return _error(path, "file_not_found", "No such file.", "Файл не знайдено.")
    except OSError as exc:
        return _error(
            path, "file_unreadable", f"Cannot read the file: {exc.strerror}.", "Неможливо прочитати файл."
        )
    except ImageError as exc:
        return _error(path, exc.code, exc.detail, exc.detail_uk)
    try:
        response, _ = engine.process(data, params, time.perf_counter())
    except (ImageError, ServiceError) as exc:  # the codes and wording the HTTP service answers with
        return _error(path, exc.code, exc.detail, exc.detail_uk)
    except Exception as exc:  # one bad file must not hide the results of the others
        log.exception("recognition failed for %s", path)
        return _error(path, "recognition_failed", str(exc), "Розпізнавання не вдалося.")
    body = response.model_dump(exclude={"timings_ms"})
    if engine.kind == "faces" and not with_embeddings:
        for face in body["faces"]:
            face.pop("embedding", None)
        body.pop("embedding_dim", None)
    body["ms"] = round(response.timings_ms.get("decode", 0.0) + response.timings_ms.get("infer", 0.0), 1)
    return {"file": str(path), **body}


def _read_at_most(path: Path, limit: int) -> bytes:
    """The file's bytes; ImageTooLargeBytesError before reading more than ``limit`` + 1 of them."""
    with path.open("rb") as f:
        size = os.fstat(f.fileno()).st_size  # 0 for a pipe or a device: the read below still stops
        if size > limit:
            raise ImageTooLargeBytesError(size, limit)
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ImageTooLargeBytesError(None, limit)
    return data


def _error(path: Path, code: str, detail: str, detail_uk: str) -> dict[str, Any]:
    return {"file": str(path), "error": {"code": code, "detail": detail, "detail_uk": detail_uk}}

"""``varta serve`` (the whole system in one process) and ``varta admin ...``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gateway.config import GatewaySettings
from shared.cli_args import EXIT_USAGE, error_line, port, settings_error_lines


class SettingsRefused(Exception):
    """Settings a command cannot start with; ``lines`` say why, in English and Ukrainian."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _settings(prog: str, data_dir: str | None, **extra: Any) -> GatewaySettings:
    overrides: dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    if data_dir is not None:
        overrides["data_dir"] = Path(data_dir)
    try:
        settings = GatewaySettings(**overrides)
    except ValidationError as exc:
        raise SettingsRefused(settings_error_lines(prog, exc)) from None
    for what, what_uk, path in (
        ("data directory", "каталог даних", settings.data_dir),
        ("evidence directory", "каталог доказів", settings.evidence_dir),
        ("photos directory", "каталог фото", settings.photos_dir),
    ):
        line = _not_a_folder(prog, what, what_uk, path) if path is not None else None
        if line is not None:
            raise SettingsRefused([line])  # the first: the others usually lie under it
    return settings


def _not_a_folder(prog: str, what: str, what_uk: str, path: Path) -> str | None:
    """A line saying why ``path`` cannot be (or be created as) a folder, or None."""
    for part in (path, *path.parents):
        if part.exists():
            if part.is_dir():
                return None
            where, where_uk = (
                ("", "") if part == path else (f" (in {part}, which is a file)", f" (у {part}, що є файлом)")
            )
            return error_line(
                prog,
                f"the {what} {path} is not a folder{where}; give a folder (created if absent)",
                f"{what_uk} {path} не є текою{where_uk}; вкажіть теку (її буде створено, якщо немає)",
            )
    return None


def _check_inprocess_recognizer_settings(prog: str, settings: GatewaySettings) -> None:
    """``VARTA_PLATES__*`` / ``VARTA_FACES__*`` of the recognizers this process will load, read now:
    a bad value is refused before start-up rather than as a traceback from the application's start."""
    if not settings.load_recognizers:
        return
    from recognizers.faces.settings import FaceSettings
    from recognizers.plates.settings import PlateSettings

    for url, cls in ((settings.plates_url, PlateSettings), (settings.faces_url, FaceSettings)):
        if url is None:
            try:
                cls()
            except ValidationError as exc:
                raise SettingsRefused(settings_error_lines(prog, exc)) from None


def _refuse(exc: SettingsRefused) -> int:
    for line in exc.lines:
        print(line, file=sys.stderr)
    return EXIT_USAGE


def serve_main(argv: list[str]) -> int:
    """Gateway + in-process recognizers + embedded Qdrant + SQLite under one data directory."""
    parser = argparse.ArgumentParser(prog="varta serve", description=serve_main.__doc__)
    parser.add_argument("--host", help="listen address (default VARTA_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=port, help="listen port, 1-65535 (default VARTA_PORT or 8080)")
    parser.add_argument("--data-dir", help="data directory (default VARTA_DATA_DIR or ./data)")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    import uvicorn

    from gateway.main import create_app

    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = _settings("varta serve", args.data_dir, host=args.host, port=args.port)
        _check_inprocess_recognizer_settings("varta serve", settings)
    except SettingsRefused as exc:
        return _refuse(exc)
    app = create_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=args.log_level, workers=1)
    return 0


def _migrate(settings: GatewaySettings, _: argparse.Namespace) -> int:
    from gateway.db.migrate import upgrade_head
    from gateway.db.session import make_engine

    upgrade_head(make_engine(settings.db_url))
    print("database is at the newest revision")
    return 0


def _create_key(settings: GatewaySettings, args: argparse.Namespace) -> int:
    from gateway.audit.log import AuditWriter
    from gateway.auth.bootstrap import seed_organisations
    from gateway.auth.keys import create_key
    from gateway.db.migrate import upgrade_head
    from gateway.db.session import make_engine, make_session_factory
    from gateway.errors import DomainError

    engine = make_engine(settings.db_url)
    upgrade_head(engine)
    sessions = make_session_factory(engine)
    try:
        with sessions() as session, session.begin():
            seed_organisations(session)
            row, plain = create_key(
                session, args.role, organisation_id=args.org, camera_id=args.camera, name=args.name or "cli"
            )
    except DomainError as exc:
        print(error_line("varta admin create-key", exc.detail, exc.detail_uk), file=sys.stderr)
        return EXIT_USAGE
    AuditWriter(sessions).record(
        None, "key.create", f"key:{row.id}", detail=f"cli role={args.role} org={args.org}"
    )
    print(plain)
    return 0


def _audit_verify(settings: GatewaySettings, args: argparse.Namespace) -> int:
    from gateway.audit.chain import ANCHOR_FORMAT_UK, parse_anchor, verify_chain
    from gateway.db.session import make_engine, make_session_factory

    try:
        anchors = [parse_anchor(a) for a in args.anchor]
    except ValueError as exc:
        print(error_line("varta admin audit-verify", str(exc), ANCHOR_FORMAT_UK), file=sys.stderr)
        return EXIT_USAGE
    with make_session_factory(make_engine(settings.db_url))() as session:
        report = verify_chain(session, anchors=anchors)
    if report.ok:
        print(f"audit chain OK: {report.checked} rows (from id {report.first_id})")
        return 0
    print(
        f"audit chain BROKEN at row {report.bad_id}: {report.reason} "
        f"({report.checked} rows verified before it)"
    )
    return 1


def _purge(settings: GatewaySettings, _: argparse.Namespace) -> int:
    from gateway import retention
    from gateway.audit.log import AuditWriter
    from gateway.context import AppContext
    from gateway.db.session import make_engine, make_session_factory

    engine = make_engine(settings.db_url)
    sessions = make_session_factory(engine)
    ctx = AppContext(settings=settings, engine=engine, sessions=sessions, audit=AuditWriter(sessions))
    report = retention.purge(ctx)
    print(report.summary())
    return 0


def admin_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="varta admin", description="Varta administration")
    parser.add_argument("--data-dir", help="data directory (default VARTA_DATA_DIR or ./data)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations (alembic upgrade head)")
    key = sub.add_parser("create-key", help="create an API key and print it once")
    key.add_argument(
        "--role", required=True, choices=["admin", "council", "police", "auditor", "camera", "resident"]
    )
    key.add_argument("--org", help="organisation (council, police); required for council and police keys")
    key.add_argument("--camera", help="camera id (camera keys)")
    key.add_argument("--name", help="a note to recognise the key by")
    verify = sub.add_parser("audit-verify", help="verify the audit log's hash chain (exit 1 if broken)")
    verify.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="ID:HASH",
        help="a chain head recorded earlier (GET /v1/audit/head), kept outside Varta; repeatable",
    )
    sub.add_parser("purge", help="run the retention purge once")
    args = parser.parse_args(argv)
    try:
        settings = _settings("varta admin", args.data_dir)
    except SettingsRefused as exc:
        return _refuse(exc)
    handlers = {
        "migrate": _migrate,
        "create-key": _create_key,
        "audit-verify": _audit_verify,
        "purge": _purge,
    }
    return handlers[args.command](settings, args)

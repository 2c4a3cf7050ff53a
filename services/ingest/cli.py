"""``varta ingest run|check|ezviz-devices --config FILE``."""

from __future__ import annotations

import argparse
import logging
import sys

from services.ingest.config_errors import ConfigError
from shared.cli_args import EXIT_USAGE, error_line


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="varta ingest", description="Varta camera ingest agent")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the agent")
    run.add_argument("--config", required=True, help="YAML file with villages and cameras")
    run.add_argument(
        "--exit-when-done",
        action="store_true",
        help="exit once every file/folder source has finished and the spool is empty",
    )
    run.add_argument("--log-level", default="INFO")
    check = sub.add_parser("check", help="validate the configuration and print every problem")
    check.add_argument("--config", required=True)
    dev = sub.add_parser("ezviz-devices", help="list the devices of an EZVIZ Open Platform account")
    dev.add_argument("--config", required=True)
    dev.add_argument("--account", required=True, help="name of the account in ezviz_accounts")
    return p


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.command == "run" and args.log_level.upper() not in LOG_LEVELS:
        levels = ", ".join(LOG_LEVELS)
        print(
            error_line(
                "varta ingest run",
                f"--log-level must be one of {levels}, not {args.log_level!r}",
                f"--log-level має бути одним із: {levels}",
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    from services.ingest.config import load_config

    try:
        cfg = load_config(args.config)
    except ConfigError as exc:
        print(f"{args.config}: {len(exc.problems)} problem(s):", file=sys.stderr)
        for line in exc.problems:
            print(f"  {line}", file=sys.stderr)
        return 2
    if args.command == "check":
        print(f"{args.config}: OK: {len(cfg.villages)} village(s), {len(cfg.cameras)} camera(s)")
        for cam in cfg.cameras:
            state = "" if cam.enabled else " (disabled)"
            print(f"  {cam.id}: {cam.source.type}, {cam.fps:g} fps, village {cam.village}{state}")
        return 0
    if args.command == "ezviz-devices":
        return _ezviz_devices(cfg, args.account)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per frame otherwise
    from services.ingest.agent import Agent, AgentStartError

    try:
        return Agent(cfg).run(exit_when_done=args.exit_when_done)
    except AgentStartError as exc:
        print(f"{args.config}: {exc}", file=sys.stderr)
        return 1


def _ezviz_devices(cfg: object, account_name: str) -> int:
    import httpx

    from services.ingest.config import IngestConfig
    from services.ingest.sources.ezviz import EzvizClient, EzvizError

    assert isinstance(cfg, IngestConfig)
    account = cfg.ezviz_account(account_name)
    if account is None:
        names = ", ".join(a.name for a in cfg.ezviz_accounts) or "none configured"
        names_uk = ", ".join(a.name for a in cfg.ezviz_accounts) or "жодного"
        print(
            f"--account: no EZVIZ account {account_name!r} (known: {names}) / "
            f"немає облікового запису EZVIZ {account_name!r} (відомі: {names_uk})",
            file=sys.stderr,
        )
        return 2
    client = EzvizClient(account)
    try:
        devices = client.devices()
    except EzvizError as exc:
        print(
            f"EZVIZ account {account_name}: {exc} / "
            f"обліковий запис EZVIZ {account_name}: хмара EZVIZ відповіла помилкою (код {exc.code})",
            file=sys.stderr,
        )
        return 1
    except httpx.HTTPError as exc:
        print(
            f"EZVIZ account {account_name}: cannot reach {account.api_url}: {type(exc).__name__}: {exc} / "
            f"обліковий запис EZVIZ {account_name}: не вдалося зв'язатися з {account.api_url}",
            file=sys.stderr,
        )
        return 1
    finally:
        client.close()
    print(f"{'serial':<16} {'online':<7} {'type':<14} name")
    for d in devices:
        print(f"{d.serial:<16} {'yes' if d.online else 'no':<7} {d.type:<14} {d.name}")
    example = f"{{type: ezviz_cloud, account: {account_name}, device_serial: SERIAL, channel_no: 1}}"
    print(f"\nconfigure one with:  source: {example}")
    return 0

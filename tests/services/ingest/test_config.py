"""Configuration: strict validation with errors naming camera and field; secrets never leak."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.ingest import cli
from services.ingest.config import load_config, parse_config
from services.ingest.config_errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[3] / "services" / "ingest" / "example.yaml"
SECRET = "s3cr3t-camera-key-9f2b"


def base(**camera: Any) -> dict[str, Any]:
    cam = {
        "id": "kr-north",
        "village": "kr",
        "name": "North",
        "key_env": "KEY",
        "source": {"type": "rtsp", "url": "rtsp://10.0.0.5:554/h264/ch1/main/av_stream"},
        **camera,
    }
    return {
        "agent": {"gateway_url": "http://127.0.0.1:8000"},
        "villages": [{"id": "kr", "name": "K"}],
        "cameras": [cam],
    }


def problems(raw: dict[str, Any], env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as exc:
        parse_config(raw, env={"KEY": SECRET} if env is None else env)
    return exc.value.problems


def test_valid_config_resolves_secrets() -> None:
    cfg = parse_config(base(), env={"KEY": SECRET})
    assert cfg.cameras[0].key.get_secret_value() == SECRET


def test_error_names_camera_index_id_and_field() -> None:
    raw = base()
    raw["cameras"].insert(0, {**raw["cameras"][0], "id": "a"})
    raw["cameras"] += [{**raw["cameras"][0], "id": "b"}, {**raw["cameras"][0], "id": "kr-x", "fps": 0}]
    assert problems(raw) == ["cameras[3] (id=kr-x): fps: must be > 0 / має бути більше за 0"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"jpeg_quality": 5}, "cameras[0] (id=kr-north): jpeg_quality: must be >= 30 / має бути не менше 30"),
        (
            {"colour": "red"},
            "cameras[0] (id=kr-north): colour: unknown field (not allowed here) / "
            "невідоме поле (тут не дозволене)",
        ),
        (
            {"source": {"type": "webcam"}},
            "cameras[0] (id=kr-north): source: unknown or missing source type; expected one of rtsp, "
            "http_snapshot, ezviz_cloud, file, folder, push / невідомий або відсутній тип джерела",
        ),
        (
            {"source": {"type": "rtsp", "url": "rtsp://admin:CODE@10.0.0.5/x"}},
            "cameras[0] (id=kr-north): source.url: must not carry a password: use password_env or "
            "password_file / не має містити пароль",
        ),
        (
            {"source": {"type": "rtsp", "url": "rtsp://127.0.0.1:99999/x"}},
            "cameras[0] (id=kr-north): source.url: is not a valid URL (Port out of range 0-65535) / "
            "недійсна URL-адреса",
        ),
        (
            {"source": {"type": "rtsp", "url": "rtsp://127.0.0.1:0/x"}},
            "cameras[0] (id=kr-north): source.url: port must be 1-65535 / порт має бути від 1 до 65535",
        ),
        (
            {"source": {"type": "http_snapshot", "url": "http://:80/snap", "auth": "none"}},
            "cameras[0] (id=kr-north): source.url: has no host / не має адреси (хоста)",
        ),
        (
            {"source": {"type": "rtsp", "url": "http://x"}},
            "cameras[0] (id=kr-north): source.url: does not match",
        ),
        ({"roi": {"x": 0.5, "w": 0.8}}, "cameras[0] (id=kr-north): roi: rectangle must lie inside the frame"),
        (
            {"privacy_masks": [{"polygon": [[0, 0], [1, 1]]}]},
            "cameras[0] (id=kr-north): privacy_masks[0]: polygon needs at least 3 points",
        ),
        (
            {"motion": {"min_area_fraction": 2}},
            "cameras[0] (id=kr-north): motion.min_area_fraction: must be < 1",
        ),
        ({"village": "nowhere"}, "cameras[0] (id=kr-north): village: unknown village 'nowhere'"),
        ({"key_env": None}, "cameras[0] (id=kr-north): key: give exactly one of key_env or key_file"),
        (
            {"source": {"type": "ezviz_cloud", "account": "ghost", "device_serial": "BD1"}},
            "cameras[0] (id=kr-north): source.account: unknown EZVIZ account 'ghost'",
        ),
        (
            {
                "source": {
                    "type": "rtsp",
                    "url": "rtsp://10.0.0.5/x",
                    "username": "admin",
                    "password_file": "/nope/pw",
                }
            },
            "cameras[0] (id=kr-north): source.password_file: cannot read /nope/pw",
        ),
        (
            {"source": {"type": "file", "path": "/nonexistent/clip.mp4"}},
            "cameras[0] (id=kr-north): source.path: no such file",
        ),
        ({"preview_every_s": 0.5}, "cameras[0] (id=kr-north): preview_every_s: must be >= 1"),
        ({"preview_every_s": 301}, "cameras[0] (id=kr-north): preview_every_s: must be <= 300"),
        (
            {"preview_every_s": "5"},
            "cameras[0] (id=kr-north): preview_every_s: must be a number / має бути числом",
        ),
        (
            {"preview_every_s": True},
            "cameras[0] (id=kr-north): preview_every_s: must be a number / має бути числом",
        ),
        ({"preview_max_side": 100}, "cameras[0] (id=kr-north): preview_max_side: must be >= 160"),
        ({"preview_max_side": 4096}, "cameras[0] (id=kr-north): preview_max_side: must be <= 1920"),
        (
            {"preview_max_side": 640.5},
            "cameras[0] (id=kr-north): preview_max_side: must be a whole number / має бути цілим числом",
        ),
        ({"preview_every": 5}, "cameras[0] (id=kr-north): preview_every: unknown field (not allowed here)"),
    ],
)
def test_field_errors(change: dict[str, Any], expected: str) -> None:
    raw = base(**change)
    found = problems(raw)
    assert any(p.startswith(expected) for p in found), found


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_start_time_needs_a_time_zone(tmp_path: Path, kind: str) -> None:
    (tmp_path / "clip.mp4").write_bytes(b"x")
    src = {"type": kind, "path": str(tmp_path / "clip.mp4" if kind == "file" else tmp_path)}
    found = problems(base(source={**src, "start_time": "2026-01-01 00:00:00"}))
    assert found == [
        "cameras[0] (id=kr-north): source.start_time: needs a time zone (e.g. +02:00 or Z) / "
        "потрібен часовий пояс (+02:00 або Z)"
    ]
    cfg = parse_config(base(source={**src, "start_time": "2026-01-01T00:00:00+02:00"}), env={"KEY": SECRET})
    start = cfg.cameras[0].source.start_time  # type: ignore[union-attr]
    assert start is not None and start.utcoffset() is not None


def test_spool_path_must_be_a_file_in_a_directory(tmp_path: Path) -> None:
    raw = base()
    raw["agent"]["spool"] = {"path": str(tmp_path)}
    found = problems(raw)
    assert len(found) == 1 and found[0].startswith(f"agent.spool.path: {tmp_path} is a directory")
    assert "є каталогом" in found[0]
    (tmp_path / "f").write_text("x")
    raw["agent"]["spool"] = {"path": str(tmp_path / "f" / "sub" / "spool.db")}
    assert problems(raw) == [
        f"agent.spool.path: {tmp_path / 'f'} is not a directory / {tmp_path / 'f'} не є каталогом"
    ]
    raw["agent"]["spool"] = {"path": str(tmp_path / "new" / "spool.db")}
    parse_config(raw, env={"KEY": SECRET})


def test_preview_fields_default_off_and_accept_bounds() -> None:
    cam = parse_config(base(), env={"KEY": SECRET}).cameras[0]
    assert (cam.preview_every_s, cam.preview_max_side) == (None, 640)
    for every, side in ((1, 160), (300, 1920), (2.5, 800)):
        cam = parse_config(base(preview_every_s=every, preview_max_side=side), env={"KEY": SECRET}).cameras[0]
        assert (cam.preview_every_s, cam.preview_max_side) == (every, side)


def test_missing_secret_env_is_reported_without_value() -> None:
    found = problems(base(key_env="VARTA_CAM_KR_NORTH_KEY"), env={})
    assert found == [
        "cameras[0] (id=kr-north): key_env: environment variable VARTA_CAM_KR_NORTH_KEY is not set or empty"
        " / змінна середовища VARTA_CAM_KR_NORTH_KEY не задана або порожня"
    ]


def test_duplicate_ids_and_all_problems_at_once() -> None:
    raw = base()
    raw["cameras"].append({**raw["cameras"][0], "fps": -1})
    raw["cameras"].append(dict(raw["cameras"][0]))
    found = problems(raw)
    assert "cameras[1] (id=kr-north): fps: must be > 0 / має бути більше за 0" in found
    raw["cameras"].pop(1)
    assert problems(raw) == ["cameras[1] (id=kr-north): id: duplicate camera id / такий id камери вже є"]


@pytest.mark.parametrize(
    ("change", "uk"),
    [
        ({"village": "nowhere"}, "невідоме село 'nowhere'"),
        ({"key_env": None}, "вкажіть щось одне: key_env або key_file"),
        ({"roi": {"x": 0.5, "w": 0.8}}, "прямокутник має лежати в межах кадру"),
        ({"privacy_masks": [{}]}, "вкажіть щось одне: rect або polygon"),
        ({"privacy_masks": [{"polygon": [[0, 0], [1, 1]]}]}, "багатокутнику потрібно щонайменше 3 точки"),
        ({"source": {"type": "http_snapshot", "url": "http://10.0.0.5/snap"}}, "потрібен username"),
        (
            {"source": {"type": "ezviz_cloud", "account": "ghost", "device_serial": "B1"}},
            "невідомий обліковий",
        ),
        ({"source": {"type": "file", "path": "/nonexistent/clip.mp4"}}, "немає такого файлу"),
        ({"source": {"type": "folder", "path": "/nonexistent"}}, "немає такого каталогу"),
        ({"key_env": None, "key_file": "/nonexistent/key"}, "не вдалося прочитати /nonexistent/key"),
    ],
)
def test_problems_are_in_english_and_ukrainian(change: dict[str, Any], uk: str) -> None:
    found = problems(base(**change))
    assert len(found) == 1 and " / " in found[0] and uk in found[0], found
    assert "недійсне значення" not in found[0]


def test_unreadable_files_are_one_bilingual_line_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "key").write_bytes(b"\xff\xfe\x00bad")
    found = problems(base(key_env=None, key_file=str(tmp_path / "key")))
    assert found == [
        f"cameras[0] (id=kr-north): key_file: {tmp_path / 'key'} is not UTF-8 text / "
        f"{tmp_path / 'key'} не є текстом у кодуванні UTF-8"
    ]
    cfg = tmp_path / "agent.yaml"
    cfg.write_bytes("cameras: [{name: 'Північ'}]".encode("cp1251"))
    assert cli.main(["check", "--config", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert "not UTF-8 text" in err and "не є текстом у кодуванні UTF-8" in err and "Traceback" not in err
    cfg.write_text("agent: [unclosed")
    assert cli.main(["check", "--config", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert "not valid YAML" in err and "некоректний YAML" in err
    assert cli.main(["check", "--config", str(tmp_path / "missing.yaml")]) == 2
    assert "не вдалося прочитати" in capsys.readouterr().err


def test_bad_log_level_is_one_bilingual_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "agent.yaml"
    cfg.write_text(yaml.safe_dump(base()))
    monkeypatch.setenv("KEY", SECRET)
    assert cli.main(["run", "--config", str(cfg), "--log-level", "bogus"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--log-level" in err[0] and "DEBUG, INFO" in err[0] and "має бути" in err[0]


def test_secret_from_file(tmp_path: Path) -> None:
    (tmp_path / "key").write_text(SECRET + "\n")
    cfg = parse_config(base(key_env=None, key_file="key"), env={}, base=tmp_path)
    assert cfg.cameras[0].key.get_secret_value() == SECRET


def test_secrets_never_in_repr_dump_or_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = base()
    raw["cameras"][0]["source"].update(username="admin", password_env="PW")
    raw["ezviz_accounts"] = [{"name": "c", "app_key": "ak", "app_secret_env": "APPSEC"}]
    env = {"KEY": SECRET, "PW": "rtsp-pass-77", "APPSEC": "ezviz-secret-55"}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(raw))
    caplog.set_level(logging.DEBUG)
    cfg = load_config(path, env=env)
    text = repr(cfg) + str(cfg) + cfg.model_dump_json() + repr(cfg.cameras[0].key) + str(cfg.cameras[0].key)
    assert cfg.cameras[0].source.password.get_secret_value() == "rtsp-pass-77"  # type: ignore[union-attr]
    from services.ingest.sources.rtsp import RtspReader, redact, with_credentials

    url = with_credentials(cfg.cameras[0].source.url, "admin", "rtsp-pass-77")  # type: ignore[union-attr]
    assert "rtsp-pass-77" in url and "rtsp-pass-77" not in redact(url)
    from services.ingest.metrics import CameraHealth, IngestMetrics

    m = IngestMetrics()
    reader = RtspReader("kr-north", cfg.cameras[0].source, CameraHealth("kr-north", m), m)  # type: ignore[arg-type]
    text += reader.log_url + repr(reader.cfg)
    logging.getLogger("services.ingest").info("config %s camera %s", cfg, cfg.cameras[0])
    text += caplog.text + capsys.readouterr().out
    for secret in env.values():
        assert secret not in text


def test_example_yaml_validates(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = yaml.safe_load(EXAMPLE.read_text())
    for name in (
        "VARTA_EZVIZ_COUNCIL_SECRET",
        "VARTA_CAM_KR_NORTH_RTSP_PASSWORD",
        "VARTA_CAM_KR_NORTH_KEY",
        "VARTA_CAM_ZE_SCHOOL_KEY",
        "VARTA_CAM_ZE_BRIDGE_PUSH_KEY",
        "VARTA_CAM_ZE_BRIDGE_KEY",
    ):
        monkeypatch.setenv(name, "x" + name)
    # the file secrets point at /run/secrets: use local files instead for the test
    for cam in raw["cameras"]:
        for holder in (cam, cam["source"]):
            for field in ("key_file", "password_file"):
                if field in holder:
                    (tmp_path / field).write_text("from-file")
                    holder[field] = str(tmp_path / field)
    path = tmp_path / "example.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True))
    assert cli.main(["check", "--config", str(path)]) == 0
    assert "4 camera(s)" in capsys.readouterr().out


def test_check_command_prints_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = base(fps=0)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw))
    assert cli.main(["check", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "cameras[0] (id=kr-north): fps: must be > 0" in err
    path.write_text("agent: [unclosed")
    assert cli.main(["check", "--config", str(path)]) == 2
    assert "not valid YAML" in capsys.readouterr().err


@pytest.mark.parametrize("url", ["http://[bad", "http://gw:port/", "https:///v1"])
def test_gateway_url_must_be_a_valid_url(url: str) -> None:
    raw = base()
    raw["agent"]["gateway_url"] = url
    found = problems(raw)
    assert len(found) == 1 and found[0].startswith("config: agent.gateway_url: "), found
    assert "URL" in found[0] or "host" in found[0]


def test_gateway_url_from_environment() -> None:
    cfg = parse_config(base(), env={"KEY": SECRET, "VARTA_INGEST_GATEWAY_URL": "http://gateway:8080"})
    assert cfg.agent.gateway_url == "http://gateway:8080"
    assert cfg.agent.http.port == 8090  # the port the Dockerfile exposes and Compose health-checks

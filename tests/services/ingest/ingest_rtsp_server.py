"""A real RTSP stream for tests: ffmpeg encodes a shared clip to H.264 RTP, this serves it over RTSP.

ffmpeg 5.1 cannot act as an RTSP server for output (``-rtsp_flags listen`` works for input only), so
ffmpeg sends RTP (``-f rtp``, with the SDP it writes) to a local UDP port and this small RTSP server
answers OPTIONS / DESCRIBE / SETUP / PLAY / TEARDOWN and relays those RTP packets to each playing
client, interleaved on the RTSP connection (RTP over TCP, RFC 2326 section 10.12). The video bytes
are ffmpeg's real H.264 RTP packets; OpenCV's FFmpeg backend reads the stream like any camera.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RtspTestServer:
    def __init__(self, clip: Path, workdir: Path, port: int | None = None, fps: int = 25) -> None:
        self.clip = clip
        self.port = port or free_port()
        self.fps = fps
        self.sdp_path = workdir / f"stream-{self.port}.sdp"
        self._ffmpeg: subprocess.Popen[bytes] | None = None
        self._udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._udp.bind(("127.0.0.1", 0))
        self._udp.settimeout(0.5)
        self._listener: socket.socket | None = None
        self._clients: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"rtsp://127.0.0.1:{self.port}/live"

    # ---------------------------------------------------------------------------------------- lifecycle

    def start(self) -> RtspTestServer:
        udp_port = self._udp.getsockname()[1]
        cmd = [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-re",
            "-stream_loop",
            "-1",
            "-i",
            str(self.clip),
            "-an",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-tune",
            "zerolatency",
            "-g",
            str(self.fps),
            "-bf",
            "0",
            "-r",
            str(self.fps),
            "-pix_fmt",
            "yuv420p",
            "-f",
            "rtp",
            "-sdp_file",
            str(self.sdp_path),
            f"rtp://127.0.0.1:{udp_port}?pkt_size=1200",
        ]
        self._ffmpeg = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not (self.sdp_path.exists() and self.sdp_path.stat().st_size > 0):
            if time.monotonic() > deadline or self._ffmpeg.poll() is not None:
                raise RuntimeError("ffmpeg did not start streaming RTP")
            time.sleep(0.05)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", self.port))
        self._listener.listen(8)
        self._listener.settimeout(0.5)
        for target in (self._accept_loop, self._relay_loop):
            t = threading.Thread(target=target, daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._ffmpeg is not None:
            self._ffmpeg.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._ffmpeg.wait(5)
            if self._ffmpeg.poll() is None:
                self._ffmpeg.kill()
        for t in self._threads:
            t.join(3)
        with self._lock:
            for c in self._clients:
                with contextlib.suppress(OSError):
                    c.close()
            self._clients.clear()
        if self._listener is not None:
            self._listener.close()
        self._udp.close()

    # ---------------------------------------------------------------------------------------- RTP relay

    def _relay_loop(self) -> None:
        while not self._stop.is_set():
            try:
                packet = self._udp.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            frame = b"$\x00" + struct.pack(">H", len(packet)) + packet
            with self._lock:
                for c in list(self._clients):
                    try:
                        c.sendall(frame)
                    except OSError:
                        self._clients.remove(c)

    # ---------------------------------------------------------------------------------------- RTSP

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _sdp(self) -> str:
        lines = [ln for ln in self.sdp_path.read_text().splitlines() if ln and not ln.startswith("a=control")]
        out: list[str] = []
        for ln in lines:
            out.append(ln)
            if ln.startswith("m=video"):
                out.append("a=control:trackID=0")
        return "\r\n".join(out) + "\r\n"

    def _session(self, conn: socket.socket) -> None:
        buf = b""
        conn.settimeout(1.0)
        while not self._stop.is_set():
            try:
                chunk = conn.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            buf, keep_open = self._consume(conn, buf)
            if not keep_open:
                break
        with self._lock:
            if conn in self._clients:
                self._clients.remove(conn)
        conn.close()

    def _consume(self, conn: socket.socket, buf: bytes) -> tuple[bytes, bool]:
        """Answer every complete request in ``buf``; return the rest and whether to keep the session."""
        while buf:
            if buf[:1] == b"$":  # interleaved RTCP from the client: skip it
                size = 4 + struct.unpack(">H", buf[2:4])[0] if len(buf) >= 4 else 1 << 20
                if len(buf) < size:
                    return buf, True
                buf = buf[size:]
                continue
            if b"\r\n\r\n" not in buf:
                return buf, True
            head, buf = buf.split(b"\r\n\r\n", 1)
            try:
                if not self._answer(conn, head.decode("latin-1")):
                    return b"", False
            except OSError:
                return b"", False
        return buf, True

    def _answer(self, conn: socket.socket, request: str) -> bool:
        lines = request.split("\r\n")
        method = lines[0].split(" ")[0]
        headers = {}
        for ln in lines[1:]:
            if ":" in ln:
                k, v = ln.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        cseq = headers.get("cseq", "0")
        extra = ""
        body = ""
        if method == "OPTIONS":
            extra = "Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n"
        elif method == "DESCRIBE":
            body = self._sdp()
            extra = f"Content-Base: {self.url}/\r\nContent-Type: application/sdp\r\n"
        elif method == "SETUP":
            transport = headers.get("transport", "")
            if "TCP" not in transport.upper():
                conn.sendall(f"RTSP/1.0 461 Unsupported Transport\r\nCSeq: {cseq}\r\n\r\n".encode())
                return True
            extra = "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\nSession: 4242;timeout=60\r\n"
        elif method == "PLAY":
            extra = "Session: 4242\r\nRange: npt=0.000-\r\n"
        elif method == "TEARDOWN":
            conn.sendall(f"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\n\r\n".encode())
            return False
        elif method in ("GET_PARAMETER", "SET_PARAMETER"):
            extra = "Session: 4242\r\n"
        else:
            return True
        payload = body.encode()
        head = f"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\n{extra}Content-Length: {len(payload)}\r\n\r\n"
        with self._lock:
            conn.sendall(head.encode() + payload)
            if method == "PLAY":
                self._clients.append(conn)
        return True

"""Helpers for the control channel tests: a server process, UNIX and HTTP clients."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

NESTOR = Path(sys.executable).with_name("nestor-dhcp4")
SHELL = [sys.executable, "-m", "nestor.daemons.shell"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate: Any, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def unix_raw(path: Path | str, data: bytes, timeout: float = 10.0) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(str(path))
        s.sendall(data)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def unix_cmd(path: Path | str, command: str, arguments: object = None) -> dict[str, Any]:
    request: dict[str, object] = {"command": command}
    if arguments is not None:
        request["arguments"] = arguments
    answer: dict[str, Any] = json.loads(unix_raw(path, json.dumps(request).encode()))
    return answer


def http_post(url: str, body: object, auth: tuple[str, str] | None = None,
              context: ssl.SSLContext | None = None) -> tuple[int, dict[str, str], Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data,
                                     headers={"Content-Type": "application/json"})
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as reply:
            return reply.status, dict(reply.headers), json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read() or b"null")


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-days", "2", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


class Daemon:
    """A server process in its own session, stopped by PID."""

    def __init__(self, argv: list[str], work: Path, label: str) -> None:
        self.out = (work / f"{label}.out").open("wb")
        env = {**os.environ, "KEA_PIDFILE_DIR": str(work), "KEA_LOCKFILE_DIR": str(work)}
        self.proc = subprocess.Popen(argv, stdout=self.out, stderr=subprocess.STDOUT,
                                     env=env, start_new_session=True)
        self.label = label
        self.work = work

    def output(self) -> str:
        return (self.work / f"{self.label}.out").read_text(errors="replace")

    def running(self) -> bool:
        return self.proc.poll() is None

    def wait(self, timeout: float) -> int:
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.out.close()


def start_server(conf: dict[str, Any], work: Path, label: str, sock: Path,
                 program: str | Path = NESTOR) -> Daemon:
    path = work / f"{label}.json"
    path.write_text(json.dumps(conf, indent=2))
    daemon = Daemon([str(program), "-c", str(path)], work, label)

    def ready() -> bool:
        if not daemon.running():
            raise AssertionError(f"{label} exited: {daemon.output()[-3000:]}")
        try:
            return bool(unix_cmd(sock, "version-get")["result"] == 0)
        except OSError:
            return False

    try:
        wait_for(ready, 30, f"{label} to answer on {sock}")
    except BaseException:
        daemon.stop()
        raise
    return daemon


def have(program: str) -> bool:
    return shutil.which(program) is not None


def http_cmd(url: str, command: str, arguments: object = None) -> dict[str, Any]:
    """One command in the Kea agent's format; the single answer of the list it returns."""
    request: dict[str, object] = {"command": command, "service": ["dhcp4"]}
    if arguments is not None:
        request["arguments"] = arguments
    status, _, body = http_post(url, request)
    assert status == 200 and isinstance(body, list) and len(body) == 1, (status, body)
    answer: dict[str, Any] = body[0]
    return answer

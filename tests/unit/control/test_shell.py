"""nestor-shell's request building (the sending is covered by tests/integration)."""

from __future__ import annotations

import io
import json
import socket
import threading
from pathlib import Path

from nestor.daemons.shell import build_request, main


def test_arguments_as_a_map_or_as_kea_shell_takes_them() -> None:
    # kea-shell wraps stdin in braces itself; nestor-shell takes both forms.
    for text in ('{"name": "pkt4-received"}', '"name": "pkt4-received"\n'):
        assert json.loads(build_request("statistic-get", "dhcp4", text)) == {
            "command": "statistic-get", "service": ["dhcp4"],
            "arguments": {"name": "pkt4-received"}}
    assert json.loads(build_request("list-commands", None, "  \n")) == {
        "command": "list-commands"}


def test_unix_socket_round_trip(tmp_path: Path) -> None:
    path = str(tmp_path / "s.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    seen: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            seen.append(conn.recv(65536))
            conn.sendall(b'{ "result": 0, "text": "hi" }')

    t = threading.Thread(target=serve)
    t.start()
    out = io.StringIO()
    assert main(["--socket", path, "version-get"], stdin=io.StringIO(""), out=out) == 0
    t.join(10)
    server.close()
    assert json.loads(seen[0]) == {"command": "version-get"}
    assert out.getvalue() == '{ "result": 0, "text": "hi" }\n'


def test_unreachable_server_exits_1(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["--socket", str(tmp_path / "none.sock")], stdin=io.StringIO(""), out=out) == 1
    assert out.getvalue() == ""

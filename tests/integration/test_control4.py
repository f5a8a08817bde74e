"""nestor-dhcp4's management API over real UNIX, HTTP and HTTPS sockets (loopback only).

One server process (no DHCP interfaces, so no root needed) with three
channels: a UNIX socket, plain HTTP, and HTTPS with basic authentication and
an extra response header. Every built-in command is driven over the UNIX
socket and the same answers are checked over HTTP in the agent's format.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import stat
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.integration.control_support import (
    NESTOR,
    SHELL,
    Daemon,
    free_port,
    have,
    http_post,
    self_signed,
    start_server,
    unix_cmd,
    unix_raw,
    wait_for,
)

pytestmark = pytest.mark.skipif(not NESTOR.exists(), reason="nestor-dhcp4 not installed")
USER, PASSWORD = "admin", "s3cret"


def dhcp4(work: Path, sockets: list[dict[str, Any]], subnets: int = 1) -> dict[str, Any]:
    return {"Dhcp4": {
        "interfaces-config": {"interfaces": []},
        "control-sockets": sockets,
        "lease-database": {"type": "memfile", "name": str(work / "leases4.csv"),
                           "lfc-interval": 0},
        "server-tag": "lab",
        "subnet4": [{"id": i, "subnet": f"10.{i // 256}.{i % 256}.0/24",
                     "pools": [{"pool": f"10.{i // 256}.{i % 256}.10 - "
                                        f"10.{i // 256}.{i % 256}.20"}]}
                    for i in range(1, subnets + 1)],
        "loggers": [{"name": "kea-dhcp4", "severity": "INFO",
                     "output_options": [{"output": str(work / "nestor.log")}]}],
    }}


@dataclass
class Server:
    daemon: Daemon
    work: Path
    sock: Path
    http: str
    https: str
    tls: ssl.SSLContext
    cert: Path

    def cmd(self, command: str, arguments: object = None) -> dict[str, Any]:
        return unix_cmd(self.sock, command, arguments)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not have("openssl"):
        pytest.skip("openssl is needed to make the test certificate")
    work = tmp_path_factory.mktemp("ctl")
    cert, key = self_signed(work)
    sock = work / "ctl.sock"
    http_port, https_port = free_port(), free_port()
    sockets: list[dict[str, Any]] = [
        {"socket-type": "unix", "socket-name": str(sock)},
        {"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": http_port},
        {"socket-type": "https", "socket-address": "127.0.0.1", "socket-port": https_port,
         "cert-file": str(cert), "key-file": str(key), "cert-required": False,
         "authentication": {"type": "basic", "realm": "nestor-test",
                            "clients": [{"user": USER, "password": PASSWORD}]},
         "http-headers": [{"name": "X-Test", "value": "yes"}]},
    ]
    daemon = start_server(dhcp4(work, sockets, subnets=300), work, "nestor", sock)
    tls = ssl.create_default_context(cafile=str(cert))
    try:
        yield Server(daemon, work, sock, f"http://127.0.0.1:{http_port}/",
                     f"https://127.0.0.1:{https_port}/", tls, cert)
    finally:
        daemon.stop()


# Command → (arguments, result, text or None, argument keys or None). Texts are Kea 2.2's.
BUILTINS: dict[str, tuple[Any, int, str | None, set[str] | None]] = {
    "build-report": (None, 0, None, None),
    "config-get": (None, 0, None, {"Dhcp4"}),
    "config-hash-get": (None, 0, None, {"hash"}),
    "config-test": ({"Dhcp4": {"server-tag": "t"}}, 0, "Configuration seems sane. Control-socket, "
                    "hook-libraries, and D2 configuration were sanity checked, but not applied.",
                    None),
    "leases-reclaim": ({"remove": True}, 0, "Reclamation of expired leases is complete.", None),
    "list-commands": (None, 0, None, None),
    "server-tag-get": (None, 0, None, {"server-tag"}),
    "status-get": (None, 0, None, {"pid", "uptime", "reload", "sockets",
                                   "multi-threading-enabled", "dhcp-state"}),
    "version-get": (None, 0, None, {"extended"}),
    "statistic-get": ({"name": "pkt4-received"}, 0, None, {"pkt4-received"}),
    "statistic-get-all": (None, 0, None, None),
    "statistic-reset": ({"name": "pkt4-received"}, 0, "Statistic 'pkt4-received' reset.", None),
    "statistic-sample-age-set": ({"name": "pkt4-received", "duration": 100}, 0,
                                 "Statistic 'pkt4-received' duration limit is set.", None),
    "statistic-sample-count-set": ({"name": "pkt4-received", "max-samples": 5}, 0,
                                   "Statistic 'pkt4-received' count limit is set.", None),
    "statistic-sample-count-set-all": ({"max-samples": 30}, 0,
                                       "All statistics count limit are set.", None),
    "statistic-sample-age-set-all": ({"duration": 900}, 0,
                                     "All statistics duration limit are set.", None),
    "statistic-reset-all": (None, 0, "All statistics reset to neutral values.", None),
    "statistic-remove": ({"name": "pkt4-nak-sent"}, 0, "Statistic 'pkt4-nak-sent' removed.",
                         None),
    "dhcp-disable": ({"max-period": 30}, 0, "DHCPv4 service disabled for 30 seconds", None),
    "dhcp-enable": (None, 0, "DHCP service successfully enabled", None),
}


def check(answer: dict[str, Any], result: int, text: str | None, keys: set[str] | None) -> None:
    assert answer["result"] == result, answer
    if text is not None:
        assert answer["text"] == text
    if keys is not None:
        assert set(answer["arguments"]) == keys


def test_answers_carry_the_running_state(server: Server) -> None:
    # First in the file: the statistic-* commands below reset and remove statistics.
    names = server.cmd("list-commands")["arguments"]
    assert set(BUILTINS) | {"config-set", "config-reload", "config-write", "shutdown",
                            "statistic-remove-all"} <= set(names)
    assert not [n for n in names if n.startswith("lease4-")]  # lease_cmds not loaded
    status = server.cmd("status-get")["arguments"]
    assert status["pid"] == server.daemon.proc.pid
    assert status["sockets"] == {"status": "ready"}
    assert server.cmd("server-tag-get")["arguments"] == {"server-tag": "lab"}
    config = server.cmd("config-get")["arguments"]["Dhcp4"]
    assert len(config["subnet4"]) == 300 and config["server-tag"] == "lab"
    assert config["decline-probation-period"] == 86400  # a default Kea also reports
    total = server.cmd("statistic-get", {"name": "subnet[7].total-addresses"})
    assert total["arguments"]["subnet[7].total-addresses"][0][0] == 11


@pytest.mark.parametrize("command", list(BUILTINS))
def test_builtin_over_unix_and_http(server: Server, command: str) -> None:
    arguments, result, text, keys = BUILTINS[command]
    check(server.cmd(command, arguments), result, text, keys)
    request: dict[str, Any] = {"command": command, "service": ["dhcp4"]}
    if command == "statistic-remove":  # the first one is gone now
        arguments = {"name": "pkt4-decline-received"}
        text = "Statistic 'pkt4-decline-received' removed."
    if arguments is not None:
        request["arguments"] = arguments
    status, _, body = http_post(server.http, request)
    assert status == 200 and isinstance(body, list) and len(body) == 1
    check(body[0], result, text, keys)


def test_config_write_writes_what_config_get_shows(server: Server) -> None:
    target = server.work / "written.json"
    got = server.cmd("config-write", {"filename": str(target)})
    assert got["result"] == 0
    assert got["text"] == f"Configuration written to {target} successful"
    assert got["arguments"] == {"filename": str(target), "size": target.stat().st_size}
    assert json.loads(target.read_text()) == server.cmd("config-get")["arguments"]
    bad = server.cmd("config-write", {"filename": "/nonexistent/dir/x.json"})
    assert bad == {"result": 1, "text": "Error during write-config:Unable to open file "
                                        "/nonexistent/dir/x.json for writing"}


def test_unknown_malformed_and_library_commands(server: Server) -> None:
    assert server.cmd("foo") == {"result": 2, "text": "'foo' command not supported."}
    assert server.cmd("lease4-get-all")["result"] == 2
    broken = json.loads(unix_raw(server.sock, b'{"command": "version-get",}'))
    assert broken["result"] == 1 and broken["text"]
    first = json.loads(unix_raw(server.sock, b'"version-get"'))
    assert first == {"result": 1, "text": 'invalid first character "'}
    status, _, body = http_post(server.http, b"{not json")
    assert status == 400 and body == {"result": 400, "text": "Bad Request"}
    status, _, body = http_post(server.http, {"command": "foo"})
    assert body == [{"result": 2, "text": "'foo' command not supported."}]


def test_https_with_basic_auth(server: Server) -> None:
    request = {"command": "version-get", "service": ["dhcp4"]}
    status, headers, body = http_post(server.https, request, (USER, PASSWORD), server.tls)
    assert status == 200 and body[0]["result"] == 0 and headers["X-Test"] == "yes"
    for auth in [(USER, "wrong"), ("nobody", PASSWORD), None]:
        status, headers, body = http_post(server.https, request, auth, server.tls)
        assert status == 401, auth
        assert headers["WWW-Authenticate"] == 'Basic realm="nestor-test"'
        assert body == {"result": 401, "text": "Unauthorized"}
    with pytest.raises(OSError):  # plain HTTP is not spoken on the TLS port
        http_post(server.https.replace("https", "http"), request, (USER, PASSWORD))


def test_command_sent_in_pieces_and_large_answer_to_slow_reader(server: Server) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as slow:
        slow.settimeout(20)
        slow.connect(str(server.sock))
        for piece in (b'{"comm', b'and": "statistic-', b'get-all"', b"}"):
            slow.sendall(piece)
            time.sleep(0.05)
        time.sleep(0.5)  # the answer (several MB) waits in the server's buffers...
        # ...while other clients are served without delay.
        started = time.monotonic()
        assert server.cmd("version-get")["result"] == 0
        assert time.monotonic() - started < 2.0
        chunks = []
        while chunk := slow.recv(4096):
            chunks.append(chunk)
            if len(chunks) % 64 == 0:
                time.sleep(0.01)
    data = b"".join(chunks)
    answer = json.loads(data)
    assert answer["result"] == 0 and len(data) > 100_000
    assert "subnet[300].total-addresses" in answer["arguments"]


def test_silent_client_gets_timeout_answer_and_others_proceed(server: Server) -> None:
    results: list[dict[str, Any]] = []

    def silent() -> None:
        results.append(json.loads(unix_raw(server.sock, b'{"command": ', timeout=30)))

    t = threading.Thread(target=silent)
    t.start()
    assert server.cmd("version-get")["result"] == 0
    t.join(30)
    assert results == [{"result": 1, "text": "Connection over control channel timed out"}]


def test_socket_file_permissions(server: Server) -> None:
    mode = stat.S_IMODE(server.sock.stat().st_mode)
    assert stat.S_ISSOCK(server.sock.stat().st_mode)
    assert mode & 0o007 == 0, oct(mode)  # nobody outside owner and group


def test_second_server_on_same_socket_refused(server: Server) -> None:
    work = server.work / "second"
    work.mkdir()
    conf = dhcp4(work, [{"socket-type": "unix", "socket-name": str(server.sock)}])
    path = work / "second.json"
    path.write_text(json.dumps(conf))
    done = subprocess.run([str(NESTOR), "-c", str(path)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "KEA_PIDFILE_DIR": str(work),
                                           "KEA_LOCKFILE_DIR": str(work)})
    assert done.returncode == 1
    assert f"cannot lock socket lockfile, {server.sock}.lock" in done.stdout + done.stderr
    assert server.cmd("version-get")["result"] == 0  # the first one still has its socket


def test_nestor_shell_unix_and_https(server: Server) -> None:
    out = subprocess.run([*SHELL, "--socket", str(server.sock), "statistic-get"],
                         input='{"name": "pkt4-received"}', capture_output=True, text=True,
                         timeout=30, check=True).stdout
    assert "pkt4-received" in json.loads(out)["arguments"]
    port = server.https.rsplit(":", 1)[1].rstrip("/")
    args = [*SHELL, "--port", port, "--ca", str(server.cert), "--service", "dhcp4",
            "--auth-user", USER, "--auth-password", PASSWORD, "server-tag-get"]
    out = subprocess.run(args, input="", capture_output=True, text=True, timeout=30,
                         check=True).stdout
    assert json.loads(out) == [{"arguments": {"server-tag": "lab"}, "result": 0}]
    args[args.index(PASSWORD)] = "wrong"
    out = subprocess.run(args, input="", capture_output=True, text=True, timeout=30).stdout
    assert json.loads(out) == {"result": 401, "text": "Unauthorized"}


@pytest.mark.skipif(not have("kea-shell"), reason="kea-shell (python3-kea-connector) missing")
def test_kea_shell_unchanged(server: Server) -> None:
    port = server.http.rsplit(":", 1)[1].rstrip("/")
    for command, stdin in [("list-commands", ""), ("config-get", ""),
                           ("statistic-get-all", ""), ("statistic-get",
                                                        '"name": "pkt4-received"')]:
        out = subprocess.run(["kea-shell", "--port", port, "--service", "dhcp4", command],
                             input=stdin, capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stdout + out.stderr
        body = json.loads(out.stdout)
        assert body[0]["result"] == 0, body
    https_port = server.https.rsplit(":", 1)[1].rstrip("/")
    out = subprocess.run(["kea-shell", "--port", https_port, "--ca", str(server.cert),
                          "--auth-user", USER, "--auth-password", PASSWORD,
                          "--service", "dhcp4", "version-get"],
                         input="", capture_output=True, text=True, timeout=30)
    assert json.loads(out.stdout)[0]["result"] == 0


def test_config_set_with_unopenable_channels_changes_nothing(server: Server) -> None:
    current = server.cmd("config-get")["arguments"]["Dhcp4"]
    hash_before = server.cmd("config-hash-get")["arguments"]["hash"]
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        for bad in ({"socket-type": "unix", "socket-name": "/nonexistent/dir/x.sock"},
                    {"socket-type": "http", "socket-address": "127.0.0.1",
                     "socket-port": taken.getsockname()[1]}):
            new = dict(current, **{"control-sockets": [*current["control-sockets"], bad],
                                   "server-tag": "changed"})
            got = server.cmd("config-set", {"Dhcp4": new})
            assert got["result"] == 1, got
            assert server.cmd("server-tag-get")["arguments"] == {"server-tag": "lab"}
    finally:
        taken.close()
    assert server.cmd("config-hash-get")["arguments"]["hash"] == hash_before
    status, _, body = http_post(server.http, {"command": "version-get"})
    assert status == 200 and body[0]["result"] == 0  # every old channel still serves


def test_stale_socket_replaced_and_shutdown_exit_value(tmp_path: Path) -> None:
    sock = tmp_path / "stale.sock"
    leftover = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    leftover.bind(str(sock))  # a server that died without removing its socket
    leftover.close()
    assert sock.exists()
    daemon = start_server(dhcp4(tmp_path, [{"socket-type": "unix", "socket-name": str(sock)}]),
                          tmp_path, "stale", sock)
    try:
        assert unix_cmd(sock, "shutdown", {"exit-value": 7}) == {
            "result": 0, "text": "Shutting down."}
        assert daemon.wait(30) == 7
        assert not sock.exists()  # removed on the way out
    finally:
        daemon.stop()


def test_https_requiring_client_certificates(tmp_path: Path) -> None:
    if not have("openssl"):
        pytest.skip("openssl is needed to make the test certificate")
    cert, key = self_signed(tmp_path)  # the server's, the trust anchor and the client's
    sock, port = tmp_path / "ctl.sock", free_port()
    daemon = start_server(dhcp4(tmp_path, [
        {"socket-type": "unix", "socket-name": str(sock)},
        {"socket-type": "https", "socket-address": "127.0.0.1", "socket-port": port,
         "cert-file": str(cert), "key-file": str(key), "trust-anchor": str(cert),
         "cert-required": True}]), tmp_path, "mtls", sock)
    try:
        url = f"https://127.0.0.1:{port}/"
        anonymous = ssl.create_default_context(cafile=str(cert))
        with pytest.raises(OSError):
            http_post(url, {"command": "version-get"}, context=anonymous)
        known = ssl.create_default_context(cafile=str(cert))
        known.load_cert_chain(str(cert), str(key))
        status, _, body = http_post(url, {"command": "version-get"}, context=known)
        assert status == 200 and body[0]["result"] == 0
        out = subprocess.run([*SHELL, "--port", str(port), "--ca", str(cert), "--cert",
                              str(cert), "--key", str(key), "status-get"], input="",
                             capture_output=True, text=True, timeout=30, check=True).stdout
        assert json.loads(out)[0]["arguments"]["pid"] == daemon.proc.pid
    finally:
        daemon.stop()


def test_config_set_through_http_moves_the_http_channel(tmp_path: Path) -> None:
    sock, old, new = tmp_path / "ctl.sock", free_port(), free_port()
    unix = {"socket-type": "unix", "socket-name": str(sock)}

    def http(port: int) -> dict[str, Any]:
        return {"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": port}

    daemon = start_server(dhcp4(tmp_path, [unix, http(old)]), tmp_path, "move", sock)
    try:
        body = dhcp4(tmp_path, [unix, http(new)])
        status, _, answer = http_post(f"http://127.0.0.1:{old}/",
                                      {"command": "config-set", "arguments": body})
        assert status == 200 and answer == [{"result": 0, "text": "Configuration successful."}]
        status, _, answer = http_post(f"http://127.0.0.1:{new}/", {"command": "version-get"})
        assert status == 200 and answer[0]["result"] == 0

        def old_closed() -> bool:
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", old)) != 0

        wait_for(old_closed, 10, "the old HTTP port to close")
    finally:
        daemon.stop()


def test_shutdown_over_http_answers_before_exiting(tmp_path: Path) -> None:
    sock, port = tmp_path / "ctl.sock", free_port()
    daemon = start_server(dhcp4(tmp_path, [
        {"socket-type": "unix", "socket-name": str(sock)},
        {"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": port}]),
        tmp_path, "httpstop", sock)
    try:
        status, _, body = http_post(f"http://127.0.0.1:{port}/",
                                    {"command": "shutdown", "arguments": {"exit-value": 5}})
        assert status == 200 and body == [{"result": 0, "text": "Shutting down."}]
        assert daemon.wait(30) == 5
    finally:
        daemon.stop()

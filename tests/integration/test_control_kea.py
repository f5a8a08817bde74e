"""Nestor's control channel next to Kea 2.2's, and Kea's own tools talking to Nestor.

The same command sequence goes to a ``kea-dhcp4`` and a ``nestor-dhcp4``
started from the same configuration (UNIX control sockets, no DHCP
interfaces); result codes always, texts where Kea's do not name versions or
positions, and argument keys must agree; where texts are compared the answers must be
identical byte for byte, Kea's JSON layout included. Then ``kea-ctrl-agent`` is set up
to forward to Nestor's UNIX socket and ``kea-shell`` talks to it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.integration.control_support import (
    Daemon,
    free_port,
    have,
    start_server,
    unix_raw,
    wait_for,
)

pytestmark = pytest.mark.skipif(not have("kea-dhcp4"), reason="Kea 2.2 (kea-dhcp4) missing")

EXACT, RESULT, KEYS = "exact", "result", "keys"

# (request, how to compare). Sent in this order to both servers.
SEQUENCE: list[tuple[object, str]] = [
    ({"command": "foo"}, EXACT),
    ({"command": "lease4-get-all"}, EXACT),
    ({"command": 1}, EXACT),
    ({"bogus": 1}, EXACT),
    ({"command": "x", "extra": 1}, EXACT),
    ([1], EXACT),
    ('"str"', EXACT),
    ("{not json}", RESULT),
    ({"command": "version-get"}, KEYS),
    ({"command": "build-report"}, RESULT),
    ({"command": "server-tag-get"}, EXACT),
    ({"command": "status-get"}, KEYS),
    ({"command": "config-get"}, KEYS),
    ({"command": "dhcp-disable"}, EXACT),
    ({"command": "dhcp-disable", "arguments": {"max-period": 0}}, EXACT),
    ({"command": "dhcp-disable", "arguments": {"max-period": "x"}}, EXACT),
    ({"command": "dhcp-disable", "arguments": {"origin": "ha-partner"}}, EXACT),
    ({"command": "dhcp-disable", "arguments": {"origin": "foo"}}, EXACT),
    ({"command": "dhcp-disable", "arguments": {"origin": 5}}, EXACT),
    ({"command": "dhcp-disable", "arguments": {"max-period": 10, "origin": "user"}}, EXACT),
    ({"command": "dhcp-disable", "arguments": 5}, EXACT),
    ({"command": "dhcp-enable", "arguments": {"origin": "foo"}}, EXACT),
    ({"command": "dhcp-enable", "arguments": 5}, EXACT),
    ({"command": "dhcp-enable", "arguments": {"origin": "ha-partner"}}, EXACT),
    ({"command": "dhcp-enable"}, EXACT),
    ({"command": "leases-reclaim"}, EXACT),
    ({"command": "leases-reclaim", "arguments": {}}, EXACT),
    ({"command": "leases-reclaim", "arguments": {"remove": 1}}, EXACT),
    ({"command": "leases-reclaim", "arguments": {"remove": True}}, EXACT),
    ({"command": "leases-reclaim", "arguments": {"remove": False}}, EXACT),
    ({"command": "config-test"}, EXACT),
    ({"command": "config-test", "arguments": {}}, EXACT),
    ({"command": "config-test", "arguments": {"Dhcp4": {"server-tag": "x"}}}, EXACT),
    ({"command": "config-test", "arguments": {"Dhcp4": {"server-tag": "x"}, "Dhcp6": {}}},
     EXACT),
    ({"command": "config-test", "arguments": {"Dhcp4": {"foo": 1}}}, RESULT),
    ({"command": "config-set"}, EXACT),
    ({"command": "config-set", "arguments": {}}, EXACT),
    ({"command": "config-set", "arguments": {"Dhcp4": {}, "Logging": {}}}, EXACT),
    ({"command": "config-set", "arguments": {"Dhcp4": {"foo": 1}}}, RESULT),
    ({"command": "config-write", "arguments": {"filename": 5}}, EXACT),
    ({"command": "config-write", "arguments": 5}, EXACT),
    ({"command": "config-write", "arguments": {"filename": "/nonexistent/x.json"}}, EXACT),
    ({"command": "shutdown", "arguments": {"exit-value": "x"}}, EXACT),
    ({"command": "shutdown", "arguments": 5}, EXACT),
    ({"command": "statistic-get", "arguments": {"name": "pkt4-received"}}, KEYS),
    ({"command": "statistic-get", "arguments": {"name": "nope"}}, EXACT),
    ({"command": "statistic-reset", "arguments": {"name": "nope"}}, EXACT),
    ({"command": "statistic-sample-count-set-all", "arguments": {"max-samples": 7}}, EXACT),
    ({"command": "config-get"}, KEYS),
]


def config(work: Path, sock: Path) -> dict[str, Any]:
    return {"Dhcp4": {
        "interfaces-config": {"interfaces": []},
        "control-socket": {"socket-type": "unix", "socket-name": str(sock)},
        "lease-database": {"type": "memfile", "name": str(work / "leases4.csv"),
                           "lfc-interval": 0},
        "server-tag": "cmp",
        "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                     "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]}],
        "loggers": [{"name": "kea-dhcp4", "severity": "INFO",
                     "output_options": [{"output": str(work / "server.log")}]}],
    }}


def send_raw(sock: Path, request: object) -> bytes:
    raw = request.encode() if isinstance(request, str) else json.dumps(request).encode()
    # The two servers run in different folders: compare answers without them.
    return unix_raw(sock, raw).replace(str(sock.parent).encode(), b"WORK")


def send(sock: Path, request: object) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads(send_raw(sock, request))
    return answer


def run_sequence(program: str, work: Path) -> list[bytes]:
    work.mkdir()
    sock = work / "ctl.sock"
    daemon = start_server(config(work, sock), work, "server", sock, program=program)
    try:
        return [send_raw(sock, request) for request, _ in SEQUENCE]
    finally:
        daemon.stop()


def test_same_answers_as_kea(tmp_path: Path) -> None:
    from tests.integration.control_support import NESTOR
    kea = run_sequence("kea-dhcp4", tmp_path / "kea")
    nestor = run_sequence(str(NESTOR), tmp_path / "nestor")
    for (request, how), k_raw, n_raw in zip(SEQUENCE, kea, nestor, strict=True):
        k, n = json.loads(k_raw), json.loads(n_raw)
        assert n["result"] == k["result"], (request, k, n)
        if how == EXACT:
            # Byte for byte: Kea's layout ('{ "result": 1, "text": ... }') included.
            assert n_raw == k_raw, request
        elif how == KEYS:
            # Nestor adds Kea 3.x's keys (status-get's dhcp-state), never drops 2.2's.
            assert set(k.get("arguments", {})) <= set(n.get("arguments", {})), request
            if request == {"command": "config-get"}:
                kd, nd = k["arguments"]["Dhcp4"], n["arguments"]["Dhcp4"]
                same = {key for key in kd if key in nd and kd[key] == nd[key]}
                # Global defaults, the socket, and the lists Kea expands with per-entry
                # defaults (subnets, pools, loggers): every key Kea shows is shown alike.
                assert set(kd) - same == set(), set(kd) - same


def test_list_commands_matches_keas_builtins(tmp_path: Path) -> None:
    from tests.integration.control_support import NESTOR
    answers = []
    for program, name in (("kea-dhcp4", "kea"), (str(NESTOR), "nestor")):
        work = tmp_path / name
        work.mkdir()
        sock = work / "ctl.sock"
        daemon = start_server(config(work, sock), work, "server", sock, program=program)
        try:
            answers.append(set(send(sock, {"command": "list-commands"})["arguments"]))
        finally:
            daemon.stop()
    kea, nestor = answers
    # Kea 2.2 lacks config-hash-get (2.4+); packet4-explain is Nestor's own;
    # Nestor has no config backend nor libreload.
    assert nestor - kea == {"config-hash-get", "packet4-explain"}
    assert kea - nestor == {"config-backend-pull", "libreload"}


@pytest.mark.skipif(not (have("kea-ctrl-agent") and have("kea-shell")),
                    reason="kea-ctrl-agent / kea-shell (packages kea-ctrl-agent, "
                           "python3-kea-connector) missing")
def test_kea_control_agent_forwards_to_nestor(tmp_path: Path) -> None:
    from tests.integration.control_support import NESTOR
    sock = tmp_path / "ctl.sock"
    nestor = start_server(config(tmp_path, sock), tmp_path, "nestor", sock, program=NESTOR)
    port = free_port()
    agent_conf = tmp_path / "agent.json"
    agent_conf.write_text(json.dumps({"Control-agent": {
        "http-host": "127.0.0.1", "http-port": port,
        "control-sockets": {"dhcp4": {"socket-type": "unix", "socket-name": str(sock)}},
        "loggers": [{"name": "kea-ctrl-agent", "severity": "INFO",
                     "output_options": [{"output": str(tmp_path / "agent.log")}]}]}}))
    agent = Daemon(["kea-ctrl-agent", "-c", str(agent_conf)], tmp_path, "agent")
    try:
        def shell(command: str, stdin: str = "") -> Any:
            out = subprocess.run(["kea-shell", "--port", str(port), "--service", "dhcp4",
                                  "--timeout", "10", command], input=stdin,
                                 capture_output=True, text=True, timeout=30)
            return json.loads(out.stdout) if out.stdout.strip().startswith("[") else None

        wait_for(lambda: shell("version-get") is not None, 30, "kea-ctrl-agent")
        assert shell("server-tag-get") == [{"arguments": {"server-tag": "cmp"}, "result": 0}]
        assert shell("statistic-get", '"name": "subnet[1].total-addresses"')[0][
            "arguments"]["subnet[1].total-addresses"][0][0] == 11
        assert shell("config-get")[0]["arguments"]["Dhcp4"]["server-tag"] == "cmp"
        assert shell("foo") == [{"result": 2, "text": "'foo' command not supported."}]
    finally:
        agent.stop()
        nestor.stop()

"""The management API of a server that serves DHCP traffic (network namespaces, root).

``config-set`` with a smaller pool changes ``subnet[1].total-addresses``;
broken ``config-set`` commands (bad JSON, a bad value, a control socket that
cannot be opened) answer 1 and the server keeps serving with the old
configuration; ``dhcp-disable`` stops service; ``config-reload`` and SIGHUP
take one path; ``shutdown`` leaves every lease in the lease file.
"""

from __future__ import annotations

import copy
import json
import signal
from pathlib import Path
from typing import Any

import pytest
from tests.integration.control_support import unix_cmd, unix_raw, wait_for
from tests.integration.server4_lab import AGAINST_KEA, ServerLab, base_config, server_lab
from tests.netns import skip_unless_netns

pytestmark = pytest.mark.skipif(AGAINST_KEA, reason="Nestor-only: checks Nestor's channels")


def answering(sock: Path) -> bool:
    """The event loop runs (signal handlers installed) once a command is answered."""
    try:
        return bool(unix_cmd(sock, "version-get")["result"] == 0)
    except OSError:
        return False


def stat(sock: Path, name: str) -> int:
    got = unix_cmd(sock, "statistic-get", {"name": name})["arguments"]
    return int(got[name][0][0]) if got else 0


def dora(sl: ServerLab, count: int, base: int, timeout: float = 1.0) -> list[str]:
    out = sl.work / f"dora-{base:x}.txt"
    sl.tool("dora", "--count", str(count), "--mac-base", hex(base), "--out", str(out),
            "--timeout", str(timeout), "--deadline", "60")
    return [line.split()[1] for line in out.read_text().splitlines()] if out.exists() else []


def with_pool(config: dict[str, Any], pool: str) -> dict[str, Any]:
    body: dict[str, Any] = copy.deepcopy(config["Dhcp4"])
    body["subnet4"][0]["pools"] = [{"pool": pool}]
    return body


def test_config_set_reload_disable_and_shutdown() -> None:
    skip_unless_netns()
    with server_lab("ctl") as sl:
        sock = sl.work / "ctl.sock"
        config = base_config(sl.work, **{"control-socket": {"socket-type": "unix",
                                                            "socket-name": str(sock)}})
        sl.write_config(config)
        proc = sl.start()
        wait_for(lambda: answering(sock), 10, "the control socket")
        assert stat(sock, "subnet[1].total-addresses") == 100

        small = with_pool(config, "192.0.2.100 - 192.0.2.109")
        assert unix_cmd(sock, "config-set", {"Dhcp4": small}) == {
            "result": 0, "text": "Configuration successful."}
        assert stat(sock, "subnet[1].total-addresses") == 10

        broken_json = b'{"command": "config-set", "arguments": {"Dhcp4": {"subnet4": [,]}}}'
        assert json.loads(unix_raw(sock, broken_json))["result"] == 1
        bad_value = dict(small, **{"valid-lifetime": "long"})
        assert unix_cmd(sock, "config-set", {"Dhcp4": bad_value})["result"] == 1
        bad_socket = dict(with_pool(config, "192.0.2.150 - 192.0.2.159"), **{
            "control-socket": {"socket-type": "unix", "socket-name": "/nonexistent/d/s.sock"}})
        refused = unix_cmd(sock, "config-set", {"Dhcp4": bad_socket})
        assert refused["result"] == 1 and "/nonexistent/d/s.sock" in refused["text"]
        assert stat(sock, "subnet[1].total-addresses") == 10

        # Still serving, from the pool of the last good configuration.
        got = dora(sl, 3, 0x020000000100)
        assert len(got) == 3 and all(a.startswith("192.0.2.10") for a in got), got
        assert stat(sock, "pkt4-ack-sent") == 3
        assert stat(sock, "subnet[1].assigned-addresses") == 3

        assert unix_cmd(sock, "dhcp-disable")["result"] == 0
        drops = stat(sock, "pkt4-receive-drop")
        assert dora(sl, 1, 0x020000000200, timeout=0.5) == []
        assert stat(sock, "pkt4-receive-drop") > drops
        assert unix_cmd(sock, "dhcp-enable")["result"] == 0
        assert len(dora(sl, 1, 0x020000000300)) == 1

        # config-reload and SIGHUP: the same file, the same path.
        sl.write_config({"Dhcp4": dict(config["Dhcp4"], **with_pool(
            config, "192.0.2.100 - 192.0.2.119"))})
        assert unix_cmd(sock, "config-reload") == {
            "result": 0, "text": "Configuration successful."}
        assert stat(sock, "subnet[1].total-addresses") == 20
        sl.write_config({"Dhcp4": with_pool(config, "192.0.2.100 - 192.0.2.129")})
        sl.reload("DHCP4_DYNAMIC_RECONFIGURATION_SUCCESS")
        assert stat(sock, "subnet[1].total-addresses") == 30
        sl.write_config('{"Dhcp4": {"valid-lifetime": "x"}}')
        failed = unix_cmd(sock, "config-reload")
        assert failed["result"] == 1
        assert failed["text"].startswith("Config reload failed: configuration error using "
                                         f"file '{sl.conf}'")
        assert stat(sock, "subnet[1].total-addresses") == 30

        assert unix_cmd(sock, "shutdown") == {"result": 0, "text": "Shutting down."}
        assert proc.wait(30) == 0
        assert len(sl.leases()) == 4  # 3 + 1 clients, all in the file after shutdown
        assert not sock.exists()


def test_sighup_uses_same_path_as_config_reload_on_failure() -> None:
    """A bad file via SIGHUP logs the same failure and keeps the socket answering."""
    skip_unless_netns()
    with server_lab("ctlhup") as sl:
        sock = sl.work / "ctl.sock"
        config = base_config(sl.work, **{"control-socket": {"socket-type": "unix",
                                                            "socket-name": str(sock)}})
        sl.write_config(config)
        sl.start()
        wait_for(lambda: answering(sock), 10, "the control socket")
        sl.write_config('{"Dhcp4": {"valid-lifetime": "x"}}')
        sl.reload("DHCP4_DYNAMIC_RECONFIGURATION_FAIL")
        assert unix_cmd(sock, "server-tag-get")["result"] == 0
        sl.signal(signal.SIGTERM)


LEASE_CMDS = "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"
STAT_CMDS = "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_stat_cmds.so"


def test_statistics_and_lease_commands_after_real_traffic() -> None:
    """The hook libraries' commands appear when listed, and see what the clients got."""
    skip_unless_netns()
    with server_lab("ctllease") as sl:
        sock = sl.work / "ctl.sock"
        config = base_config(sl.work, **{
            "control-socket": {"socket-type": "unix", "socket-name": str(sock)},
            "hooks-libraries": [{"library": LEASE_CMDS}, {"library": STAT_CMDS}]})
        sl.write_config(config)
        sl.start()
        wait_for(lambda: answering(sock), 10, "the control socket")
        names = unix_cmd(sock, "list-commands")["arguments"]
        assert {"lease4-get-all", "lease4-del", "stat-lease4-get"} <= set(names)

        got = dora(sl, 4, 0x020000000400)
        assert len(got) == 4
        stats = unix_cmd(sock, "statistic-get-all")["arguments"]
        assert stats["pkt4-ack-sent"][0][0] == 4
        assert stats["pkt4-received"][0][0] == 8  # DISCOVER + REQUEST per client
        assert stats["subnet[1].assigned-addresses"][0][0] == 4
        assert stats["cumulative-assigned-addresses"][0][0] == 4
        leases = unix_cmd(sock, "lease4-get-all")["arguments"]["leases"]
        assert sorted(lease["ip-address"] for lease in leases) == sorted(got)

        deleted = unix_cmd(sock, "lease4-del", {"ip-address": got[0]})
        assert deleted["result"] == 0, deleted
        assert stat(sock, "subnet[1].assigned-addresses") == 3
        assert len(unix_cmd(sock, "lease4-get-all")["arguments"]["leases"]) == 3
        sl.signal(signal.SIGTERM)

    # Without the libraries the same commands are unknown.
    with server_lab("ctlnolib") as sl:
        sock = sl.work / "ctl.sock"
        sl.write_config(base_config(sl.work, **{
            "control-socket": {"socket-type": "unix", "socket-name": str(sock)}}))
        sl.start()
        wait_for(lambda: answering(sock), 10, "the control socket")
        assert unix_cmd(sock, "lease4-get-all") == {
            "result": 2, "text": "'lease4-get-all' command not supported."}
        sl.signal(signal.SIGTERM)

"""``nestor-dhcp4 -c`` as a process: real clients, restarts, reloads, bad traffic, SIGKILL.

Each test builds its own pair of namespaces (tests/integration/server4_lab.py),
runs the installed ``nestor-dhcp4`` in the server namespace with
``KEA_PIDFILE_DIR`` in the test's folder, and talks to it from the client
namespace with Debian's dhclient, busybox udhcpc, dhcpcd or the independent
``dhcp4_tool.py``. Everything is bounded in time and stopped by PID.
"""

from __future__ import annotations

import importlib
import ipaddress
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.integration.server4_lab import (
    AGAINST_KEA,
    CLI_IF,
    DHCLIENT_CONF,
    NESTOR,
    ServerLab,
    base_config,
    server_lab,
    wait_event,
)
from tests.netns import skip_unless_netns, wait_until

pytestmark = pytest.mark.netns

POOL = ipaddress.ip_network("192.0.2.0/24")


def _engine_missing() -> str | None:
    try:
        module = importlib.import_module("nestor.engine.v4")
    except ImportError as exc:
        return f"the DHCPv4 engine (nestor.engine.v4) is not there yet: {exc}"
    if not hasattr(module, "Engine4"):
        return "nestor.engine.v4 has no Engine4 yet"
    return None


@pytest.fixture
def lab() -> Iterator[ServerLab]:
    reason = None if AGAINST_KEA else _engine_missing()
    if reason:
        pytest.skip(reason)
    skip_unless_netns("ip")
    if not NESTOR.exists():
        pytest.skip(f"{NESTOR} not installed (pip install -e .)")
    with server_lab("srv4") as sl:
        yield sl


def _in_pool(address: str, first: int = 100, last: int = 199) -> bool:
    ip = ipaddress.ip_address(address)
    return ip in POOL and first <= int(ip) - int(POOL.network_address) <= last


def _live(sl: ServerLab) -> set[str]:
    now = time.time()
    return {str(ipaddress.ip_address(a)) for a, lease in sl.leases().items()
            if lease.state == 0 and lease.cltt + lease.valid_lft > now}


def _dora(sl: ServerLab, count: int, mac_base: int, out: Path,
          deadline: float = 60.0) -> dict[str, str]:
    sl.tool("dora", "--count", str(count), "--mac-base", hex(mac_base), "--out", str(out),
            "--deadline", str(deadline), timeout=deadline + 30)
    return _acked(out)


def _acked(out: Path) -> dict[str, str]:
    if not out.exists():
        return {}
    return dict(line.split() for line in out.read_text().splitlines() if line.strip())


# -- process conventions -----------------------------------------------------------------

def test_broken_config_exits_1_with_file_and_line(tmp_path: Path) -> None:
    reason = _engine_missing()
    if reason:
        pytest.skip(reason)
    conf = tmp_path / "broken.conf"
    conf.write_text('{"Dhcp4": {\n  "valid-lifetime": "soon"\n}}\n')
    done = subprocess.run([sys.executable, "-m", "nestor.daemons.dhcp4", "-c", str(conf)],
                          capture_output=True, text=True, timeout=60,
                          env={"KEA_PIDFILE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
                          check=False)
    assert done.returncode == 1
    assert "DHCP4_CONFIG_LOAD_FAIL" in done.stdout
    assert f"{conf}:2" in done.stdout  # the position of the bad value
    assert not (tmp_path / "broken.kea-dhcp4.pid").exists()


def test_pid_file_second_instance_and_clean_exit(lab: ServerLab) -> None:
    proc = lab.start()
    pid_file = lab.pid_file()
    assert pid_file.read_text().strip() == str(proc.pid)
    second = lab.srv.run([str(NESTOR), "-c", str(lab.conf)], check=False, timeout=60,
                         env={"KEA_PIDFILE_DIR": str(lab.work)})
    assert second.returncode == 1
    assert "already running?" in second.stdout + second.stderr
    assert proc.running()
    assert lab.stop() == 0
    assert not pid_file.exists()
    assert "DHCP4_SHUTDOWN" in lab.log()


# -- real clients ------------------------------------------------------------------------

def _check_offer(address: str, mask: str, routers: str, dns: str, domain: str,
                 lease: str) -> None:
    assert _in_pool(address), address
    assert mask in ("255.255.255.0", "24")
    assert routers.split() == ["192.0.2.1"]
    assert dns.split() == ["192.0.2.53", "192.0.2.54"]
    assert domain == "example.org"
    assert lease == "600"


def test_dhclient_lease_renew_release(lab: ServerLab) -> None:
    skip_unless_netns("dhclient")
    lab.start()
    hook, events = lab.hook("dhclient")
    conf = lab.work / "dhclient" / "dhclient.conf"
    conf.write_text(DHCLIENT_CONF)
    state = lab.work / "dhclient"
    base = ["dhclient", "-4", "-v", "-sf", str(hook), "-lf", str(state / "leases"),
            "-pf", str(state / "pid"), "-cf", str(conf)]
    proc = lab.cli.spawn([*base, "-d", "-1", CLI_IF], "dhclient")
    env = wait_event(events, "BOUND", 40, proc)
    address = env["new_ip_address"]
    _check_offer(address, env["new_subnet_mask"], env["new_routers"],
                 env["new_domain_name_servers"], env["new_domain_name"],
                 env["new_dhcp_lease_time"])
    assert address in _live(lab)
    renewed = wait_event(events, "RENEW", 30, proc)  # renew-timer 3 s
    assert renewed["new_ip_address"] == address
    lab.cli.run([*base, "-r", CLI_IF], timeout=30)
    wait_until(lambda: address not in _live(lab), 15, "the released lease to go")


def test_udhcpc_lease_renew_release(lab: ServerLab) -> None:
    skip_unless_netns("udhcpc")
    lab.start()
    hook, events = lab.hook("udhcpc")
    proc = lab.cli.spawn(["udhcpc", "-f", "-R", "-t", "5", "-T", "2", "-s", str(hook),
                          "-i", CLI_IF], "udhcpc")
    env = wait_event(events, "bound", 40, proc)
    address = env["ip"]
    _check_offer(address, env["mask"], env["router"], env["dns"], env["domain"], env["lease"])
    assert address in _live(lab)
    proc.signal(signal.SIGUSR1)  # busybox: renew the lease now
    renewed = wait_event(events, "renew", 30, proc)
    assert renewed["ip"] == address
    proc.signal(signal.SIGTERM)  # with -R: release first
    proc.wait(15)
    wait_until(lambda: address not in _live(lab), 15, "the released lease to go")


def test_dhcpcd_lease_renew_release(lab: ServerLab) -> None:
    skip_unless_netns("dhcpcd")
    lab.start()
    hook, events = lab.hook("dhcpcd")
    state = lab.work / "dhcpcd"
    dirs = {"/var/lib/dhcpcd": state / "lib", "/run": state / "run"}
    for path in dirs.values():
        path.mkdir(exist_ok=True)
    conf = state / "dhcpcd.conf"
    conf.write_text("option domain_name_servers, domain_name, routers\nnoarp\n")
    proc = lab.cli.spawn(["dhcpcd", "-f", str(conf), "-B", "-4", "-c", str(hook), CLI_IF],
                         "dhcpcd", private_dirs=dirs)
    env = wait_event(events, "BOUND", 40, proc)
    address = env["new_ip_address"]
    _check_offer(address, env["new_subnet_mask"], env["new_routers"],
                 env["new_domain_name_servers"], env["new_domain_name"],
                 env["new_dhcp_lease_time"])
    assert address in _live(lab)
    renewed = wait_event(events, "RENEW", 30, proc)  # renew-timer 3 s
    assert renewed["new_ip_address"] == address
    lab.cli.run(["dhcpcd", "-f", str(conf), "-4", "-k", CLI_IF], timeout=30, private_dirs=dirs)
    wait_until(lambda: address not in _live(lab), 15, "the released lease to go")


# -- restarts and reloads ----------------------------------------------------------------

def test_restart_keeps_every_lease(lab: ServerLab) -> None:
    lab.start()
    first = _dora(lab, 20, 0x020000000100, lab.work / "first.txt")
    assert len(first) == 20
    assert lab.stop() == 0
    assert set(first.values()) <= _live(lab)
    lab.start()
    # The same clients get their addresses back; new clients get other ones.
    again = _dora(lab, 20, 0x020000000100, lab.work / "again.txt")
    assert again == first
    others = _dora(lab, 20, 0x020000000200, lab.work / "others.txt")
    assert len(others) == 20
    assert not set(others.values()) & set(first.values())


def test_sighup_broken_config_keeps_the_old_one(lab: ServerLab) -> None:
    lab.start()
    good = lab.conf.read_text()
    lab.write_config(good.replace('"valid-lifetime": 600', '"valid-lifetime": "x"'))
    lab.reload("DHCP4_DYNAMIC_RECONFIGURATION_FAIL")
    text = lab.log()
    assert "DHCP4_CONFIG_LOAD_FAIL" in text and f"{lab.conf}:" in text
    assert lab.proc is not None and lab.proc.running()
    acked = _dora(lab, 5, 0x020000000300, lab.work / "after.txt")
    assert len(acked) == 5 and all(_in_pool(a) for a in acked.values())


def test_sighup_changed_pool_serves_from_the_new_one(lab: ServerLab) -> None:
    lab.start()
    before = _dora(lab, 3, 0x020000000400, lab.work / "before.txt")
    assert all(_in_pool(a) for a in before.values())
    config = base_config(lab.work)
    config["Dhcp4"]["subnet4"][0]["pools"] = [{"pool": "192.0.2.200 - 192.0.2.220"}]
    lab.write_config(config)
    lab.reload("DHCP4_DYNAMIC_RECONFIGURATION_SUCCESS")
    after = _dora(lab, 5, 0x020000000500, lab.work / "after.txt")
    assert len(after) == 5 and all(_in_pool(a, 200, 220) for a in after.values())


# -- service sockets ----------------------------------------------------------------------

def test_missing_socket_is_retried_until_it_opens(lab: ServerLab) -> None:
    holder = lab.hold_port()
    lab.write_config(base_config(lab.work, **{"interfaces-config": {
        "interfaces": ["nst-s0"], "service-sockets-max-retries": 100,
        "service-sockets-retry-wait-time": 200}}))
    lab.start()
    assert "DHCPSRV_OPEN_SOCKET_FAIL" in lab.log()
    holder.stop()
    wait_until(lambda: len(_dora(lab, 1, 0x020000000700, lab.work / "r.txt", 5)) == 1,
               30, "a lease once the port is free")


def test_require_all_stops_when_retries_run_out(lab: ServerLab) -> None:
    lab.hold_port()
    lab.write_config(base_config(lab.work, **{"interfaces-config": {
        "interfaces": ["nst-s0"], "service-sockets-require-all": True,
        "service-sockets-max-retries": 2, "service-sockets-retry-wait-time": 1000}}))
    proc = lab.start()
    assert proc.wait(30) == 1
    assert "DHCP4_OPEN_SOCKETS_FAILED" in lab.log()
    assert not lab.pid_file().exists()


# -- hostile traffic and crashes -----------------------------------------------------------

def test_malformed_flood_is_survived(lab: ServerLab) -> None:
    lab.start()
    out = lab.tool("junk", "--count", "5000")
    assert "sent" in out
    assert lab.proc is not None and lab.proc.running()
    acked = _dora(lab, 3, 0x020000000600, lab.work / "after.txt")
    assert len(acked) == 3
    bad = (lab.work / "bad-packets.log").read_text()
    assert "DHCP4_PACKET_DROP_0001" in bad
    if not AGAINST_KEA:  # Kea words reasons its own way and logs every datagram
        for reason in ("truncated header", "bad magic cookie"):
            assert reason in bad
        # Rate limited: one line per kind of reason, not one per datagram.
        assert bad.count("DHCP4_PACKET_DROP_0001") < 50


def test_sigkill_under_load_loses_no_acked_lease(lab: ServerLab) -> None:
    config = base_config(lab.work)
    config["Dhcp4"]["subnet4"][0]["pools"] = [{"pool": "192.0.2.10 - 192.0.2.250"}]
    lab.write_config(config)
    lab.start()
    # Four clients at once, so that batches hold several queries when the kill lands.
    outs = [lab.work / f"acked{i}.txt" for i in range(4)]
    tools = [lab.spawn_tool("dora", "--count", "60", "--mac-base", hex(0x020000010000 + i * 256),
                            "--out", str(out), "--deadline", "60", "--timeout", "0.5",
                            label=f"dora-load{i}")
             for i, out in enumerate(outs)]

    def acked() -> dict[str, str]:
        return {mac: a for out in outs for mac, a in _acked(out).items()}

    wait_until(lambda: len(acked()) >= 60, 60, "60 ACKs")
    lab.signal(signal.SIGKILL)
    assert lab.proc is not None
    lab.proc.wait(10)
    for tool in tools:
        tool.stop()
    done = acked()
    assert len(done) >= 60
    in_file = lab.leases()
    missing = [a for a in done.values() if int(ipaddress.ip_address(a)) not in in_file]
    assert not missing, f"ACKed but not in the lease file: {missing[:10]}"

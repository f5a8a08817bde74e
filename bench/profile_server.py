"""Load nestor-dhcp4 with perfdhcp in a namespace pair; report rate, optionally profile it.

    sudo .venv/bin/python bench/profile_server.py --rate 6000 --period 10
    sudo .venv/bin/python bench/profile_server.py --rate 30000 --period 12 --profile 8

The server runs in one namespace (192.0.2.1/24, pinned to CPU 0), perfdhcp in
another (192.0.2.2/24 and the relay address 198.51.100.1/24, pinned to CPU 1),
joined by a veth pair; perfdhcp behaves as a relay, and the subnet (a /16,
memfile with ``persist: true``, ``lfc-interval: 0``, loggers at WARN) is
selected by its relay address. Each rate is one bounded run on a fresh lease
file; the output is perfdhcp's completed exchanges per second and drops, the
server's CPU seconds per second of load, and with ``--profile N`` py-spy's
top functions (own time and total time) sampled over N seconds of the run.
Everything started (namespaces, processes, by PID) is removed on exit, also on
errors and Ctrl-C. Needs root, ``perfdhcp`` and, for ``--profile``, py-spy in
the venv; ``--perf N`` adds ``perf``'s split of the server CPU's cycles (Python,
C libraries, kernel), which py-spy cannot see (read :func:`profile`).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.netns import Lab, Namespace, Proc, wait_until  # noqa: E402

SERVER_ADDR, CLIENT_ADDR, RELAY_ADDR = "192.0.2.1", "192.0.2.2", "198.51.100.1"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def config(workdir: Path, iface: str) -> dict[str, object]:
    return {"Dhcp4": {
        "interfaces-config": {"interfaces": [f"{iface}/{SERVER_ADDR}"],
                              "dhcp-socket-type": "udp"},
        "lease-database": {"type": "memfile", "name": str(workdir / "leases4.csv"),
                           "persist": True, "lfc-interval": 0},
        "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
        "subnet4": [{"id": 1, "subnet": "198.18.0.0/16",
                     "pools": [{"pool": "198.18.0.10 - 198.18.255.250"}],
                     "relay": {"ip-addresses": [RELAY_ADDR]},
                     "option-data": [{"name": "routers", "data": "198.18.0.1"},
                                     {"name": "domain-name-servers", "data": "192.0.2.53"}]}],
        "loggers": [{"name": "kea-dhcp4", "severity": "WARN",
                     "output_options": [{"output": str(workdir / "server.log")}]}],
    }}


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU seconds of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK


def server_pid(proc: Proc) -> int:
    """The PID of the Python process: ``ip netns exec`` and taskset exec into it."""
    return proc.pid


def listening(ns: Namespace) -> bool:
    out = ns.run(["ss", "-Hlun"], check=False).stdout
    return f"{SERVER_ADDR}:67 " in out


def start_server(lab: Lab, srv: Namespace, iface: str, cpu: int,
                 pythonpath: str) -> Proc:
    workdir = lab.workdir
    for stale in workdir.glob("leases4.csv*"):
        stale.unlink()
    conf = workdir / "dhcp4.json"
    conf.write_text(json.dumps(config(workdir, iface), indent=1))
    program = str(Path(sys.executable).with_name("nestor-dhcp4"))
    env = {"PYTHONPATH": pythonpath} if pythonpath else None
    proc = srv.spawn(["taskset", "-c", str(cpu), program, "-c", str(conf)], label="nestor",
                     env=env)
    wait_until(lambda: listening(srv) or not proc.running(), 20, "nestor to listen")
    if not proc.running():
        raise RuntimeError(f"nestor exited: {proc.stderr()[-2000:]}")
    return proc


PERF_LINE = re.compile(r"^(sent packets|received packets|drops ratio|avg delay|max delay)"
                       r": (.*)$")


def perf_summary(text: str) -> dict[str, list[str]]:
    """perfdhcp's per-exchange lines: {'sent packets': [DO, RA], ...}."""
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = PERF_LINE.match(line.strip())
        if m:
            out.setdefault(m.group(1), []).append(m.group(2))
    return out


def profile(pid: int, seconds: float, top: int, workdir: Path) -> str:
    """py-spy's view of ``seconds`` of the run (sampled without pausing the server).

    Read the transport's share with care: py-spy charges the time a system call takes,
    and the time the process waits for the CPU after one (the scheduler runs on the
    way out of the kernel), to the Python line that made it. ``Transport4.send`` and
    ``Receiver4.drain`` got 20-30 % of the samples in runs where ``perf`` (``--perf``)
    put the kernel at 15-19 % of the server's cycles. (Pausing the server for each
    sample, py-spy's default, cut its rate by about half in one run and showed the
    transport just as high, so it is no cure.)
    """
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        return "py-spy not installed in the venv"
    raw = workdir / "profile.txt"
    subprocess.run([str(spy), "record", "-p", str(pid), "-d", f"{seconds:g}", "-r", "250",
                    "-F", "-f", "raw", "-o", str(raw), "--nonblocking"],
                   capture_output=True, timeout=seconds + 30, check=False)
    return summarise(raw, top) if raw.exists() else "py-spy produced nothing"


def perf_split(cpu: int, seconds: float, top: int, workdir: Path) -> str:
    """``perf``'s cycles on the server's CPU: shares by program and library, then the
    top kernel functions (where system calls and the network stack's softirq go)."""
    if shutil.which("perf") is None:
        return "perf not installed"
    data = workdir / "perf.data"
    subprocess.run(["perf", "record", "-C", str(cpu), "-o", str(data), "--", "sleep",
                    f"{seconds:g}"], capture_output=True, timeout=seconds + 30, check=False)
    lines = ["perf, cycles on the server's CPU by program and library:"]
    for sort, extra in (("comm,dso", []), ("sym", ["--dso", "[kernel.kallsyms]"])):
        out = subprocess.run(["perf", "report", "-i", str(data), "--stdio", "--no-children",
                              "--sort", sort, "-g", "none", *extra],
                             capture_output=True, text=True, timeout=120, check=False).stdout
        rows = [line for line in out.splitlines() if line.strip() and line[0] != "#"]
        if extra:
            lines.append("kernel functions (share of all cycles on that CPU):")
        lines.extend("  " + row.strip() for row in rows[:top])
    return "\n".join(lines)


def summarise(raw: Path, top: int) -> str:
    """Own and total sample shares per function from py-spy's collapsed stacks."""
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        samples += count
        frames = [re.sub(r" \(.*/(src|lib)/", " (", f) for f in stack.split(";")]
        own[frames[-1]] = own.get(frames[-1], 0) + count
        for frame in set(frames):
            total[frame] = total.get(frame, 0) + count
    areas: dict[str, int] = {}
    for name, count in own.items():
        m = re.search(r"\((nestor/\w+|[\w.]+)", name)
        area = m.group(1).removesuffix(".py") if m else "?"
        areas[area] = areas.get(area, 0) + count
    lines = [f"{samples} samples; own time by area:"]
    for name, count in sorted(areas.items(), key=lambda kv: -kv[1])[:12]:
        lines.append(f"  {100 * count / samples:5.1f}%  {name}")
    lines.append("own time:")
    for name, count in sorted(own.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"  {100 * count / samples:5.1f}%  {name}")
    lines.append("total (inclusive) time:")
    for name, count in sorted(total.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"  {100 * count / samples:5.1f}%  {name}")
    return "\n".join(lines)


def one_rate(lab: Lab, srv: Namespace, cli: Namespace, iface: str, args: argparse.Namespace,
             rate: int, pythonpath: str) -> dict[str, object]:
    proc = start_server(lab, srv, iface, args.server_cpu, pythonpath)
    pid = server_pid(proc)
    try:
        cpu0, t0 = cpu_seconds(pid), time.monotonic()
        perf = cli.spawn(["taskset", "-c", str(args.client_cpu), "perfdhcp", "-4", "-g",
                          "single", "-r", str(rate), "-p", str(args.period), "-W", "500000",
                          "-R", str(args.clients), "-l", RELAY_ADDR, SERVER_ADDR],
                         label=f"perfdhcp{rate}")
        report = ""
        if args.profile or args.perf:
            time.sleep(min(1.0, args.period / 4))
        if args.profile:
            report = profile(pid, args.profile, args.top, lab.workdir)
        if args.perf:
            report += ("\n" if report else "") + perf_split(args.server_cpu, args.perf,
                                                           args.top, lab.workdir)
        perf.wait(args.period + 30)
        user1, sys1 = cpu_seconds(pid)
        user, system = user1 - cpu0[0], sys1 - cpu0[1]
        cpu = user + system
        wall = time.monotonic() - t0
        summary = perf_summary(perf.stdout())
        rows = sum(1 for _ in csv.reader((lab.workdir / "leases4.csv").open())) - 1
    finally:
        proc.stop()
    received = summary.get("received packets", ["0", "0"])
    acks = int(received[1]) if len(received) > 1 else 0
    return {"rate": rate, "acks_per_s": acks / args.period, "summary": summary,
            "cpu_per_s": cpu / wall,
            "cpu_us": 1e6 * cpu / acks if acks else 0.0,
            "sys_pct": 100 * system / cpu if cpu else 0.0, "lease_rows": rows, "profile": report,
            "server_log": (lab.workdir / "server.log").read_text()[-1500:]
            if (lab.workdir / "server.log").exists() else ""}


def report(label: str, result: dict[str, object]) -> None:
    s = result["summary"]
    assert isinstance(s, dict)
    print(f"[{label}] rate {result['rate']}/s: {result['acks_per_s']:.0f} ACK/s, "
          f"server CPU {result['cpu_per_s']:.2f} "
          f"({result['cpu_us']:.0f} µs per exchange, {result['sys_pct']:.0f}% "
          f"system), lease rows {result['lease_rows']}; "
          f"sent {s.get('sent packets')} received {s.get('received packets')} "
          f"drops {s.get('drops ratio')} avg {s.get('avg delay')}", flush=True)
    if result["profile"]:
        print(result["profile"], flush=True)
    if result["server_log"]:
        print("server log tail:\n" + str(result["server_log"]), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=int, action="append", required=True,
                        help="offered DORA/s (repeat for several runs)")
    parser.add_argument("--period", type=int, default=10, help="seconds per run")
    parser.add_argument("--clients", type=int, default=100000, help="perfdhcp -R")
    parser.add_argument("--profile", type=float, default=0, help="py-spy for N seconds")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--perf", type=float, default=0,
                        help="perf record the server's CPU for N seconds (after --profile)")
    parser.add_argument("--server-cpu", type=int, default=0)
    parser.add_argument("--client-cpu", type=int, default=1)
    parser.add_argument("--variant", action="append", default=[], metavar="LABEL=SRC",
                        help="also run the nestor package found in SRC (PYTHONPATH), "
                             "alternating with the others; the checkout is 'current'")
    parser.add_argument("--repeat", type=int, default=1, help="runs per rate and variant")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    for program in ("perfdhcp", "taskset", "ss"):
        if shutil.which(program) is None:
            sys.exit(f"not installed: {program}")
    with Lab("prof", keep=args.keep) as lab:
        srv, cli = lab.namespace("srv"), lab.namespace("cli")
        link = lab.link(srv, cli)
        srv.add_address(link.a_if, f"{SERVER_ADDR}/24")
        cli.add_address(link.b_if, f"{CLIENT_ADDR}/24")
        cli.add_address(link.b_if, f"{RELAY_ADDR}/24")
        srv.run(["ip", "route", "add", "198.51.100.0/24", "via", CLIENT_ADDR])
        variants = [("current", "")] + [tuple(v.split("=", 1)) for v in args.variant]
        for rate in args.rate:
            for _ in range(args.repeat):
                for label, path in variants:
                    report(label, one_rate(lab, srv, cli, link.a_if, args, rate, path))
        if args.keep:
            print(f"work folder kept: {lab.workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

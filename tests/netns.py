"""Network namespaces, veth pairs and background processes for tests.

A :class:`Lab` owns everything it creates and removes it again on exit, even
when the body raised:

    with Lab("v4") as lab:
        srv, cli = lab.namespace("srv"), lab.namespace("cli")
        link = lab.link(srv, cli)
        srv.add_address(link.a_if, "192.0.2.1/24")
        kea = lab.spawn(srv, ["kea-dhcp4", "-c", str(conf)], label="kea4")
        ...

Rules this module keeps so that tests never disturb the machine they run on:

* every namespace is called ``nst-<run token>-<role>``; the token is random,
  so parallel runs cannot collide and a leftover is recognisable;
* veth pairs are created *inside* a namespace (``ip -n NS link add``), so the
  host's interface list is never touched, and addresses are only assigned
  inside namespaces;
* background processes are stopped by their PID (and the process group they
  lead, which this module created for them), never by name;
* ``/etc/netns/NS/resolv.conf`` is written for every namespace, so client
  hook scripts that rewrite ``/etc/resolv.conf`` only rewrite that copy
  (``ip netns exec`` bind-mounts it over ``/etc/resolv.conf``);
* ``private_dirs`` bind-mounts temporary folders over state folders such as
  ``/var/lib/dhcpcd`` inside the mount namespace ``ip netns exec`` creates,
  so a client's lease and DUID files stay out of the host's folders.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

PREFIX = "nst-"
NETNS_ETC = Path("/etc/netns")
# Linux limits interface names to IFNAMSIZ - 1 characters.
IFNAME_MAX = 15
DEFAULT_RESOLV_CONF = "# written by nestor tests; never the host's file\nnameserver 192.0.2.53\n"


class NetnsError(RuntimeError):
    """A namespace command failed; the message carries the command and its stderr."""


def unavailable_reason() -> str | None:
    """Why namespace tests cannot run here, or None when they can."""
    if os.geteuid() != 0:
        return "needs root to create network namespaces"
    if shutil.which("ip") is None:
        return "iproute2 'ip' command not installed"
    probe = f"{PREFIX}probe-{secrets.token_hex(3)}"
    try:
        _ip(["netns", "add", probe])
    except NetnsError as exc:
        return f"'ip netns add' does not work here: {exc}"
    with contextlib.suppress(NetnsError):
        _ip(["netns", "del", probe])
    return None


def skip_unless_netns(*programs: str) -> None:
    """pytest.skip with a reason unless namespaces work and ``programs`` are installed."""
    import pytest  # imported here so that scripts can use this module without pytest

    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)}")


def wait_until(predicate: Callable[[], bool], timeout: float, what: str,
               interval: float = 0.05) -> None:
    """Poll ``predicate`` until it holds; raise TimeoutError naming ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(interval)


def _ip(args: Sequence[str], timeout: float = 10.0) -> str:
    return _run(["ip", *args], timeout)


def _run(argv: Sequence[str], timeout: float) -> str:
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise NetnsError(f"{' '.join(argv)}: {exc}") from exc
    if done.returncode != 0:
        raise NetnsError(f"{' '.join(argv)}: exit {done.returncode}: {done.stderr.strip()}")
    return done.stdout


# Binds each source folder over its target, then execs the real command, so the
# PID that Popen reports stays the PID of the command itself.
_BIND_AND_EXEC = 'while [ "$1" != "--" ]; do mount --bind "$1" "$2" || exit 125; shift 2; done; ' \
                 'shift; exec "$@"'


@dataclass
class Proc:
    """A background process started by :meth:`Namespace.spawn`; stopped by its PID."""

    label: str
    argv: list[str]
    popen: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        """True until the process exits. Does not reap it, so its PID stays ours."""
        if self.popen.returncode is not None:
            return False
        try:
            state = os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:  # already reaped
            return False
        return state is None

    def wait(self, timeout: float) -> int:
        """Wait for a process expected to end by itself; TimeoutError if it does not."""
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired as exc:
            raise TimeoutError(f"{self.label} (pid {self.pid}) still running "
                               f"after {timeout:g}s") from exc

    def signal(self, signum: int) -> None:
        if self.running():
            os.kill(self.pid, signum)

    def stop(self, timeout: float = 5.0) -> int:
        """SIGTERM, SIGKILL after ``timeout``; also ends what is left in its process group.

        The process leads its own process group (``start_new_session``) whose id
        is its PID. Signals go out only while the process is not yet reaped (an
        exited one stays a zombie until :meth:`stop` collects it), so that number
        cannot belong to anybody else.
        """
        if self.popen.returncode is None:
            self._kill_group(signal.SIGTERM)
            if not self._exited_within(timeout):
                self._kill_group(signal.SIGKILL)
                self._exited_within(timeout)
            # Hook scripts it forked may outlive it in its group.
            self._kill_group(signal.SIGKILL)
        return self.popen.wait(timeout)

    def _exited_within(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.running():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True

    def _kill_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)

    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")


@dataclass
class Namespace:
    """One network namespace; commands run in it through ``ip netns exec``."""

    name: str
    workdir: Path
    _spawned: list[Proc] = field(default_factory=list)

    def exec_argv(self, argv: Sequence[str],
                  private_dirs: Mapping[str, Path] | None = None) -> list[str]:
        cmd = ["ip", "netns", "exec", self.name]
        if private_dirs:
            binds = [arg for target, source in private_dirs.items()
                     for arg in (str(source), target)]
            cmd += ["sh", "-c", _BIND_AND_EXEC, "sh", *binds, "--"]
        return cmd + list(argv)

    def run(self, argv: Sequence[str], timeout: float = 30.0, check: bool = True,
            private_dirs: Mapping[str, Path] | None = None,
            env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Run a command to completion inside the namespace (bounded by ``timeout``)."""
        full = self.exec_argv(argv, private_dirs)
        done = subprocess.run(full, capture_output=True, text=True, timeout=timeout,
                              check=False, env=_merged_env(env))
        if check and done.returncode != 0:
            raise NetnsError(f"[{self.name}] {' '.join(argv)}: exit {done.returncode}: "
                             f"{done.stderr.strip()}")
        return done

    def spawn(self, argv: Sequence[str], label: str,
              private_dirs: Mapping[str, Path] | None = None,
              env: Mapping[str, str] | None = None) -> Proc:
        """Start a command in the background; output goes to files in the workdir."""
        stem = f"{self.name}-{label}"
        if any(p.label == label for p in self._spawned):
            stem += f"-{len(self._spawned)}"  # a second run keeps the first one's output
        out, err = self.workdir / f"{stem}.out", self.workdir / f"{stem}.err"
        with out.open("wb") as fout, err.open("wb") as ferr:
            popen = subprocess.Popen(self.exec_argv(argv, private_dirs), stdin=subprocess.DEVNULL,
                                     stdout=fout, stderr=ferr, env=_merged_env(env),
                                     start_new_session=True)
        proc = Proc(label, list(argv), popen, out, err)
        self._spawned.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in reversed(self._spawned):
            proc.stop()

    def sysctl(self, key: str, value: str) -> None:
        path = "/proc/sys/" + key.replace(".", "/")
        self.run(["sh", "-c", 'printf "%s\\n" "$1" > "$2"', "sh", value, path])

    def link_up(self, iface: str) -> None:
        _ip(["-n", self.name, "link", "set", iface, "up"])

    def add_address(self, iface: str, cidr: str) -> None:
        """Assign an address (``192.0.2.1/24``, ``2001:db8::1/64``) inside this namespace."""
        family = "-6" if ":" in cidr else "-4"
        # nodad: usable at once; duplicate detection is pointless on a private veth.
        extra = ["nodad"] if family == "-6" else []
        _ip(["-n", self.name, family, "addr", "add", cidr, "dev", iface, *extra])

    def flush_addresses(self, iface: str) -> None:
        """Remove IPv4 and global IPv6 addresses a client configured; keep link-local."""
        _ip(["-n", self.name, "-4", "addr", "flush", "dev", iface])
        _ip(["-n", self.name, "-6", "addr", "flush", "dev", iface, "scope", "global"])

    def addresses(self, iface: str, family: int = 4) -> list[str]:
        """Addresses on ``iface`` without prefix length, e.g. ``['192.0.2.100']``."""
        text = _ip(["-n", self.name, f"-{family}", "-o", "addr", "show", "dev", iface])
        return [line.split()[3].split("/")[0] for line in text.splitlines() if line.strip()]

    def mac(self, iface: str) -> str:
        text = _ip(["-n", self.name, "-o", "link", "show", "dev", iface])
        words = text.split()
        return words[words.index("link/ether") + 1]

    def write_resolv_conf(self, text: str = DEFAULT_RESOLV_CONF) -> Path:
        folder = NETNS_ETC / self.name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "resolv.conf"
        path.write_text(text)
        return path


def _merged_env(extra: Mapping[str, str] | None) -> dict[str, str] | None:
    if not extra:
        return None
    env = dict(os.environ)
    env.update(extra)
    return env


@dataclass(frozen=True)
class Link:
    """A veth pair: ``a_if`` lives in ``a``, ``b_if`` in ``b``; both are up."""

    a: Namespace
    a_if: str
    b: Namespace
    b_if: str


class Lab:
    """Owns namespaces, veth pairs and processes; removes all of them on exit.

    ``workdir`` (a fresh temporary folder unless given) holds process output
    and whatever the test writes; it is removed on exit unless ``keep`` is set
    or it was given by the caller.
    """

    def __init__(self, tag: str = "lab", workdir: Path | None = None, keep: bool = False) -> None:
        self.token = f"{tag[:6]}{secrets.token_hex(2)}"
        self._own_workdir = workdir is None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix=f"{PREFIX}{self.token}-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.keep = keep
        self.namespaces: list[Namespace] = []
        self._links = 0

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self.close()
        except NetnsError as cleanup:
            if exc is None:
                raise
            # Keep the body's exception, which explains more, and mention the leftover.
            exc.add_note(str(cleanup))

    def namespace(self, role: str) -> Namespace:
        """Create ``nst-<token>-<role>`` with ``lo`` up and IPv6 DAD off.

        DAD is switched off (before any veth exists, so they inherit it) because
        a tentative link-local address cannot send, and DHCPv6 clients and
        servers bind to it right after the link comes up.
        """
        ns = Namespace(f"{PREFIX}{self.token}-{role}", self.workdir)
        _ip(["netns", "add", ns.name])
        self.namespaces.append(ns)
        ns.link_up("lo")
        for scope in ("default", "all"):
            ns.sysctl(f"net.ipv6.conf.{scope}.accept_dad", "0")
        ns.write_resolv_conf()
        return ns

    def link(self, a: Namespace, b: Namespace, a_if: str | None = None,
             b_if: str | None = None) -> Link:
        """Join two namespaces with a veth pair created inside ``a`` and moved to ``b``."""
        index = self._links
        self._links += 1
        a_if = a_if or f"{PREFIX}a{index}"
        b_if = b_if or f"{PREFIX}b{index}"
        for name in (a_if, b_if):
            if len(name) > IFNAME_MAX:
                raise ValueError(f"interface name {name!r} longer than {IFNAME_MAX} characters")
        _ip(["-n", a.name, "link", "add", a_if, "type", "veth", "peer", "name", b_if,
             "netns", b.name])
        a.link_up(a_if)
        b.link_up(b_if)
        return Link(a, a_if, b, b_if)

    def spawn(self, ns: Namespace, argv: Sequence[str], label: str,
              private_dirs: Mapping[str, Path] | None = None,
              env: Mapping[str, str] | None = None) -> Proc:
        return ns.spawn(argv, label, private_dirs, env)

    def close(self) -> None:
        """Stop processes (by PID), delete namespaces and their /etc/netns folders."""
        errors: list[str] = []
        for ns in reversed(self.namespaces):
            try:
                ns.stop_all()
            except Exception as exc:
                errors.append(f"stopping processes in {ns.name}: {exc}")
        for ns in reversed(self.namespaces):
            try:
                _ip(["netns", "del", ns.name])
            except NetnsError as exc:
                errors.append(str(exc))
            shutil.rmtree(NETNS_ETC / ns.name, ignore_errors=True)
        self.namespaces.clear()
        if self._own_workdir and not self.keep:
            shutil.rmtree(self.workdir, ignore_errors=True)
        if errors:
            raise NetnsError("cleanup incomplete: " + "; ".join(errors))


@contextlib.contextmanager
def pair(tag: str = "pair") -> Iterator[tuple[Lab, Link]]:
    """Two namespaces (``srv`` and ``cli``) joined by one veth pair."""
    with Lab(tag) as lab:
        link = lab.link(lab.namespace("srv"), lab.namespace("cli"))
        yield lab, link


CLONE_NEWNET = 0x40000000  # from <sched.h>: setns() into a network namespace
_libc = ctypes.CDLL(None, use_errno=True)


@contextlib.contextmanager
def inside(ns: Namespace) -> Iterator[None]:
    """Run the body with this thread in ``ns`` (sockets made there stay there);
    always come back."""
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(f"/run/netns/{ns.name}", os.O_RDONLY)
    try:
        if _libc.setns(target, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns into {ns.name} failed")
        try:
            yield
        finally:
            if _libc.setns(own, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back to the test's namespace failed")
    finally:
        os.close(target)
        os.close(own)

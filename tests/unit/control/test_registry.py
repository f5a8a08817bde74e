"""Command registry, request checks, framing, network state and channel settings (no sockets)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from nestor.config.loader import load_text
from nestor.config.model import Config
from nestor.control import builtins, config_cmds
from nestor.control.channels import HttpSpec, UnixSpec, channel_specs
from nestor.control.commands4 import registry4
from nestor.control.framing import FramingError, JsonFeed, decode
from nestor.control.netstate import NetworkState
from nestor.control.registry import (
    RESULT_ERROR,
    RESULT_SUCCESS,
    RESULT_UNSUPPORTED,
    CommandSpec,
    Registry,
    answer,
)
from nestor.errors import ConfigError
from nestor.stats.manager import StatsManager

TSV = Path("/work/shared/reference/kea-commands.tsv")
LEASE_LIB = "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"


def _config(**extra: Any) -> Config:
    import json
    body = {"subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                         "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]}], **extra}
    return load_text(json.dumps({"Dhcp4": body}), 4).config


@dataclass
class FakeServer:
    """Only the server-process side; the registry, handlers and config are real."""

    network: NetworkState = field(default_factory=lambda: NetworkState(lambda: 1000.0))
    config_path: str = "/nonexistent.json"
    started_at: float = 0.0
    reloaded_at: float = 0.0
    exit_value: int | None = None
    applied: list[Config] = field(default_factory=list)

    def reload(self) -> str | None:
        return "nope"

    def apply_config(self, config: Config) -> None:
        self.applied.append(config)

    def reclaim(self, remove: bool) -> None:
        pass

    def shutdown(self, exit_value: int) -> None:
        self.exit_value = exit_value

    def sockets_status(self) -> str:
        return "ready"


@dataclass
class Ctx:
    config: Config | None
    server: FakeServer = field(default_factory=FakeServer)
    stats: StatsManager = field(default_factory=StatsManager)
    leases: None = None
    engine: None = None

    def now(self) -> float:
        return 1000.0


def run(ctx: Ctx, command: object) -> dict[str, Any]:
    return registry4().dispatch(ctx, command)


# -- dispatch ---------------------------------------------------------------------------

def test_unknown_and_library_commands_are_unsupported() -> None:
    ctx = Ctx(_config())
    assert run(ctx, {"command": "foo"}) == {"result": 2, "text": "'foo' command not supported."}
    r = Registry()
    r.register(CommandSpec("lease4-get-all", lambda c, a: answer(0, "ok"), "read",
                           "libdhcp_lease_cmds.so"))
    assert r.dispatch(ctx, {"command": "lease4-get-all"})["result"] == RESULT_UNSUPPORTED
    assert "lease4-get-all" not in r.names(set())
    loaded = Ctx(_config(**{"hooks-libraries": [{"library": LEASE_LIB}]}))
    assert r.dispatch(loaded, {"command": "lease4-get-all"}) == {"result": 0, "text": "ok"}


@pytest.mark.parametrize(("request_", "text"), [
    ([1], "Invalid command Element specified, expected map"),
    ({"bogus": 1}, "Invalid answer specified, does not contain mandatory 'command'"),
    ({"command": 1}, "'command' element in command message is not a string"),
    ({"command": "x", "extra": 1}, "Received command contains unsupported parameter 'extra'"),
])
def test_malformed_requests_get_keas_texts(request_: object, text: str) -> None:
    # Texts of Kea 2.2's parseCommand, seen on a live kea-dhcp4.
    assert run(Ctx(_config()), request_) == {
        "result": 1, "text": "Error during command processing: " + text}


def test_duplicate_registration_and_bad_access_refused() -> None:
    r = Registry()
    r.register(CommandSpec("a", lambda c, a: answer(0), "read"))
    with pytest.raises(ValueError):
        r.register(CommandSpec("a", lambda c, a: answer(0), "read"))
    with pytest.raises(ValueError):
        r.register(CommandSpec("b", lambda c, a: answer(0), "admin"))


def test_access_classes_match_keas_table() -> None:
    if not TSV.exists():
        pytest.skip(f"{TSV} not present")
    with TSV.open() as f:
        kea = {row["command"]: row["access"] for row in csv.DictReader(f, delimiter="\t")}
    specs = [*builtins.SPECS, *config_cmds.SPECS]
    assert specs
    for spec in specs:
        assert kea[spec.name] == spec.access, spec.name


def test_list_commands_is_sorted_and_complete() -> None:
    names = run(Ctx(_config()), {"command": "list-commands"})["arguments"]
    assert names == sorted(names)
    assert {"config-get", "status-get", "statistic-get-all", "list-commands"} <= set(names)
    assert not any(n.startswith("lease4-") for n in names)


# -- built-ins with arguments ------------------------------------------------------------

@pytest.mark.parametrize(("args", "result", "text"), [
    (None, 0, "DHCPv4 service disabled"),
    ({"max-period": 10}, 0, "DHCPv4 service disabled for 10 seconds"),
    ({"max-period": 0}, 1, "'max-period' must be positive integer"),
    ({"max-period": "x"}, 1, "'max-period' argument must be a number"),
    ({"origin": "foo"}, 1, "invalid value used for 'origin' parameter: foo"),
    ({"origin": 5}, 1, "'origin' argument must be a string"),
    (5, 1, "arguments for the 'dhcp-disable' command must be a map"),
])
def test_dhcp_disable_answers(args: object, result: int, text: str) -> None:
    ctx = Ctx(_config())
    command: dict[str, object] = {"command": "dhcp-disable"}
    if args is not None:
        command["arguments"] = args
    assert run(ctx, command) == {"result": result, "text": text}
    assert ctx.server.network.enabled() is (result != 0)


def test_disable_with_max_period_ends_by_itself() -> None:
    now = [100.0]
    state = NetworkState(lambda: now[0])
    state.disable("user", 5)
    state.disable("ha-partner")
    state.enable("ha-partner")
    assert not state.enabled()
    now[0] = 105.0
    assert state.enabled()
    state.disable("user")
    state.disable("ha-partner")
    state.enable("user")
    assert not state.enabled()  # every origin must enable again


def test_shutdown_and_leases_reclaim_checks() -> None:
    ctx = Ctx(_config())
    assert run(ctx, {"command": "shutdown", "arguments": {"exit-value": "x"}}) == {
        "result": 1, "text": "parameter 'exit-value' is not an integer"}
    assert ctx.server.exit_value is None
    assert run(ctx, {"command": "shutdown", "arguments": {"exit-value": 3}})["result"] == 0
    assert ctx.server.exit_value == 3
    assert run(ctx, {"command": "leases-reclaim"})["text"] == \
        "Missing mandatory 'remove' parameter."
    assert run(ctx, {"command": "leases-reclaim", "arguments": {"remove": 1}})["text"] == \
        "'remove' parameter expected to be a boolean."


def test_config_set_checks_before_applying() -> None:
    ctx = Ctx(_config())
    cases = [({"command": "config-set"}, "Missing mandatory 'arguments' parameter."),
             ({"command": "config-set", "arguments": {}}, "Missing mandatory 'Dhcp4' parameter."),
             ({"command": "config-set", "arguments": {"Dhcp4": {}, "Logging": {}}},
              "Unsupported 'Logging' parameter.")]
    for command, text in cases:
        assert run(ctx, command) == {"result": 1, "text": text}
    bad = run(ctx, {"command": "config-set", "arguments": {"Dhcp4": {"foo": 1}}})
    assert bad["result"] == 1 and "foo" in bad["text"]
    assert ctx.server.applied == []
    good = {"command": "config-set", "arguments": {"Dhcp4": {"server-tag": "x"}}}
    assert run(ctx, good) == {"result": 0, "text": "Configuration successful."}
    assert ctx.server.applied[0].globals["server-tag"] == "x"


def test_config_get_hash_and_sample_defaults() -> None:
    ctx = Ctx(_config(**{"server-tag": "t1"}))
    got = run(ctx, {"command": "config-get"})["arguments"]["Dhcp4"]
    assert got["server-tag"] == "t1" and got["statistic-default-sample-count"] == 20
    assert got["subnet4"][0]["id"] == 1
    h1 = run(ctx, {"command": "config-hash-get"})["arguments"]["hash"]
    assert len(h1) == 64 and h1 == h1.upper()
    r = run(ctx, {"command": "statistic-sample-count-set-all", "arguments": {"max-samples": 7}})
    assert r == {"result": 0, "text": "All statistics count limit are set."}
    assert run(ctx, {"command": "config-get"})["arguments"]["Dhcp4"][
        "statistic-default-sample-count"] == 7
    assert run(ctx, {"command": "config-hash-get"})["arguments"]["hash"] != h1


def test_config_reload_failure_text() -> None:
    assert run(Ctx(_config()), {"command": "config-reload"}) == {
        "result": 1, "text": "Config reload failed: configuration error using file "
                             "'/nonexistent.json': nope"}


def test_answer_shape() -> None:
    assert list(answer(0, "t", {"a": 1})) == ["arguments", "result", "text"]
    assert answer(0) == {"result": 0}
    assert RESULT_SUCCESS == 0 and RESULT_ERROR == 1


# -- framing ------------------------------------------------------------------------------

def test_feed_completes_across_pieces_and_ignores_brackets_in_strings() -> None:
    text = b'  {"command": "x", "arguments": {"s": "}]\\"{"}} trailing'
    feed = JsonFeed()
    done = [feed.feed(text[i:i + 3]) for i in range(0, len(text), 3)]
    assert done[-1] and not done[0]
    assert decode(feed.value())[0] == {"command": "x", "arguments": {"s": '}]"{'}}


def test_feed_refuses_non_container_and_oversize() -> None:
    with pytest.raises(FramingError, match='invalid first character "'):
        JsonFeed().feed(b'"str"')
    with pytest.raises(FramingError):
        JsonFeed(limit=10).feed(b"{" + b" " * 20)
    request, refused = decode(b"{not json}")
    assert request is None and refused is not None and refused["result"] == 1


# -- channel settings ----------------------------------------------------------------------

def test_channel_specs_both_generations(tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("secret\n")
    raw = {"control-socket": {"socket-type": "unix", "socket-name": "/run/x.sock"},
           "control-sockets": [{"socket-type": "http", "socket-port": 8004,
                                "authentication": {"type": "basic", "realm": "r",
                                                   "directory": str(tmp_path),
                                                   "clients": [{"user": "a", "password": "b"},
                                                               {"user": "c",
                                                                "password-file": "pw"}]},
                                "http-headers": [{"name": "X-A", "value": "1"}]}]}
    unix, http = channel_specs(raw)
    assert unix == UnixSpec("/run/x.sock")
    assert isinstance(http, HttpSpec)
    assert (http.address, http.port, http.tls, http.realm) == ("127.0.0.1", 8004, None, "r")
    assert http.credentials == frozenset({("a", "b"), ("c", "secret")})
    assert http.headers == (("X-A", "1"),)
    with pytest.raises(ConfigError):
        channel_specs({"control-sockets": [{"socket-type": "https"}]})
    with pytest.raises(ConfigError):
        channel_specs({"control-socket": {"socket-type": "udp", "socket-name": "x"}})


def test_answers_are_laid_out_as_kea_prints_them() -> None:
    from nestor.control.framing import encode
    assert encode({"result": 0, "text": "ok"}) == b'{ "result": 0, "text": "ok" }'
    assert encode({"text": "x", "arguments": {"b": [], "a": {}}, "result": 1}) == \
        b'{ "arguments": { "a": {  }, "b": [  ] }, "result": 1, "text": "x" }'
    assert encode([{"result": 2, "text": 'q"\n'}]) == b'[ { "result": 2, "text": "q\\"\\n" } ]'
    assert encode({"f": 0.875, "n": None, "t": True}) == b'{ "f": 0.875, "n": null, "t": true }'

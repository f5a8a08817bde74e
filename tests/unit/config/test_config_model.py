"""Kea's defaults and scope inheritance in the typed model (values confirmed with
``config-get`` on Kea 2.2), the option precedence helper, every example Kea ships,
and a 10,000-subnet configuration."""

from __future__ import annotations

import glob
import json
import os

import pytest

from nestor.config import load_file, load_text
from nestor.config.model import Triplet
from nestor.config.optscope import effective_options, option_scopes

EXAMPLES = "/usr/share/doc/kea/examples"


def test_dhcp4_defaults() -> None:
    config = load_text('{"Dhcp4": {"subnet4": [{"id": 1, "subnet": "192.0.2.0/24"}]}}', 4).config
    p = config.params
    assert config.valid == Triplet(7200, 7200, 7200)
    assert (p.match_client_id, p.authoritative, p.calculate_tee_times) == (True, False, False)
    assert (p.t1_percent, p.t2_percent, p.next_server) == (0.5, 0.875, "0.0.0.0")
    assert (p.renew_timer, p.rebind_timer) == (None, None)
    assert (p.ddns_send_updates, p.ddns_replace_client_name, p.ddns_generated_prefix) == \
        (True, "never", "myhost")
    assert (p.reservations_global, p.reservations_in_subnet, p.reservations_out_of_pool) == \
        (False, True, False)
    g = config.globals
    assert (g["decline-probation-period"], g["echo-client-id"], g["parked-packet-limit"]) == \
        (86400, True, 256)
    assert g["host-reservation-identifiers"] == ["hw-address", "duid", "circuit-id", "client-id"]
    assert g["multi-threading"] == {"enable-multi-threading": False, "thread-pool-size": 0,
                                    "packet-queue-size": 64}
    assert g["dhcp-queue-control"] == {"enable-queue": False, "queue-type": "kea-ring4",
                                       "capacity": 64}
    assert g["expired-leases-processing"] == {
        "reclaim-timer-wait-time": 10, "flush-reclaimed-timer-wait-time": 25,
        "hold-reclaimed-time": 3600, "max-reclaim-leases": 100, "max-reclaim-time": 250,
        "unwarned-reclaim-cycles": 5}
    assert g["sanity-checks"] == {"lease-checks": "warn"}
    assert (config.lease_database.type, config.lease_database.name) == \
        ("memfile", "/var/lib/kea/kea-leases4.csv")
    subnet = config.subnets[0]
    assert subnet.valid == Triplet(7200, 7200, 7200)
    assert subnet.params.match_client_id is True


def test_dhcp6_defaults() -> None:
    config = load_text('{"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8::/64"}]}}', 6).config
    p = config.params
    assert (config.valid, config.preferred) == (Triplet(7200, 7200, 7200),
                                                Triplet(3600, 3600, 3600))
    assert (p.calculate_tee_times, p.t1_percent, p.t2_percent, p.rapid_commit) == \
        (True, 0.5, 0.8, False)
    assert config.globals["mac-sources"] == ["any"]
    assert config.globals["relay-supplied-options"] == ["65"]
    assert config.subnets[0].preferred == Triplet(3600, 3600, 3600)


INHERIT = """{ "Dhcp4": {
  "valid-lifetime": 1000, "renew-timer": 100, "authoritative": true,
  "boot-file-name": "global.efi", "min-valid-lifetime": 500,
  "shared-networks": [ {
    "name": "office", "valid-lifetime": 2000, "renew-timer": 200,
    "relay": { "ip-addresses": [ "10.0.0.1" ] },
    "subnet4": [
      { "id": 1, "subnet": "192.0.2.0/24" },
      { "id": 2, "subnet": "192.0.3.0/24", "valid-lifetime": 3000, "authoritative": false,
        "max-valid-lifetime": 4000 }
    ] } ],
  "subnet4": [ { "id": 3, "subnet": "192.0.4.0/24", "reservation-mode": "global" } ]
} }"""


def test_subnet_inherits_from_shared_network_then_global_and_its_own_value_wins() -> None:
    config = load_text(INHERIT, 4).config
    net = config.shared_networks[0]
    s1, s2, s3 = (config.subnet_by_id(i) for i in (1, 2, 3))
    assert s1 is not None and s2 is not None and s3 is not None
    # Shared network level: own values over globals.
    assert (net.params.valid_lifetime, net.params.renew_timer, net.params.authoritative) == \
        (2000, 200, True)
    # Subnet 1 sets nothing: the shared network's values, then the globals, then defaults.
    assert (s1.params.valid_lifetime, s1.params.renew_timer) == (2000, 200)
    assert (s1.params.authoritative, s1.params.boot_file_name) == (True, "global.efi")
    assert s1.params.relay_addresses == ("10.0.0.1",)
    assert s1.params.match_client_id is True
    assert s1.valid == Triplet(2000, 500, 2000)
    assert (s1.shared_network, s1.own.valid_lifetime) == ("office", None)
    # Subnet 2's own values win.
    assert (s2.params.valid_lifetime, s2.params.authoritative) == (3000, False)
    assert s2.valid == Triplet(3000, 500, 4000)
    # A top-level subnet inherits straight from the globals; reservation-mode maps to the
    # three flags that replaced it.
    assert (s3.params.valid_lifetime, s3.params.renew_timer) == (1000, 100)
    assert (s3.params.reservations_global, s3.params.reservations_in_subnet) == (True, False)
    assert [s.id for s in net.subnets] == [1, 2]


def test_option_precedence_host_pool_subnet_network_class_global() -> None:
    config = load_text("""{ "Dhcp4": {
      "option-data": [ { "name": "domain-name", "data": "global.example" },
                       { "name": "time-offset", "data": "1" } ],
      "client-classes": [ { "name": "c", "option-data": [
          { "name": "domain-name", "data": "class.example" },
          { "name": "boot-size", "data": "9" } ] } ],
      "shared-networks": [ { "name": "n", "option-data": [
          { "name": "domain-name", "data": "net.example" },
          { "name": "time-offset", "data": "2" } ],
        "subnet4": [ { "id": 1, "subnet": "192.0.2.0/24",
          "option-data": [ { "name": "domain-name", "data": "subnet.example" } ],
          "pools": [ { "pool": "192.0.2.10-192.0.2.20",
                       "option-data": [ { "name": "domain-name", "data": "pool.example" } ] } ],
          "reservations": [ { "hw-address": "aa:bb:cc:dd:ee:ff", "option-data": [
              { "name": "domain-name", "data": "host.example" } ] } ] } ] } ] } }""", 4).config
    subnet = config.subnets[0]
    host, pool = subnet.reservations[0], subnet.pools[0]

    def chosen(**kw: object) -> dict[int, bytes]:
        opts = effective_options(option_scopes(config, subnet, classes=["c"], **kw))  # type: ignore[arg-type]
        return {o.code: o.payload for o in opts}

    assert chosen(pool=pool, host=host)[15] == b"host.example"
    assert chosen(pool=pool)[15] == b"pool.example"
    picked = chosen()
    assert picked[15] == b"subnet.example"
    assert picked[2] == (2).to_bytes(4, "big")  # the shared network beats the global
    assert picked[13] == (9).to_bytes(2, "big")  # only the class sets boot-size


@pytest.mark.parametrize("path", sorted(glob.glob(f"{EXAMPLES}/kea4/*.json")),
                         ids=os.path.basename)
def test_every_kea4_example_loads(path: str) -> None:
    config = load_file(path, 4).config
    assert config.universe == 4


@pytest.mark.parametrize("path", sorted(glob.glob(f"{EXAMPLES}/kea6/*.json")),
                         ids=os.path.basename)
def test_every_kea6_example_loads(path: str) -> None:
    config = load_file(path, 6).config
    assert config.universe == 6


def test_examples_are_installed() -> None:
    if not os.path.isdir(EXAMPLES):
        pytest.skip("kea-doc is not installed (apt-get install kea-doc)")
    assert len(glob.glob(f"{EXAMPLES}/kea4/*.json")) >= 20


def test_ten_thousand_subnets_load(tmp_path: os.PathLike[str]) -> None:
    subnets = []
    for i in range(10000):
        a, b = divmod(i, 256)
        subnets.append({
            "id": i + 1, "subnet": f"10.{a}.{b}.0/24",
            "pools": [{"pool": f"10.{a}.{b}.10 - 10.{a}.{b}.200"}],
            "option-data": [{"name": "routers", "data": f"10.{a}.{b}.1"}],
            "reservations": [{"hw-address": f"02:00:00:{a:02x}:{b:02x}:01",
                              "ip-address": f"10.{a}.{b}.5"}]})
    path = os.path.join(tmp_path, "big.json")
    with open(path, "w") as f:
        json.dump({"Dhcp4": {"valid-lifetime": 4000, "subnet4": subnets}}, f, indent=1)
    config = load_file(path, 4).config
    assert len(config.subnets) == 10000
    last = config.subnets[-1]
    assert (last.id, str(last.prefix), last.pools[0].size) == (10000, "10.39.15.0/24", 191)
    assert str(last.reservations[0].ipv4_address) == "10.39.15.5"

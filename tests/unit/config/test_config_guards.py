"""Class guards of subnets and shared networks (``client-class``, Kea 3.x ``client-classes``).

A guard limits a subnet to clients in one of its classes. It is inherited the way Kea
inherits it: a subnet's own guard, else its shared network's; the global level has none
(the global ``client-classes`` list *defines* classes). Checked against Kea 2.2 with the
differential harness: a subnet with ``"client-class": ""`` inside a shared network
guarded by ``phones`` served a phone and ignored another client, so an empty name counts
as "not given".
"""

from __future__ import annotations

import json
from typing import Any

from nestor.config import load_text
from nestor.config.model import Config

CLASSES = [{"name": "phones", "test": "option[60].text == 'phone'"},
           {"name": "printers", "test": "option[60].text == 'printer'"}]


def load(**dhcp4: Any) -> Config:
    return load_text(json.dumps({"Dhcp4": dhcp4}), 4, name="kea.conf").config


def guards(config: Config) -> dict[int, tuple[str, ...] | None]:
    return {s.id: s.params.client_classes for s in config.subnets}


def test_global_class_definitions_are_no_guard() -> None:
    # The global list holds definitions; before the fix each subnet's resolved guard was
    # the text of those definitions, so every subnet looked guarded by nonsense classes.
    config = load(**{"client-classes": CLASSES,
                     "subnet4": [{"id": 1, "subnet": "10.1.0.0/24"},
                                 {"id": 2, "subnet": "10.2.0.0/24",
                                  "client-class": "phones"}]})
    assert guards(config) == {1: (), 2: ("phones",)}
    assert config.params.client_classes == ()
    assert [c.name for c in config.client_classes] == ["phones", "printers"]


def test_shared_network_guard_is_inherited_and_overridden() -> None:
    config = load(**{"client-classes": CLASSES, "shared-networks": [{
        "name": "net", "client-class": "phones", "subnet4": [
            {"id": 1, "subnet": "10.1.0.0/24"},
            {"id": 2, "subnet": "10.2.0.0/24", "client-class": "printers"},
            {"id": 3, "subnet": "10.3.0.0/24", "client-class": ""}]}]})
    # An empty name is no guard of the subnet's own: the network's applies (Kea 2.2).
    assert guards(config) == {1: ("phones",), 2: ("printers",), 3: ("phones",)}


def test_list_form_guard() -> None:
    # Kea 3.x spelling: a list of class names, any of which admits the client.
    config = load(**{"client-classes": CLASSES, "subnet4": [
        {"id": 1, "subnet": "10.1.0.0/24", "client-classes": ["phones", "printers"]},
        {"id": 2, "subnet": "10.2.0.0/24", "client-classes": []}]})
    assert guards(config) == {1: ("phones", "printers"), 2: ()}


def test_unguarded_subnet_serves_a_client_in_no_class() -> None:
    """End to end: with only global class definitions, a client that matches none of
    them still gets an address (the engine reads the resolved guard)."""
    from tests.unit.engine.helpers import mac, make_lab, query

    text = json.dumps({"Dhcp4": {
        "interfaces-config": {"interfaces": ["eth0"]},
        "lease-database": {"type": "memfile", "persist": False},
        "client-classes": CLASSES,
        "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "interface": "eth0",
                     "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}]}]}})
    lab = make_lab(text)
    assert lab.engine.state.selector.guard(lab.engine.config.subnets[0]) == ()
    offer = lab.send(query(1, mac(7)))
    assert offer is not None and offer.packet.yiaddr != 0

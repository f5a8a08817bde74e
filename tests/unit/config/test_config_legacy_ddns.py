"""Legacy ``dhcp-ddns`` behaviour settings become the global DDNS parameters.

Kea 2.2 moves ``qualifying-suffix`` and friends out of ``dhcp-ddns`` into the
matching globals when those are not written (a written global wins); the engine
then sees them in every subnet. Learnt with ``config-get`` on a running Kea 2.2
(Kea also requires ``enable-updates`` in a ``dhcp-ddns`` map holding only these).
"""

from __future__ import annotations

import pytest

from nestor.config import load_text
from nestor.config.model import Config, NetworkParams
from nestor.errors import ConfigError

_LEGACY = """{
"Dhcp4": {
  "ddns-generated-prefix": "glob",
  "dhcp-ddns": {
    "enable-updates": false,
    "qualifying-suffix": "legacy.example.",
    "generated-prefix": "old",
    "override-no-update": true,
    "override-client-update": true,
    "replace-client-name": "always",
    "hostname-char-set": "[^a-z]",
    "hostname-char-replacement": "x"
  },
  "subnet4": [ { "id": 1, "subnet": "192.0.2.0/24" } ]
}
}
"""


def _subnet_params(config: Config) -> NetworkParams:
    subnet = config.subnet_by_id(1)
    assert subnet is not None
    return subnet.params


@pytest.mark.parametrize("where", ["global", "subnet"])
def test_legacy_settings_reach_the_engine(where: str) -> None:
    config = load_text(_LEGACY, 4).config
    p = config.params if where == "global" else _subnet_params(config)
    assert p.ddns_qualifying_suffix == "legacy.example."
    assert p.ddns_override_no_update is True
    assert p.ddns_override_client_update is True
    assert p.ddns_replace_client_name == "always"
    assert p.hostname_char_set == "[^a-z]"
    assert p.hostname_char_replacement == "x"


def test_written_global_wins_over_legacy() -> None:
    p = _subnet_params(load_text(_LEGACY, 4).config)
    assert p.ddns_generated_prefix == "glob"


def test_moved_out_of_dhcp_ddns_as_config_get_shows() -> None:
    config = load_text(_LEGACY, 4).config
    d2 = config.globals["dhcp-ddns"]
    assert isinstance(d2, dict)
    assert "qualifying-suffix" not in d2 and "generated-prefix" not in d2
    assert config.globals["ddns-qualifying-suffix"] == "legacy.example."
    assert config.globals["ddns-generated-prefix"] == "glob"


def test_dhcpv6_moves_too() -> None:
    text = _LEGACY.replace("Dhcp4", "Dhcp6").replace(
        '"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24" } ]',
        '"subnet6": [ { "id": 1, "subnet": "2001:db8::/64" } ]')
    p = _subnet_params(load_text(text, 6).config)
    assert p.ddns_qualifying_suffix == "legacy.example."


def test_bad_legacy_char_set_points_at_its_line() -> None:
    text = _LEGACY.replace('"[^a-z]"', '"[a-"')
    with pytest.raises(ConfigError) as info:
        load_text(text, 4, name="kea.conf")
    assert info.value.line == 11, str(info.value)

"""Files the benchmark feeds both servers: configuration, big lease file, 10k subnets."""

from __future__ import annotations

import ipaddress
import json
import time
from dataclasses import dataclass
from pathlib import Path

from .netns import RELAY_ADDR, SERVER_ADDR

TEMPLATE = Path(__file__).resolve().parent.parent / "config" / "dhcp4.json.in"
LEASE_HEADER = ("address,hwaddr,client_id,valid_lifetime,expire,subnet_id,"
                "fqdn_fwd,fqdn_rev,hostname,state,user_context")


@dataclass(frozen=True)
class Shape:
    """The one subnet of a configuration."""

    subnet: str
    pool: str
    router: str

    @property
    def pool_size(self) -> int:
        first, last = (int(ipaddress.IPv4Address(p.strip())) for p in self.pool.split("-"))
        return last - first + 1


LOAD = Shape("198.18.0.0/16", "198.18.0.10 - 198.18.255.250", "198.18.0.1")
# 1,048,576 addresses: room for the million leases of the memory runs
MILLION = Shape("100.64.0.0/12", "100.64.0.10 - 100.79.255.250", "100.64.0.1")


def render(workdir: Path, iface: str, shape: Shape, name: str = "dhcp4") -> Path:
    """Fill the template in; returns the configuration file (leases at ``<name>.csv``)."""
    values = {
        "IFACE": iface, "SERVER_ADDR": SERVER_ADDR, "RELAY": RELAY_ADDR,
        "LEASE_FILE": str(workdir / f"{name}-leases.csv"),
        "LOG_FILE": str(workdir / f"{name}.log"), "CTRL_SOCK": str(workdir / f"{name}.sock"),
        "SUBNET": shape.subnet, "POOL": shape.pool, "ROUTER": shape.router,
    }
    text = TEMPLATE.read_text()
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    path = workdir / f"{name}.json"
    path.write_text(text)
    return path


def lease_file_of(config: Path) -> Path:
    return config.with_name(config.stem + "-leases.csv")


def write_million(path: Path, count: int, shape: Shape = MILLION) -> None:
    """``count`` live leases in Kea 2.2's v4 CSV format, one per address of the pool."""
    first = int(ipaddress.IPv4Address(shape.pool.split("-")[0].strip()))
    expire = int(time.time()) + 86400  # far from expiry: nothing is reclaimed meanwhile
    with path.open("w") as out:
        out.write(LEASE_HEADER + "\n")
        chunk: list[str] = []
        for i in range(count):
            mac = f"02:00:{i >> 24 & 255:02x}:{i >> 16 & 255:02x}:{i >> 8 & 255:02x}:{i & 255:02x}"
            chunk.append(f"{ipaddress.IPv4Address(first + i)},{mac},01:{mac},86400,{expire},"
                         f"1,0,0,,0,\n")
            if len(chunk) == 10000:
                out.writelines(chunk)
                chunk.clear()
        out.writelines(chunk)


def many_subnets(base: Path, count: int) -> Path:
    """The rendered ``base`` configuration with ``count`` /24 subnets in 100.64.0.0/10."""
    text = base.read_text()
    doc = json.loads(text[text.index("{"):])
    template = doc["Dhcp4"]["subnet4"][0]
    subnets = []
    net = int(ipaddress.IPv4Address("100.64.0.0"))
    for i in range(count):
        prefix = ipaddress.IPv4Address(net + (i << 8))
        subnet = dict(template, id=i + 1, subnet=f"{prefix}/24",
                      pools=[{"pool": f"{prefix + 10} - {prefix + 250}"}],
                      relay={"ip-addresses": [str(prefix + 1)]})
        subnet["option-data"] = [{"name": "routers", "data": str(prefix + 1)}]
        subnets.append(subnet)
    doc["Dhcp4"]["subnet4"] = subnets
    path = base.with_name(f"subnets{count}.json")
    path.write_text(json.dumps(doc, indent=1))
    return path

"""From a schema-checked Dhcp4/Dhcp6 map to the typed :class:`Config`.

Order follows Kea's configuration parser: option definitions first (other
scopes' option data may use them), then global option data, client classes
(a class may only refer to classes defined before it), global parameters
with Kea's defaults, shared networks and their subnets, top-level subnets,
global reservations, and the remaining global maps.
"""

from __future__ import annotations

import copy
import ipaddress

from nestor.config import defaults
from nestor.config.exprcheck import DefinedClasses, check_builtin_names
from nestor.config.globalchecks import SystemChecks, check_globals
from nestor.config.hosts import HostChecker, build_reservation
from nestor.config.legacyddns import move_legacy_ddns
from nestor.config.model import (
    ClientClass,
    Config,
    Database,
    HookLibrary,
    Logger,
    LoggerOutput,
    NetworkParams,
    Reservation,
)
from nestor.config.networks import NetworkBuilder
from nestor.config.options import build_definitions, build_options, standard
from nestor.config.params import Scope, read_params, triplet, with_defaults
from nestor.config.source import PList, PMap, error_at
from nestor.wire.optdefs import DefinitionSet


def _maps(value: object) -> list[PMap]:
    return [v for v in value if isinstance(v, PMap)] if isinstance(value, PList) else []


def build_classes(value: object, universe: int, defs: DefinitionSet) -> list[ClientClass]:
    """Classes in Kea's order of checks: name, expression (compiled against the classes
    before it), the class's own settings, built-in name rules, then uniqueness."""
    out: list[ClientClass] = []
    defined = DefinedClasses(universe, defs)
    for m in _maps(value):
        name = str(m.get("name", ""))
        if not name:
            raise error_at("not empty parameter 'name' is required", m.value_mark("name"))
        test = defined.compile(m, name)
        cls = _client_class(m, name, universe, defs)
        check_builtin_names(m, name)
        if name in defined:
            raise error_at(f"Can't add class: Client Class: {name} has already been defined",
                           m.value_mark("name"))
        cls.compiled, cls.depend_on_known = test.compiled, test.depend_on_known
        defined.add(name, test)
        out.append(cls)
    return out


# Option codes a DHCPv4 class may define: 43 (vendor-encapsulated-options) and the
# site-specific range 224-254 (RFC 3942 section 4). These are the options Kea leaves
# unparsed until classification has run (LibDHCP::shouldDeferOptionUnpack), so a class
# can give them its own layout; any other code or space is refused (Kea 2.2 and 3.x).
_CLASS_DEF_SPACE = "dhcp4"
_CLASS_DEF_CODES = frozenset({43, *range(224, 255)})


def _class_definitions(m: PMap, universe: int, defs: DefinitionSet) -> DefinitionSet:
    """A DHCPv4 class's own option definitions, so each class of vendor devices can get
    its own layout for the options listed in ``_CLASS_DEF_CODES`` (Kea ARM, client
    classification)."""
    entries = m.get("option-def")
    if not isinstance(entries, PList):
        return defs
    out = defs
    # Entry by entry as Kea does: a malformed definition is refused for what is wrong
    # with it (code 255 "reserved for END") before the code is checked against the list.
    for i, entry in enumerate(entries):
        one = PList(entries.mark)
        one.append(entry)
        one.item_marks.append(entries.item_marks[i])
        out = build_definitions(one, universe, out)
        assert isinstance(entry, PMap)
        space, code = entry.get("space", "dhcp4"), entry.get("code")
        if space != _CLASS_DEF_SPACE or code not in _CLASS_DEF_CODES:
            raise error_at(f"Not allowed option definition for code '{code}' in space "
                           f"'{space}'", entries.item_mark(i))
    return out


def _client_class(m: PMap, name: str, universe: int, defs: DefinitionSet) -> ClientClass:
    class_defs = _class_definitions(m, universe, defs)
    ns = str(m.get("next-server", ""))
    if ns:
        try:
            ipaddress.IPv4Address(ns)
        except ValueError:
            raise error_at(f"Invalid next-server value specified: '{ns}'",
                           m.value_mark("next-server")) from None
    params = _class_params(m)
    scope = Scope(params, m)
    ctx = m.get("user-context")
    return ClientClass(
        name, test=str(m.get("test", "")), template_test=str(m.get("template-test", "")),
        only_if_required=bool(m.get("only-in-additional-list", m.get("only-if-required", False))),
        options=build_options(m.get("option-data"), universe, class_defs),
        valid=triplet(scope, params, "valid"),
        preferred=triplet(scope, params, "preferred") if universe == 6 else None,
        offer_lifetime=params.offer_lifetime, next_server=ns,
        server_hostname=str(m.get("server-hostname", "")),
        boot_file_name=str(m.get("boot-file-name", "")),
        user_context=dict(ctx) if isinstance(ctx, dict) else None)


_CLASS_PARAMS = ("valid-lifetime", "min-valid-lifetime", "max-valid-lifetime",
                 "preferred-lifetime", "min-preferred-lifetime", "max-preferred-lifetime",
                 "offer-lifetime")


def _class_params(m: PMap) -> NetworkParams:
    """A class's lifetimes (its other keys are not network parameters)."""
    sub = PMap(m.mark)
    sub.update((key, m[key]) for key in _CLASS_PARAMS if key in m)
    return read_params(sub)


def _database(m: object, universe: int) -> Database:
    if not isinstance(m, PMap):
        return Database("memfile", name=defaults.DEFAULT_LEASE_FILE[universe])
    name = m.str_of("name")
    if not name and m.get("type") == "memfile":
        name = defaults.DEFAULT_LEASE_FILE[universe]
    return Database(m.str_of("type", "memfile"), name=name, host=m.str_of("host"),
                    port=m.int_of("port"), user=m.str_of("user"),
                    password=m.str_of("password"), persist=m.bool_of("persist", True),
                    lfc_interval=m.int_of("lfc-interval", 3600),
                    readonly=m.bool_of("readonly"), parameters=dict(m))


def _hook(m: PMap) -> HookLibrary:
    params = m.get("parameters")
    return HookLibrary(m.str_of("library"), dict(params) if isinstance(params, dict) else {})


def _hosts_databases(root: PMap, universe: int) -> list[Database]:
    if isinstance(root.get("hosts-database"), PMap):
        return [_database(root["hosts-database"], universe)]
    return [_database(m, universe) for m in _maps(root.get("hosts-databases"))]


def _loggers(value: object) -> list[Logger]:
    out: list[Logger] = []
    for m in _maps(value):
        outputs = m.get("output-options", m.get("output_options"))
        out.append(Logger(
            m.str_of("name"), m.str_of("severity", "INFO"), m.int_of("debuglevel"),
            [LoggerOutput(o.str_of("output", "stdout"), o.bool_of("flush", True),
                          o.int_of("maxsize", 10240000), o.int_of("maxver", 1),
                          o.str_of("pattern")) for o in _maps(outputs)]))
    return out


def _globals(root: PMap, universe: int) -> dict[str, object]:
    """Every global value, Kea's defaults filled in (what config-get would show)."""
    base = defaults.GLOBALS4 if universe == 4 else defaults.GLOBALS6
    maps = defaults.MAPS4 if universe == 4 else defaults.MAPS6
    out: dict[str, object] = copy.deepcopy(base)
    out.update(root)
    for key, default in maps.items():
        given = root.get(key)
        out[key] = {**default, **(given if isinstance(given, dict) else {})}
    return out


def build(root: PMap, universe: int, system: SystemChecks | None = None) -> Config:
    """The typed configuration of a schema-checked ``Dhcp4``/``Dhcp6`` map."""
    system = system or SystemChecks()
    root = move_legacy_ddns(root)
    defs = build_definitions(root.get("option-def"), universe, standard(universe))
    options = build_options(root.get("option-data"), universe, defs)
    classes = build_classes(root.get("client-classes"), universe, defs)
    own = read_params(root)
    scope = Scope(with_defaults(own, universe), root)
    valid = triplet(scope, scope.params, "valid")
    assert valid is not None
    preferred = triplet(scope, scope.params, "preferred") if universe == 6 else None
    hosts = HostChecker(ip_unique=bool(root.get("ip-reservations-unique", True)))
    nets = NetworkBuilder(universe, defs, hosts, system.interface_exists)
    shared = nets.shared_networks(root.get("shared-networks"), scope)
    nets.top_subnets(root.get(f"subnet{universe}"), scope)
    reservations: list[Reservation] = []
    for m in _maps(root.get("reservations")):
        r = build_reservation(m, universe, 0, None, nets.options)
        hosts.add(r, m)
        reservations.append(r)
    check_globals(root, universe, defs, system)
    iface_cfg = root.get("interfaces-config")
    names = iface_cfg.get("interfaces") if isinstance(iface_cfg, PMap) else None
    interfaces = [str(i) for i in names] if isinstance(names, PList) else []
    return Config(
        universe=universe, params=scope.params, valid=valid, preferred=preferred,
        subnets=nets.subnets, shared_networks=shared, client_classes=classes,
        options=options, definitions=defs, reservations=reservations,
        hooks=[_hook(m) for m in _maps(root.get("hooks-libraries"))],
        loggers=_loggers(root.get("loggers")),
        lease_database=_database(root.get("lease-database"), universe),
        hosts_databases=_hosts_databases(root, universe),
        interfaces=interfaces, globals=_globals(root, universe), raw=root)

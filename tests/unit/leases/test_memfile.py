"""Memfile persistence: what reaches the lease file, and what a restart loads from it."""

from __future__ import annotations

import os
from ipaddress import IPv4Address, IPv6Address
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nestor.leases import Lease4, Lease6, LeaseFileError, LeaseState, LeaseType
from nestor.leases.leasefile import AUTO_FLUSH_ROWS
from nestor.leases.memfile import MemfileConfig, MemfileStore4, MemfileStore6
from nestor.leases.rows import COLUMNS4, COLUMNS6

NOW = 1_700_000_000
HEADER4 = ",".join(c.name for c in COLUMNS4)
HEADER4_22 = ",".join(c.name for c in COLUMNS4[:-1])
HEADER6 = ",".join(c.name for c in COLUMNS6)


def ip(text: str) -> int:
    return int(IPv4Address(text))


def v4(addr: str, n: int = 1, **kw: object) -> Lease4:
    base = dict(hwaddr=bytes([0x0A, 0, 0, 0, 0, n]), client_id=None, valid_lft=3600,
                cltt=NOW, subnet_id=1)
    base.update(kw)
    return Lease4(ip(addr), **base)  # type: ignore[arg-type]


def config(path: Path, **kw: object) -> MemfileConfig:
    return MemfileConfig(name=str(path), lfc_interval=0, **kw)  # type: ignore[arg-type]


def reopen4(path: Path, **kw: object) -> MemfileStore4:
    return MemfileStore4(config(path, **kw))


def rows(path: Path) -> list[str]:
    return path.read_text(errors="surrogateescape").splitlines()


def test_new_file_gets_the_current_header_and_one_row_per_change(tmp_path: Path) -> None:
    path = tmp_path / "l4.csv"
    store = reopen4(path)
    assert rows(path) == [HEADER4]
    store.add(v4("192.0.2.1"))
    store.update(v4("192.0.2.1", cltt=NOW + 10))
    store.delete(v4("192.0.2.1"))
    store.commit()
    assert rows(path)[1:] == [
        f"192.0.2.1,0a:00:00:00:00:01,,3600,{NOW + 3600},1,0,0,,0,,0",
        f"192.0.2.1,0a:00:00:00:00:01,,3600,{NOW + 3610},1,0,0,,0,,0",
        f"192.0.2.1,0a:00:00:00:00:01,,0,{NOW + 10},1,0,0,,0,,0",
    ]
    store.close()


def test_rows_reach_the_file_at_commit_not_before(tmp_path: Path) -> None:
    path = tmp_path / "l4.csv"
    store = reopen4(path)
    store.add(v4("192.0.2.1"))
    assert len(rows(path)) == 1
    store.commit()
    assert len(rows(path)) == 2
    store.close()


def test_a_long_batch_is_flushed_before_commit(tmp_path: Path) -> None:
    path = tmp_path / "l4.csv"
    store = reopen4(path)
    for n in range(AUTO_FLUSH_ROWS):
        store.add(v4(str(IPv4Address(ip("10.0.0.0") + n)), n % 250))
    assert len(rows(path)) == 1 + AUTO_FLUSH_ROWS
    store.close()


def test_write_then_reload_gives_the_same_leases(tmp_path: Path) -> None:
    path = tmp_path / "l4.csv"
    store = reopen4(path, fsync=True)
    originals = [
        v4("192.0.2.1", client_id=b"\x01\x0a\x00\x00\x00\x00\x01", hostname="a.example.org",
           fqdn_fwd=True, fqdn_rev=True, user_context={"x": {"y": [1, "two"]}}),
        v4("192.0.2.2", 2, state=LeaseState.DECLINED, hwaddr=b""),
        v4("192.0.2.3", 3, valid_lft=0xFFFFFFFF, pool_id=4),
        v4("192.0.2.4", 4, state=LeaseState.EXPIRED_RECLAIMED, cltt=NOW - 10**6),
    ]
    for lease in originals:
        store.add(lease.copy())
    released = v4("192.0.2.5", 5)
    store.add(released.copy())
    store.delete(released)
    store.update(originals[0].copy(cltt=NOW + 99))
    store.close()
    again = reopen4(path)
    assert again.all() == [originals[0].copy(cltt=NOW + 99), *originals[1:]]
    assert again.counts() == {(1, 0): 2, (1, 1): 1, (1, 2): 1}
    again.close()


def test_v6_write_then_reload(tmp_path: Path) -> None:
    path = tmp_path / "l6.csv"
    store = MemfileStore6(config(path))
    duid = bytes.fromhex("000100011a2b3c4d0a0b0c0d0e0f")
    na = Lease6(int(IPv6Address("2001:db8:1::10")), duid, 7, LeaseType.NA, 128, 1800, 3600,
                NOW, 1, hostname="h,&", hwaddr=b"\x0a\x0b\x0c", hwtype=1, hwaddr_source=4)
    pd = Lease6(int(IPv6Address("2001:db8:8::")), duid, 8, LeaseType.PD, 56, 1800, 3600, NOW, 1)
    gone = Lease6(int(IPv6Address("2001:db8:1::11")), duid, 7, valid_lft=60, cltt=NOW)
    for lease in (na, pd, gone):
        store.add(lease.copy())
    store.delete(gone)
    store.close()
    assert rows(path)[0] == HEADER6
    again = MemfileStore6(config(path))
    assert again.all() == [na, pd]
    again.close()


hostnames = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
contexts = st.none() | st.dictionaries(st.text(max_size=6), st.text(max_size=12) | st.integers(),
                                       max_size=3)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(hostnames, min_size=1, max_size=6), context=contexts)
def test_awkward_hostnames_and_contexts_survive_the_file(tmp_path: Path, names: list[str],
                                                         context: dict | None) -> None:  # type: ignore[type-arg]
    path = tmp_path / f"awkward-{os.getpid()}-{len(list(tmp_path.iterdir()))}.csv"
    store = reopen4(path)
    made = [v4(f"192.0.2.{n + 1}", n, hostname=name, user_context=context)
            for n, name in enumerate(names)]
    for lease in made:
        store.add(lease.copy())
    store.close()
    assert len(rows(path)) == 1 + len(made)  # one line per row: nothing broke a line
    again = reopen4(path)
    assert again.all() == made
    again.close()


def test_commas_quotes_and_newlines_in_context_and_hostname(tmp_path: Path) -> None:
    path = tmp_path / "l4.csv"
    store = reopen4(path)
    context = {"note": 'say "hi",\nthen, leave', "list": [1, 2, 3], "&#x2c": "literal tag"}
    lease = v4("192.0.2.1", hostname='we,ird\n"name"&#x41', user_context=context)
    store.add(lease.copy())
    store.close()
    assert len(rows(path)) == 2
    assert reopen4(path).get(lease.addr) == lease


def test_max_row_errors_tolerates_n_bad_rows_and_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "l4.csv"
    path.write_text(f"{HEADER4}\n"
                    f"192.0.2.1,0a:00:00:00:00:01,,3600,{NOW},1,0,0,,0,,0\n"
                    "garbage\n"
                    f"192.0.2.2,0a:00:00:00:00:02,,3600,{NOW},1,maybe,0,,0,,0\n"
                    f"192.0.2.3,0a:00:00:00:00:03,,3600,{NOW},1,0,0,,0,,0\n")
    assert len(reopen4(path, max_row_errors=0)) == 2  # 0: no limit
    assert len(reopen4(path, max_row_errors=2)) == 2
    with pytest.raises(LeaseFileError) as caught:
        reopen4(path, max_row_errors=1)
    err = caught.value
    assert (err.file, err.line) == (str(path), 4)
    assert f"{path}:4" in str(err) and "maximum number of failures 1" in str(err)
    assert "fqdn_fwd 'maybe'" in str(err)


def test_an_invalid_header_refuses_the_file(tmp_path: Path) -> None:
    path = tmp_path / "l4.csv"
    path.write_text("address,hwaddr,client,valid_lifetime\n")
    with pytest.raises(LeaseFileError, match=r"invalid header .* 'client'") as caught:
        reopen4(path)
    assert caught.value.line == 1


def test_blank_lines_and_an_empty_file_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "l4.csv"
    path.write_text("")
    reopen4(path).close()
    assert rows(path) == [HEADER4]
    path.write_text(f"\n{HEADER4}\n\n192.0.2.1,0a:00:00:00:00:01,,3600,{NOW},1,0,0,,0,,0\n\n")
    assert len(reopen4(path)) == 1


def test_kea_22_file_loads_and_keeps_receiving_rows_kea_22_can_read(tmp_path: Path) -> None:
    path = tmp_path / "l4.csv"
    path.write_text(f"{HEADER4_22}\n192.0.2.1,0a:00:00:00:00:01,,3600,{NOW},1,0,0,,0,\n")
    store = reopen4(path, lfc_command=("true",))
    assert store.get(ip("192.0.2.1")).pool_id == 0  # type: ignore[union-attr]
    store.add(v4("192.0.2.2", 2, pool_id=5))
    store.commit()
    # The conversion cleanup ran at start (rotating the 2.2 file to .1): the fresh file
    # has our header. Without the rotation the row would have had 11 columns.
    assert rows(path)[0] == HEADER4
    assert rows(tmp_path / "l4.csv.1")[0] == HEADER4_22
    store.files.wait_lfc(10)  # type: ignore[union-attr]
    store.close()


def test_appending_to_an_old_file_writes_its_column_count(tmp_path: Path) -> None:
    path = tmp_path / "l4.csv"
    path.write_text(f"{HEADER4_22}\n192.0.2.1,0a:00:00:00:00:01,,3600,{NOW},1,0,0,,0,\n")
    (tmp_path / "l4.csv.1").write_text(f"{HEADER4_22}\n")  # a cleanup is pending: no rotation
    store = reopen4(path, lfc_command=("true",))
    store.add(v4("192.0.2.2", 2, pool_id=5))
    store.close()
    store.files.wait_lfc(10)  # type: ignore[union-attr]
    assert rows(path)[-1] == f"192.0.2.2,0a:00:00:00:00:02,,3600,{NOW + 3600},1,0,0,,0,"
    assert len(reopen4(path, lfc_command=("true",))) == 2


def test_newer_file_is_read_with_extra_columns_dropped(tmp_path: Path) -> None:
    path = tmp_path / "l4.csv"
    (tmp_path / "l4.csv.1").write_text(f"{HEADER4}\n")  # no rotation in this test
    path.write_text(f"{HEADER4},extra\n192.0.2.1,0a:00:00:00:00:01,,3600,{NOW},1,0,0,,0,,3,x\n")
    store = reopen4(path, lfc_command=("true",))
    assert store.get(ip("192.0.2.1")).pool_id == 3  # type: ignore[union-attr]
    store.add(v4("192.0.2.2", 2))
    store.close()
    assert rows(path)[-1].endswith(",0,")  # padded to the file's 13 columns
    assert len(reopen4(path, lfc_command=("true",))) == 2


def _row(addr: str, n: int, cltt: int, valid: int = 3600) -> str:
    return f"{addr},0a:00:00:00:00:{n:02x},,{valid},{cltt + valid},1,0,0,,0,,0"


def test_load_order_previous_then_input_then_current(tmp_path: Path) -> None:
    path = tmp_path / "l4.csv"
    (tmp_path / "l4.csv.2").write_text(f"{HEADER4}\n{_row('192.0.2.1', 1, NOW)}\n"
                                       f"{_row('192.0.2.9', 9, NOW)}\n")
    (tmp_path / "l4.csv.1").write_text(f"{HEADER4}\n{_row('192.0.2.1', 1, NOW + 1)}\n"
                                       f"{_row('192.0.2.2', 2, NOW)}\n")
    path.write_text(f"{HEADER4}\n{_row('192.0.2.2', 2, NOW, valid=0)}\n"
                    f"{_row('192.0.2.3', 3, NOW)}\n")
    store = reopen4(path)
    assert [(str(x.address), x.cltt) for x in store.all()] == [
        ("192.0.2.1", NOW + 1), ("192.0.2.3", NOW), ("192.0.2.9", NOW)]


def test_completed_file_replaces_previous_and_input(tmp_path: Path) -> None:
    path = tmp_path / "l4.csv"
    (tmp_path / "l4.csv.2").write_text(f"{HEADER4}\n{_row('192.0.2.7', 7, NOW)}\n")
    (tmp_path / "l4.csv.1").write_text(f"{HEADER4}\n{_row('192.0.2.8', 8, NOW)}\n")
    (tmp_path / "l4.csv.completed").write_text(f"{HEADER4}\n{_row('192.0.2.1', 1, NOW)}\n")
    path.write_text(f"{HEADER4}\n{_row('192.0.2.3', 3, NOW)}\n")
    assert [str(x.address) for x in reopen4(path).all()] == ["192.0.2.1", "192.0.2.3"]


def test_loading_waits_for_a_running_cleanup(tmp_path: Path) -> None:
    path = tmp_path / "l4.csv"
    pid_file = tmp_path / "l4.csv.pid"
    pid_file.write_text(f"{os.getpid()}\n")
    with pytest.raises(LeaseFileError, match="cleanup is in progress"):
        reopen4(path)
    pid_file.write_text("999999999\n")  # no such process: a stale PID file
    reopen4(path).close()


def test_a_torn_last_row_does_not_swallow_the_next_one(tmp_path: Path) -> None:
    path = tmp_path / "l4.csv"
    path.write_text(f"{HEADER4}\n{_row('192.0.2.1', 1, NOW)}\n192.0.2.2,0a:00:0")
    store = reopen4(path)
    assert len(store) == 1
    store.add(v4("192.0.2.3", 3))
    store.close()
    again = reopen4(path)
    assert [str(x.address) for x in again.all()] == ["192.0.2.1", "192.0.2.3"]


def test_persist_false_writes_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = MemfileStore4(MemfileConfig(persist=False, name=str(tmp_path / "l4.csv")))
    store.add(v4("192.0.2.1"))
    store.close()
    assert list(tmp_path.iterdir()) == []
    assert "DHCPSRV_MEMFILE_NO_STORAGE" in caplog.text


def test_default_file_name_is_in_the_data_directory(tmp_path: Path) -> None:
    assert MemfileConfig().lease_file(4) == "/var/lib/kea/kea-leases4.csv"
    store = MemfileStore6(MemfileConfig(lfc_interval=0), data_dir=str(tmp_path))
    store.close()
    assert rows(tmp_path / "kea-leases6.csv") == [HEADER6]


def test_kea_parameters_map_to_the_config() -> None:
    cfg = MemfileConfig.from_kea({"type": "memfile", "persist": False, "name": "/x.csv",
                                  "lfc-interval": 1800, "max-row-errors": 100})
    assert (cfg.persist, cfg.name, cfg.lfc_interval, cfg.max_row_errors) == \
        (False, "/x.csv", 1800, 100)
    assert MemfileConfig.from_kea({"type": "memfile"}).lfc_interval == 3600
    with pytest.raises(ValueError, match="lfc-interval"):
        MemfileConfig.from_kea({"lfc-interval": -1})


# Random histories: the file replays to exactly what memory held -------------------------
ops = st.lists(st.tuples(st.sampled_from(["add", "update", "delete", "reclaim", "flush",
                                          "wipe", "commit"]),
                         st.integers(0, 15), st.integers(0, 3), st.integers(0, 2)),
               max_size=60)


def _consistent(store: MemfileStore4) -> None:
    """Every index agrees with the primary one."""
    leases = store.all()
    for lease in leases:
        assert lease in store.get_by_hwaddr(lease.hwaddr) or not lease.hwaddr
        if lease.client_id:
            assert lease in store.get_by_client_id(lease.client_id)
        assert lease in store.get_by_subnet(lease.subnet_id)
    counted: dict[tuple[int, int], int] = {}
    for lease in leases:
        key = (lease.subnet_id, lease.state)
        counted[key] = counted.get(key, 0) + 1
    assert store.counts() == counted


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=ops)
def test_any_history_reloads_to_the_same_leases(tmp_path: Path,
                                                history: list[tuple[str, int, int, int]]) -> None:
    path = tmp_path / f"h{len(list(tmp_path.iterdir()))}.csv"
    store = reopen4(path)
    clock = NOW
    for op, n, subnet, hw in history:
        clock += 7
        addr = f"192.0.2.{n + 1}"
        made = v4(addr, hw, subnet_id=subnet, cltt=clock - 4000 * (n % 2),
                  client_id=bytes([1, hw]) if hw else None, hostname=f"h{n},{hw}")
        if op == "add":
            store.add(made)
        elif op == "update" and store.get(ip(addr)) is not None:
            store.update(made)
        elif op == "delete":
            store.delete(made)
        elif op == "reclaim":
            for lease in store.expired(clock, limit=2):
                store.update(lease.copy(state=LeaseState.EXPIRED_RECLAIMED))
        elif op == "flush":
            store.delete_expired_reclaimed(clock, 100)
        elif op == "wipe":
            store.wipe(subnet)
        else:
            store.commit()
    _consistent(store)
    expected = store.all()
    store.close()
    again = reopen4(path)
    assert again.all() == expected
    _consistent(again)
    again.close()

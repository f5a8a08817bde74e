"""bench/dhcpbench's pure parts: perfdhcp report parsing, run verdicts, rate search,
lease file checks. No load and no processes here; the harness itself is bench/run."""

from __future__ import annotations

import pytest
from bench.dhcpbench.leasecheck import check, count_removals, live_leases, parse_lease_file
from bench.dhcpbench.perfout import DO, RA, RELEASE, RENEW, parse_report
from bench.dhcpbench.search import SCENARIOS, RateSearch, judge
from bench.dhcpbench.servers import udp_in_errors

# perfdhcp 2.2.0 output, abridged from a real run (-r 1000 -f 500 -F 500 -x l)
REPORT = """\
Running: perfdhcp -4 -g single -r 1000 -f 500 -F 500 -p 2 -W 300000 -R 5000 -l 198.51.100.1
Scenario: basic.
***Rate statistics***
Rate: 869.109 4-way exchanges/second, expected rate: 1000

***Malformed Packets***
Malformed packets: 0
***Statistics for: DISCOVER-OFFER***
sent packets: 2000
received packets: 1999
drops: 1
drops ratio: 0.05 %
orphans: 0
rejected leases: 0
non unique addresses: 0

min delay: 0.084 ms
avg delay: 0.428 ms
max delay: 7.922 ms
std deviation: 0.941 ms
collected packets: 0

***Statistics for: REQUEST-ACK***
sent packets: 1999
received packets: 1998
drops: 1
drops ratio: 0.050 %
orphans: 995
rejected leases: 0
non unique addresses: 0

min delay: 0.052 ms
avg delay: 0.287 ms
max delay: 5.439 ms
std deviation: 0.688 ms
collected packets: 0

***Statistics for: REQUEST-ACK (renewal)***
sent packets: 995
received packets: 990
drops: 5
drops ratio: 0.503 %
orphans: 0

avg delay: 0.490 ms
max delay: 6.689 ms

***Statistics for: RELEASE***
sent packets: 991
received packets: 0
drops: 991
drops ratio: 100.000 %
orphans: 0

min delay: inf ms
avg delay: min delay: n/a
avg delay: n/a
max delay: n/a
std deviation: n/a
collected packets: 0

***Leases for DISCOVER-OFFER***
client_id,adrress,prefix
01000c01020304,198.18.0.10,
***Leases for REQUEST-ACK***
client_id,adrress,prefix
01000c01020304,198.18.0.10,
01000c01020305,198.18.0.11,
"""

HEADER = ("address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,"
          "hostname,state,user_context")


def lease_text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def row(address: str, mac: str, valid: int = 4000) -> str:
    return f"{address},{mac},01:{mac},{valid},1795943035,1,0,0,,0,"


# -- perfdhcp output -------------------------------------------------------------


def test_report_blocks_and_counts() -> None:
    r = parse_report(REPORT)
    assert (r.rate, r.expected_rate) == (869.109, 1000.0)
    assert set(r.exchanges) == {DO, RA, RENEW, RELEASE}
    assert (r.get(DO).sent, r.get(DO).received, r.get(DO).drops) == (2000, 1999, 1)
    assert r.get(RA).orphans == 995
    assert r.get(RENEW).avg_delay_ms == pytest.approx(0.490)
    assert r.get(DO).max_delay_ms == pytest.approx(7.922)


def test_not_a_number_values_become_none() -> None:
    release = parse_report(REPORT).get(RELEASE)
    assert release.avg_delay_ms is None and release.max_delay_ms is None
    assert release.values["min delay"] is None  # "inf"
    assert release.drop_ratio == 1.0


def test_lease_blocks() -> None:
    leases = parse_report(REPORT).leases
    assert leases[RA] == [("01000c01020304", "198.18.0.10"), ("01000c01020305", "198.18.0.11")]
    assert leases[DO] == [("01000c01020304", "198.18.0.10")]


def test_missing_blocks_are_empty() -> None:
    r = parse_report("perfdhcp: cannot bind\n")
    assert r.rate is None and r.get(RA).sent == 0 and not r.leases


# -- verdicts -------------------------------------------------------------------


def dora(sent: int, offers: int, acks: int, offer_delay_ms: float = 1.0) -> str:
    return (f"***Statistics for: DISCOVER-OFFER***\nsent packets: {sent}\n"
            f"received packets: {offers}\ndrops: {sent - offers}\n"
            f"avg delay: {offer_delay_ms} ms\n"
            f"max delay: 9.0 ms\n***Statistics for: REQUEST-ACK***\nsent packets: {offers}\n"
            f"received packets: {acks}\ndrops: {offers - acks}\navg delay: 0.5 ms\n"
            f"max delay: 4.0 ms\n")


def test_dora_within_a_tenth_of_a_percent_passes() -> None:
    o = judge(parse_report(dora(10000, 9995, 9990)), SCENARIOS["dora"], 1000, 10)
    assert o.ok and o.exchanges_per_s == 999.0
    assert o.avg_delay_ms == pytest.approx(1.5) and o.max_delay_ms == 9.0


def test_a_growing_queue_fails_before_it_loses_packets() -> None:
    # No loss yet, but 40 ms on average: the server is behind and its buffer fills.
    o = judge(parse_report(dora(10000, 10000, 10000, offer_delay_ms=40.0)), SCENARIOS["dora"],
              1000, 10)
    assert not o.ok and "average delay 40.5 ms > 20 ms" in o.reason
    near = judge(parse_report(dora(10000, 10000, 10000, offer_delay_ms=19.0)),
                 SCENARIOS["dora"], 1000, 10)
    assert near.ok


def test_dora_losing_more_fails() -> None:
    o = judge(parse_report(dora(10000, 9995, 9989)), SCENARIOS["dora"], 1000, 10)
    assert not o.ok and "loss" in o.reason and o.loss == pytest.approx(0.0011)


def test_client_unable_to_offer_the_rate_fails() -> None:
    o = judge(parse_report(dora(9000, 9000, 9000)), SCENARIOS["dora"], 1000, 10)
    assert not o.ok and "sent only" in o.reason


def test_renewal_loss_is_judged_on_renewals() -> None:
    o = judge(parse_report(REPORT), SCENARIOS["renew"], 500, 2)
    assert o.loss == pytest.approx(5 / 995) and not o.ok
    assert o.exchanges_per_s == 495.0


def test_releases_are_counted_from_the_lease_file() -> None:
    text = REPORT.replace("drops: 1\n", "drops: 0\n").replace(
        "received packets: 1999\n", "received packets: 2000\n")
    text = text.replace("received packets: 1998\n", "received packets: 2000\n")
    ok = judge(parse_report(text), SCENARIOS["release"], 500, 2, released=991)
    assert ok.ok and ok.avg_delay_ms is None and ok.exchanges_per_s == 495.5
    short = judge(parse_report(text), SCENARIOS["release"], 500, 2, released=900)
    assert not short.ok


# -- rate search ------------------------------------------------------------------


def drive(search: RateSearch, capacity: int) -> list[int]:
    tried = []
    while (rate := search.next_rate()) is not None:
        tried.append(rate)
        search.record(rate, rate <= capacity)
    return tried


def test_search_doubles_then_bisects_to_the_capacity() -> None:
    s = RateSearch(start=1000, max_steps=20)
    tried = drive(s, 5300)
    assert tried[:4] == [1000, 2000, 4000, 8000]
    assert 5300 * 0.95 <= s.best <= 5300
    assert s.lowest_fail is not None and s.lowest_fail > 5300


def test_search_is_bounded_by_steps() -> None:
    s = RateSearch(start=1000, max_steps=3)
    assert drive(s, 10**9) == [1000, 2000, 4000]
    assert s.best == 4000


def test_search_stops_at_the_ceiling() -> None:
    s = RateSearch(start=1000, ceiling=3000, max_steps=20)
    assert drive(s, 10**9) == [1000, 2000, 3000]


def test_search_goes_below_a_failing_start() -> None:
    s = RateSearch(start=2000, max_steps=20)
    drive(s, 450)
    assert 400 <= s.best <= 450


def test_search_with_nothing_passing_reports_zero() -> None:
    s = RateSearch(start=2000, max_steps=20)
    tried = drive(s, 0)
    assert s.best == 0 and len(tried) < 20 and min(tried) >= 100


# -- lease file checks ---------------------------------------------------------------


def test_last_row_wins_and_zero_lifetime_removes() -> None:
    rows = parse_lease_file(lease_text(
        row("198.18.0.10", "00:0c:01:02:03:04"), row("198.18.0.11", "00:0c:01:02:03:05"),
        row("198.18.0.10", "00:0c:01:02:03:04", valid=0), "198.18.0.12,00:0c"))
    assert set(live_leases(rows)) == {"198.18.0.11"}
    assert count_removals(rows) == 1


def test_consistent_run_passes() -> None:
    rows = parse_lease_file(lease_text(row("198.18.0.10", "00:0c:01:02:03:04")))
    result = check([("01000c01020304", "198.18.0.10")] * 2, rows)
    assert result.ok and result.acked == 2 and result.live == 1


def test_address_acked_to_two_clients_is_caught() -> None:
    rows = parse_lease_file(lease_text(row("198.18.0.10", "00:0c:01:02:03:04")))
    result = check([("01000c01020304", "198.18.0.10"), ("01000c01020399", "198.18.0.10")],
                   rows)
    assert not result.ok and result.shared_addresses == ["198.18.0.10"]


def test_ack_missing_from_the_lease_file_is_caught() -> None:
    rows = parse_lease_file(lease_text(row("198.18.0.10", "00:0c:01:02:03:04")))
    result = check([("01000c01020305", "198.18.0.11")], rows)
    assert result.missing == ["198.18.0.11"] and "1 ACKed addresses missing" in result.summary()


def test_one_mac_with_two_live_leases_is_caught() -> None:
    rows = parse_lease_file(lease_text(row("198.18.0.10", "00:0c:01:02:03:04"),
                                       row("198.18.0.11", "00:0c:01:02:03:04")))
    result = check([], rows)
    assert result.shared_hwaddrs == ["00:0c:01:02:03:04"] and not result.ok


def test_released_addresses_may_move_when_releases_were_sent() -> None:
    rows = parse_lease_file(lease_text(row("198.18.0.10", "00:0c:01:02:03:05")))
    acked = [("01000c01020304", "198.18.0.10"), ("01000c01020305", "198.18.0.10")]
    assert check(acked, rows, releases_expected=True).ok
    assert not check(acked, rows).ok


def test_udp_receive_errors_from_proc_net_snmp() -> None:
    snmp = ("Ip: Forwarding DefaultTTL\nIp: 1 64\n"
            "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors\n"
            "Udp: 120 0 37 110 37 0\n"
            "UdpLite: InDatagrams NoPorts InErrors\nUdpLite: 0 0 5\n")
    assert udp_in_errors(snmp) == 37
    assert udp_in_errors("") == 0


def test_too_few_followups_fail_after_the_loss_check() -> None:
    text = REPORT.replace("drops: 1\n", "drops: 0\n").replace(
        "received packets: 1999\n", "received packets: 2000\n")
    text = text.replace("received packets: 1998\n", "received packets: 2000\n")
    # -F 1000 for 2 s should have sent ~2000 releases; 991 went out
    o = judge(parse_report(text), SCENARIOS["release"], 1000, 2, released=991)
    assert not o.ok and "releases could be sent" in o.reason


def test_ratio_line_compares_the_rates_held_in_long_runs() -> None:
    from bench.dhcpbench.report import ratio_line
    from bench.dhcpbench.runner import Confirmation, RunResult

    def final(server: str, rate: int, acks: int) -> RunResult:
        outcome = judge(parse_report(dora(rate * 30, rate * 30, acks)), SCENARIOS["dora"],
                        rate, 30)
        return RunResult(server, "dora", outcome, 0.5, 0, 0)

    # Nestor's search found 600/s, most long runs there failed, it held 500/s.
    failed = [final("nestor", 600, 17000)] * 3
    held = [final("nestor", 500, 15000)] * 2 + [final("nestor", 500, 14000)]
    nestor = Confirmation(600, 500, True, failed + held, held)
    kea_runs = [final("kea", 1000, 30000)] * 3
    kea = Confirmation(1000, 1000, True, kea_runs, kea_runs)
    line = ratio_line("dora", {"nestor": nestor, "kea": kea})
    assert line is not None
    assert line.startswith("nestor/kea DORA ratio = 0.50 (nestor 500/s, kea 1000/s held")
    assert "nestor 489/s, 2/3 passed" in line and "kea 1000/s, 3/3 passed" in line
    assert "search found nestor 600/s, kea 1000/s" in line
    assert "ACK/lease check nestor not run, kea not run" in line
    lost = Confirmation(600, 600, False, failed, failed)
    assert "NOT sustained" in (ratio_line("dora", {"nestor": lost, "kea": kea}) or "")
    assert ratio_line("dora", {"kea": kea}) is None

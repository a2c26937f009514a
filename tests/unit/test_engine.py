"""Exact timelines of the day engine on tiny hand-made scenarios.

Every time is deterministic. Visitors are placed at exact clock times with appointment
slots (``booked_share: 1``, ``no_show: 0``, punctuality 0) and no walk-ins
(``daily_visitors: 0``); each appointment stream is one slot, so visitor ids follow
the order of the streams at equal times. Priority visitors (class 0) only come as
walk-ins, so the priority test relabels a booked visitor by wrapping ``draw_visitors``.

Rows are compared as ``(visitor, station, counter, ticket, start, end, outcome)``
tuples in (visitor, leg) order, with NaN as None and a refusal reason appended to the
outcome ("turned_away/quota"). 08:00 is t = 480.
"""

from __future__ import annotations

from typing import Any

import pytest
from timeline import COLS, agency, booked, det, multi_stage, relabel, rows, run, scenario

from mppsim.model.compile import compile_scenario
from mppsim.scenario.schema import Scenario

# --------------------------------------------------------------------------- one queue


def test_fifo_one_counter() -> None:
    result = run(scenario({"a": agency(6)}, booked("08:00", per_slot=2) + booked("08:03")))
    assert rows(result) == [
        (0, "a", 0, 480, 480, 486, "served"),
        (1, "a", 0, 480, 486, 492, "served"),
        (2, "a", 0, 483, 492, 498, "served"),
    ]
    assert [r[0] for r in rows(result, ("wait_min",))] == [0, 6, 9]
    assert result.end_min == 600  # the closing event is the last event
    assert result.waiting_at_close == {"a": 0}


def test_row_columns_of_a_served_visit() -> None:
    result = run(scenario({"a": agency(6)}, booked("08:00")))
    (rec,) = result.visits.to_dict("records")
    assert rec == {
        "replication": 0,
        "visitor": 0,
        "leg": 0,
        "request": 0,
        "station": "a",
        "kind": "agency",
        "service": "s",
        "stage": "service",
        "counter": 0,
        "priority_class": 1,
        "is_appointment": True,
        "arrival_min": 480,
        "ticket_min": 480,
        "start_min": 480,
        "end_min": 486,
        "wait_min": 0,
        "walk_min": 0.0,
        "walk_out_min": 0.0,
        "outcome": "served",
        "reason": "",
    }


def test_level_log_of_two_visitors() -> None:
    result = run(scenario({"a": agency(6)}, booked("08:00", per_slot=2)))
    levels = result.levels
    last = levels.groupby("time_min").tail(1)  # the level after all changes at that time
    assert last[["time_min", "busy", "queue", "on_duty"]].values.tolist() == [
        [480, 1, 1, 1],
        [486, 1, 0, 1],
        [492, 0, 0, 1],
    ]
    assert (levels["station"] == "a").all()


def test_two_counters() -> None:
    result = run(scenario({"a": agency(6, counters=2)}, booked("08:00", per_slot=3)))
    assert rows(result) == [
        (0, "a", 0, 480, 480, 486, "served"),
        (1, "a", 1, 480, 480, 486, "served"),
        (2, "a", 0, 480, 486, 492, "served"),
    ]


def test_nobody_is_served_before_opening() -> None:
    """Early visitors take a ticket and wait until the counters open."""
    result = run(scenario({"a": agency(6)}, booked("07:40", "07:50")))
    assert rows(result) == [
        (0, "a", 0, 460, 480, 486, "served"),
        (1, "a", 0, 470, 486, 492, "served"),
    ]


def test_agency_hours_differ_from_the_building() -> None:
    """Agency a opens 09:00 and closes 11:00 inside a 08:00-12:00 building; b keeps the
    building's hours. The last ticket of a is at its own closing time (inclusive)."""
    agencies = {
        "a": agency(6, hours={"open": "09:00", "close": "11:00"}),
        "b": agency(4, service="t"),
    }
    appts = booked("08:00", "11:00", "11:01") + booked("08:00", services=("b.t",))
    result = run(scenario(agencies, appts, close="12:00"))
    assert rows(result) == [
        (0, "a", 0, 480, 540, 546, "served"),
        (1, "b", 0, 480, 480, 484, "served"),
        (2, "a", 0, 660, 660, 666, "served"),
        (3, "a", -1, 661, None, 661, "turned_away/closing"),
    ]
    spec = compile_scenario(Scenario.model_validate(scenario(agencies, appts, close="12:00")))
    a = spec.stations[0]
    assert (a.open_min, a.close_min, a.ticket_cutoff_min) == (540, 660, 660)


# --------------------------------------------------------------------------- priority classes


def test_priority_then_booked_then_walk_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """One counter busy until 08:06; waiting: walk-in 08:01, booked 08:02, priority 08:03,
    walk-in 08:04. Calls: priority, booked, then the walk-ins first come first served."""
    relabel(monkeypatch, {3: 0})
    appts = (
        booked("08:00", "08:01", called_first=False)
        + booked("08:02")
        + booked("08:03", "08:04", called_first=False)
    )
    result = run(scenario({"a": agency(6)}, appts))
    assert rows(result, ("visitor", "priority_class", "ticket_min", "start_min", "end_min")) == [
        (0, 2, 480, 480, 486),
        (1, 2, 481, 498, 504),
        (2, 1, 482, 492, 498),
        (3, 0, 483, 486, 492),
        (4, 2, 484, 504, 510),
    ]


def test_priority_share_one_makes_every_walk_in_priority() -> None:
    data = scenario({"a": agency(1, counters=3)}, booked("08:00"))
    data["arrivals"].update(daily_visitors=30, profile={"08:00": 1}, priority_share=1)
    visits = run(data, seed=3).visits
    walk_ins = visits[~visits["is_appointment"]]
    assert len(walk_ins) > 10
    assert (walk_ins["priority_class"] == 0).all()
    assert visits.loc[visits["is_appointment"], "priority_class"].tolist() == [1]


# --------------------------------------------------------------------------- counter groups


def test_counter_group_serves_only_its_service() -> None:
    """The passport counter (1) is the only one for paspor; the general counter (0) is
    idle but does not take the second passport visitor."""
    agencies = {
        "a": {
            "counters": {"general": 1, "passport": 1},
            "services": {
                "ktp": {"time": det(4), "counters": ["general"]},
                "paspor": {"time": det(10), "counters": ["passport"]},
            },
        }
    }
    appts = booked("08:00", services=("a.paspor",), per_slot=2) + booked(
        "08:00", services=("a.ktp",)
    )
    result = run(scenario(agencies, appts))
    assert rows(result) == [
        (0, "a", 1, 480, 480, 490, "served"),
        (1, "a", 1, 480, 490, 500, "served"),
        (2, "a", 0, 480, 480, 484, "served"),
    ]


def test_counter_serving_two_queues_calls_the_oldest_ticket() -> None:
    """ktp is served only by the general counter (0); paspor by both. At 08:10 the general
    counter calls the paspor ticket of 08:02 before the ktp ticket of 08:03."""
    agencies = {
        "a": {
            "counters": {"general": 1, "passport": 1},
            "services": {
                "ktp": {"time": det(10), "counters": ["general"]},
                "paspor": {"time": det(10)},
            },
        }
    }
    appts = [
        *booked("08:00", services=("a.ktp",)),
        *booked("08:00", "08:02", services=("a.paspor",)),
        *booked("08:03", services=("a.ktp",)),
    ]
    result = run(scenario(agencies, appts))
    assert rows(result) == [
        (0, "a", 0, 480, 480, 490, "served"),
        (1, "a", 1, 480, 480, 490, "served"),
        (2, "a", 0, 482, 490, 500, "served"),
        (3, "a", 0, 483, 500, 510, "served"),
    ]


def test_counter_group_of_size_zero_closes_its_service() -> None:
    """A service whose only counter group has 0 counters refuses tickets ('closed');
    the visitor goes on to the next service (regression: the visitor used to wait forever
    and got no row at all)."""
    agencies = {
        "a": {
            "counters": {"general": 1, "passport": 0},
            "services": {"paspor": {"time": det(10), "counters": ["passport"]}},
        },
        "b": agency(4, service="t"),
    }
    result = run(scenario(agencies, booked("08:00", services=("a.paspor", "b.t"))))
    assert rows(result) == [
        (0, "a", -1, 480, None, 480, "turned_away/closed"),
        (0, "b", 0, 480, 480, 484, "served"),
    ]


# --------------------------------------------------------------------------- stages


def test_multi_stage_service_on_own_counters() -> None:
    result = run(scenario({"a": multi_stage(groups=True)}, booked("08:00", per_slot=2)))
    cols = ("visitor", "leg", "request", "stage", *COLS[2:])
    assert rows(result, cols) == [
        (0, 0, 0, "document_check", 0, 480, 480, 483, "served"),
        (0, 1, 0, "biometrics", 1, 483, 483, 488, "served"),
        (1, 0, 0, "document_check", 0, 480, 483, 486, "served"),
        (1, 1, 0, "biometrics", 1, 486, 488, 493, "served"),
    ]


def test_multi_stage_service_on_one_shared_counter() -> None:
    """Pins the current rule: a counter that finishes a stage calls the next ticket before
    its visitor takes the ticket for the next stage, so visitor 1's document check comes
    before visitor 0's biometrics."""
    result = run(scenario({"a": multi_stage(groups=False)}, booked("08:00", per_slot=2)))
    cols = ("visitor", "stage", *COLS[2:])
    assert rows(result, cols) == [
        (0, "document_check", 0, 480, 480, 483, "served"),
        (0, "biometrics", 0, 483, 486, 491, "served"),
        (1, "document_check", 0, 480, 483, 486, "served"),
        (1, "biometrics", 0, 486, 491, 496, "served"),
    ]


# --------------------------------------------------------------------------- kiosk, info desk


TWO_AGENCIES = {"a": agency(6), "b": agency(4, service="t")}


def test_kiosk_ticket_per_service() -> None:
    data = scenario(TWO_AGENCIES, booked("08:00", services=("a.s", "b.t")))
    data["kiosk"] = {"count": 1, "time": det(1), "ticket_per_service": True}
    result = run(data)
    cols = ("leg", "request", "kind", "service", *COLS[1:])
    assert rows(result, cols) == [
        (0, 0, "kiosk", "", "kiosk", 0, 480, 480, 481, "served"),
        (1, 0, "agency", "s", "a", 0, 481, 481, 487, "served"),
        (2, 1, "kiosk", "", "kiosk", 0, 487, 487, 488, "served"),
        (3, 1, "agency", "t", "b", 0, 488, 488, 492, "served"),
    ]


def test_kiosk_once_then_tickets_at_the_agency() -> None:
    data = scenario(TWO_AGENCIES, booked("08:00", services=("a.s", "b.t")))
    data["kiosk"] = {"count": 1, "time": det(1), "ticket_per_service": False}
    result = run(data)
    assert rows(result, ("leg", "request", *COLS[1:])) == [
        (0, 0, "kiosk", 0, 480, 480, 481, "served"),
        (1, 0, "a", 0, 481, 481, 487, "served"),
        (2, 1, "b", 0, 487, 487, 491, "served"),
    ]


def test_kiosk_is_first_come_first_served_and_opens_early() -> None:
    """Kiosks open at 07:45, counters at 08:00. The booked visitor (class 1) queues at the
    kiosk behind the earlier walk-in-class visitor (no priority at the kiosk) but is
    called first at the agency."""
    appts = booked("07:40", called_first=False) + booked("07:41")
    data = scenario({"a": agency(6)}, appts, day={"kiosk_open": "07:45"})
    data["kiosk"] = {"count": 1, "time": det(1)}
    result = run(data)
    assert rows(result) == [
        (0, "kiosk", 0, 460, 465, 466, "served"),
        (0, "a", 0, 466, 486, 492, "served"),
        (1, "kiosk", 0, 461, 466, 467, "served"),
        (1, "a", 0, 467, 480, 486, "served"),
    ]


def test_no_kiosk_when_omitted() -> None:
    result = run(scenario(TWO_AGENCIES, booked("08:00", services=("a.s", "b.t"))))
    assert rows(result) == [
        (0, "a", 0, 480, 480, 486, "served"),
        (0, "b", 0, 486, 486, 490, "served"),
    ]


def test_info_desk_before_the_kiosk() -> None:
    data = scenario({"a": agency(6)}, booked("08:00", per_slot=2))
    data["kiosk"] = {"count": 1, "time": det(1)}
    data["info_desk"] = {"share": 1, "counters": 1, "time": det(2)}
    result = run(data)
    cols = ("request", "kind", *COLS)
    assert rows(result, cols) == [
        (-1, "info_desk", 0, "info_desk", 0, 480, 480, 482, "served"),
        (0, "kiosk", 0, "kiosk", 0, 482, 482, 483, "served"),
        (0, "agency", 0, "a", 0, 483, 483, 489, "served"),
        (-1, "info_desk", 1, "info_desk", 0, 480, 482, 484, "served"),
        (0, "kiosk", 1, "kiosk", 0, 484, 484, 485, "served"),
        (0, "agency", 1, "a", 0, 485, 489, 495, "served"),
    ]


def test_info_desk_share_zero_is_skipped() -> None:
    data = scenario({"a": agency(6)}, booked("08:00"))
    data["info_desk"] = {"share": 0, "counters": 1, "time": det(2)}
    assert rows(run(data)) == [(0, "a", 0, 480, 480, 486, "served")]


# --------------------------------------------------------------------------- ticket checks


def test_quota_counts_walk_ins_and_priority_not_booked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Quota 2: the booked visitor (class 1) is not counted, the priority visitor (0) and
    the walk-in-class visitors (2) are; the third counted ticket is refused."""
    relabel(monkeypatch, {1: 0})
    appts = booked("08:00") + booked("08:00", per_slot=3, called_first=False)
    agencies = {"a": {"counters": 1, "services": {"s": {"time": det(6), "quota": 2}}}}
    result = run(scenario(agencies, appts))
    assert rows(result, ("priority_class", *COLS)) == [
        (1, 0, "a", 0, 480, 480, 486, "served"),
        (0, 1, "a", 0, 480, 486, 492, "served"),
        (2, 2, "a", 0, 480, 492, 498, "served"),
        (2, 3, "a", -1, 480, None, 480, "turned_away/quota"),
    ]
    assert [r[0] for r in rows(result, ("wait_min",))] == [0, 6, 12, None]


def test_quota_is_checked_after_the_kiosk_pass() -> None:
    """The refused visitor passes the kiosk, then the agency row is turned away."""
    agencies = {"a": {"counters": 1, "services": {"s": {"time": det(6), "quota": 1}}}}
    data = scenario(agencies, booked("08:00", per_slot=2, called_first=False))
    data["kiosk"] = {"count": 1, "time": det(1)}
    assert rows(run(data)) == [
        (0, "kiosk", 0, 480, 480, 481, "served"),
        (0, "a", 0, 481, 481, 487, "served"),
        (1, "kiosk", 0, 480, 481, 482, "served"),
        (1, "a", -1, 482, None, 482, "turned_away/quota"),
    ]


def test_ticket_cutoff_is_inclusive() -> None:
    data = scenario({"a": agency(6)}, booked("09:00", "09:01"), day={"ticket_cutoff": "09:00"})
    assert rows(run(data)) == [
        (0, "a", 0, 540, 540, 546, "served"),
        (1, "a", -1, 541, None, 541, "turned_away/closing"),
    ]


def test_kiosk_after_cutoff_gives_two_rows_per_request() -> None:
    data = scenario(
        TWO_AGENCIES,
        booked("09:01", services=("a.s", "b.t")),
        day={"ticket_cutoff": "09:00"},
    )
    data["kiosk"] = {"count": 1, "time": det(1)}
    assert rows(run(data), ("leg", "request", *COLS[1:])) == [
        (0, 0, "kiosk", -1, 541, None, 541, "turned_away/closing"),
        (1, 0, "a", -1, 541, None, 541, "turned_away/closing"),
        (2, 1, "kiosk", -1, 541, None, 541, "turned_away/closing"),
        (3, 1, "b", -1, 541, None, 541, "turned_away/closing"),
    ]


def test_ticket_time_is_the_kiosk_join_time() -> None:
    """Agency a's cut-off is its closing time 09:00. Visitor 0 joins the kiosk at 08:50
    and is served after 09:00 (overtime); visitor 1 joins the kiosk at 09:01, too late."""
    data = scenario(
        {"a": agency(6, hours={"close": "09:00"})}, booked("08:50", "09:01"), close="12:00"
    )
    data["kiosk"] = {"count": 1, "time": det(15)}
    assert rows(run(data)) == [
        (0, "kiosk", 0, 530, 530, 545, "served"),
        (0, "a", 0, 545, 545, 551, "served"),
        (1, "kiosk", 0, 541, 545, 560, "served"),
        (1, "a", -1, 560, None, 560, "turned_away/closing"),
    ]


@pytest.mark.parametrize(
    "closed",
    [
        pytest.param({"days": ["saturday"]}, id="saturday-only-on-a-weekday"),
        pytest.param({"counters": 0}, id="no-counters"),
    ],
)
def test_closed_agency_turns_away_and_the_visitor_goes_on(closed: dict[str, Any]) -> None:
    agencies = {"a": {**agency(6), **closed}, "b": agency(4, service="t")}
    result = run(scenario(agencies, booked("08:00", services=("a.s", "b.t"))))
    assert rows(result, ("leg", *COLS)) == [
        (0, 0, "a", -1, 480, None, 480, "turned_away/closed"),
        (1, 0, "b", 0, 480, 480, 484, "served"),
    ]


def test_closed_agency_with_kiosk() -> None:
    """The ticket check comes after the kiosk pass, so the kiosk row is served."""
    agencies = {"a": agency(6, days=["saturday"]), "b": agency(4, service="t")}
    data = scenario(agencies, booked("08:00", services=("a.s", "b.t")))
    data["kiosk"] = {"count": 1, "time": det(1)}
    assert rows(run(data)) == [
        (0, "kiosk", 0, 480, 480, 481, "served"),
        (0, "a", -1, 481, None, 481, "turned_away/closed"),
        (0, "kiosk", 0, 481, 481, 482, "served"),
        (0, "b", 0, 482, 482, 486, "served"),
    ]


# --------------------------------------------------------------------------- behaviour


def test_balking() -> None:
    """Balk when 1 is already waiting: the third visitor of 08:00 balks, the one of
    08:07 finds the queue empty again and stays."""
    data = scenario({"a": agency(6)}, booked("08:00", per_slot=3) + booked("08:07"))
    data["behaviour"] = {"balk_queue_length": 1}
    assert rows(run(data)) == [
        (0, "a", 0, 480, 480, 486, "served"),
        (1, "a", 0, 480, 486, 492, "served"),
        (2, "a", -1, 480, None, 480, "balked"),
        (3, "a", 0, 487, 492, 498, "served"),
    ]


def test_balking_counts_the_line_of_the_visitors_own_service() -> None:
    """Regression (issue 10): with counter groups, the ktp visitor of 08:01 used to balk
    at the two paspor visitors waiting, though the general counter (ktp) was idle. A
    third paspor visitor balks at the two ahead of them."""
    agencies = {
        "a": {
            "counters": {"general": 1, "passport": 1},
            "services": {
                "ktp": {"time": det(4), "counters": ["general"]},
                "paspor": {"time": det(10), "counters": ["passport"]},
            },
            "balk_queue_length": 2,
        }
    }
    appts = [
        *booked("08:00", services=("a.paspor",), per_slot=3),
        *booked("08:01", services=("a.ktp",)),
        *booked("08:02", services=("a.paspor",)),
    ]
    assert rows(run(scenario(agencies, appts))) == [
        (0, "a", 1, 480, 480, 490, "served"),
        (1, "a", 1, 480, 490, 500, "served"),
        (2, "a", 1, 480, 500, 510, "served"),
        (3, "a", 0, 481, 481, 485, "served"),
        (4, "a", -1, 482, None, 482, "balked"),
    ]


def test_agency_balk_length_overrides_behaviour() -> None:
    data = scenario({"a": agency(6, balk_queue_length=2)}, booked("08:00", per_slot=4))
    data["behaviour"] = {"balk_queue_length": 1}
    outcomes = [r[-1] for r in rows(run(data))]
    assert outcomes == ["served", "served", "served", "balked"]


def test_no_balking_at_later_stages() -> None:
    """Two visitors wait for biometrics while balk_queue_length is 1: nobody balks there."""
    service = multi_stage(groups=True)
    service["counters"] = {"docs": 2, "bio": 1}
    service["services"]["s"]["stages"][0]["time"] = det(1)
    service["services"]["s"]["stages"][1]["time"] = det(10)
    data = scenario({"a": service}, booked("08:00", per_slot=3))
    data["behaviour"] = {"balk_queue_length": 1}
    assert rows(run(data), ("visitor", "stage", *COLS[2:])) == [
        (0, "document_check", 0, 480, 480, 481, "served"),
        (0, "biometrics", 2, 481, 481, 491, "served"),
        (1, "document_check", 1, 480, 480, 481, "served"),
        (1, "biometrics", 2, 481, 491, 501, "served"),
        (2, "document_check", 0, 480, 481, 482, "served"),
        (2, "biometrics", 2, 482, 501, 511, "served"),
    ]


def test_reneging_skips_only_that_service() -> None:
    """Patience 5 min per queue: visitor 1 leaves a's queue at 08:05 and goes on to b;
    visitor 2 would leave at 08:11 but is called at 08:10."""
    agencies = {"a": agency(10), "b": agency(4, service="t")}
    appts = booked("08:00") + booked("08:00", services=("a.s", "b.t")) + booked("08:06")
    data = scenario(agencies, appts)
    data["behaviour"] = {"patience": det(5)}
    assert rows(run(data)) == [
        (0, "a", 0, 480, 480, 490, "served"),
        (1, "a", -1, 480, None, 485, "reneged"),
        (1, "b", 0, 485, 485, 489, "served"),
        (2, "a", 0, 486, 490, 500, "served"),
    ]


def test_patience_restarts_in_each_queue() -> None:
    """Each stage queue gets the full patience of 5 min: a 4-minute wait at both stages
    is fine."""
    service = multi_stage(groups=True)
    service["services"]["s"]["stages"][0]["time"] = det(4)
    service["services"]["s"]["stages"][1]["time"] = det(8)
    data = scenario({"a": service}, booked("08:00", per_slot=2))
    data["behaviour"] = {"patience": det(5)}
    assert rows(run(data), ("visitor", "stage", *COLS[2:])) == [
        (0, "document_check", 0, 480, 480, 484, "served"),
        (0, "biometrics", 1, 484, 484, 492, "served"),
        (1, "document_check", 0, 480, 484, 488, "served"),
        (1, "biometrics", 1, 488, 492, 500, "served"),
    ]


def test_no_show_costs_the_recall_wait_and_the_visitor_leaves() -> None:
    """Visitor 0 is called the instant they come, so they are there; visitors 1 and 2
    waited and are absent: the counter waits 2 min for each, and they leave the MPP
    (no row at b)."""
    agencies = {"a": agency(6), "b": agency(4, service="t")}
    data = scenario(agencies, booked("08:00", services=("a.s", "b.t"), per_slot=3))
    data["behaviour"] = {"no_show": 1.0, "recall_wait": 2}
    assert rows(run(data), ("visitor", "leg", *COLS[1:])) == [
        (0, 0, "a", 0, 480, 480, 486, "served"),
        (0, 1, "b", 0, 486, 486, 490, "served"),
        (1, 0, "a", 0, 480, 486, 488, "no_show"),
        (2, 0, "a", 0, 480, 488, 490, "no_show"),
    ]


def test_no_show_only_for_a_visitor_who_waited() -> None:
    """Regression (issue 10): a visitor called the instant they took the ticket was
    drawn absent though standing at the counter."""
    data = scenario({"a": agency(6)}, booked("08:00") + booked("08:10"))
    data["behaviour"] = {"no_show": 1.0, "recall_wait": 2}
    assert rows(run(data)) == [
        (0, "a", 0, 480, 480, 486, "served"),
        (1, "a", 0, 490, 490, 496, "served"),
    ]


def test_no_show_only_when_called_at_the_first_stage() -> None:
    """Visitor 1 waits for the document check and is absent there; visitor 0 waits at
    biometrics (behind nobody: no wait) and is served."""
    data = scenario({"a": multi_stage(groups=True)}, booked("08:00", per_slot=2))
    data["behaviour"] = {"no_show": 1.0, "recall_wait": 1}
    assert rows(run(data), ("visitor", "stage", *COLS[2:])) == [
        (0, "document_check", 0, 480, 480, 483, "served"),
        (0, "biometrics", 1, 483, 483, 488, "served"),
        (1, "document_check", 0, 480, 483, 484, "no_show"),
    ]


def test_no_show_draw_does_not_apply_to_a_service_resumed_after_a_break() -> None:
    """Visitor 1 waited, so is called absent... unless their service had started:
    visitor 0 starts at once (present), is interrupted at 09:00 and resumed at 10:00,
    with no recall."""
    data = scenario(
        {"a": agency(10)},
        booked("08:55"),
        close="12:00",
        day={"breaks": [{"start": "09:00", "end": "10:00"}]},
        calendar={"break_rule": "interrupt"},
    )
    data["behaviour"] = {"no_show": 1.0, "recall_wait": 2}
    assert rows(run(data)) == [(0, "a", 0, 535, 535, 605, "served")]


# --------------------------------------------------------------------------- breaks


def break_day(share: Any = "all") -> dict[str, Any]:
    return {
        "breaks": [{"name": "ishoma", "start": "09:00", "end": "10:00", "counters_closed": share}]
    }


def test_break_finish_rule() -> None:
    """The service straddling 09:00 finishes at 09:05; the next starts at 10:00."""
    data = scenario(
        {"a": agency(10)}, booked("08:55", "08:56", "09:30"), close="12:00", day=break_day()
    )
    result = run(data)
    assert rows(result) == [
        (0, "a", 0, 535, 535, 545, "served"),
        (1, "a", 0, 536, 600, 610, "served"),
        (2, "a", 0, 570, 610, 620, "served"),
    ]
    last = result.levels.groupby("time_min").tail(1).set_index("time_min")
    assert last.loc[540, "on_duty"] == 1  # still finishing
    assert last.loc[545, "on_duty"] == 0
    assert last.loc[600, "on_duty"] == 1


def test_break_closes_the_highest_numbered_counters() -> None:
    """Half of 2 counters close: counter 1 finishes and closes, counter 0 serves on."""
    appts = booked("08:55", per_slot=3) + booked("09:10")
    data = scenario({"a": agency(10, counters=2)}, appts, close="12:00", day=break_day(0.5))
    assert rows(run(data)) == [
        (0, "a", 0, 535, 535, 545, "served"),
        (1, "a", 1, 535, 535, 545, "served"),
        (2, "a", 0, 535, 545, 555, "served"),
        (3, "a", 0, 550, 555, 565, "served"),
    ]


def test_break_share_rounds_up() -> None:
    data = scenario(
        {"a": agency(10, counters=3)}, booked("08:00"), close="12:00", day=break_day(0.4)
    )
    spec = compile_scenario(Scenario.model_validate(data))
    (brk,) = spec.stations[0].breaks
    assert brk.servers == (1, 2)


def test_break_only_for_listed_agencies() -> None:
    day = break_day()
    day["breaks"][0]["agencies"] = ["b"]
    agencies = {"a": agency(10), "b": agency(10, service="t")}
    appts = booked("09:10") + booked("09:10", services=("b.t",))
    assert rows(run(scenario(agencies, appts, close="12:00", day=day))) == [
        (0, "a", 0, 550, 550, 560, "served"),
        (1, "b", 0, 550, 600, 610, "served"),
    ]


def test_break_interrupt_rule() -> None:
    """Service stops at 09:00 with 5 min left and resumes first in line at 10:00;
    start_min stays the first start."""
    data = scenario(
        {"a": agency(10)},
        booked("08:55", "08:56"),
        close="12:00",
        day=break_day(),
        calendar={"break_rule": "interrupt"},
    )
    assert rows(run(data)) == [
        (0, "a", 0, 535, 535, 605, "served"),
        (1, "a", 0, 536, 605, 615, "served"),
    ]


def test_break_interrupt_resumes_on_another_counter() -> None:
    """Counter 1 closes at 09:00 with 8 min of visitor 1's work left; counter 0 frees at
    09:05 and takes visitor 1 before visitor 2, who was waiting since 08:59."""
    appts = booked("08:55", "08:58", "08:59")
    data = scenario(
        {"a": agency(10, counters=2)},
        appts,
        close="12:00",
        day=break_day(0.5),
        calendar={"break_rule": "interrupt"},
    )
    assert rows(run(data)) == [
        (0, "a", 0, 535, 535, 545, "served"),
        (1, "a", 0, 538, 538, 553, "served"),
        (2, "a", 0, 539, 553, 563, "served"),
    ]


def test_break_interrupt_lets_a_service_ending_at_the_break_start_finish() -> None:
    """Regression: a service due to end exactly at 09:00 used to be 'interrupted' with no
    work left and end at 10:00."""
    data = scenario(
        {"a": agency(30)},
        booked("08:00", per_slot=2),
        close="12:00",
        day=break_day(),
        calendar={"break_rule": "interrupt"},
    )
    assert rows(run(data)) == [
        (0, "a", 0, 480, 480, 510, "served"),
        (1, "a", 0, 480, 510, 540, "served"),
    ]


def test_break_at_opening_time_keeps_the_counter_closed() -> None:
    """Regression: a break starting at the opening time used to let the counter call one
    ticket at 08:00 before closing."""
    day = {"breaks": [{"start": "08:00", "end": "08:10"}]}
    data = scenario({"a": agency(6)}, booked("07:50"), day=day)
    assert rows(run(data)) == [(0, "a", 0, 470, 490, 496, "served")]


def test_back_to_back_breaks() -> None:
    """Regression: when one break ends as the next starts, the counter used to call a
    ticket in between."""
    day = {
        "breaks": [
            {"start": "09:00", "end": "09:30"},
            {"start": "09:30", "end": "10:00"},
        ]
    }
    data = scenario({"a": agency(6)}, booked("09:10"), close="12:00", day=day)
    assert rows(run(data)) == [(0, "a", 0, 550, 600, 606, "served")]


def test_turn_away_when_a_break_ends_at_closing() -> None:
    """A visitor waiting through a break that ends at closing time is turned away, not
    called at the closing instant."""
    day = {"breaks": [{"start": "09:30", "end": "10:00"}]}
    data = scenario({"a": agency(6)}, booked("09:40"), day=day, calendar={"at_close": "turn_away"})
    assert rows(run(data)) == [(0, "a", -1, 580, None, 600, "turned_away/closing")]


# --------------------------------------------------------------------------- closing


@pytest.mark.parametrize(
    ("at_close", "second", "end"),
    [
        ("serve", (1, "a", 0, 490, 500, 520, "served"), 520),
        ("turn_away", (1, "a", -1, 490, None, 495, "turned_away/closing"), 500),
    ],
)
def test_at_close(at_close: str, second: tuple, end: float) -> None:
    """Close at 08:15 with one visitor in service until 08:20 and one waiting."""
    data = scenario(
        {"a": agency(20)}, booked("08:00", "08:10"), close="08:15", calendar={"at_close": at_close}
    )
    result = run(data)
    assert rows(result) == [(0, "a", 0, 480, 480, 500, "served"), second]
    assert result.end_min == end
    assert result.waiting_at_close == {"a": 1}


def test_turn_away_at_close_refuses_later_stages() -> None:
    """Visitor 0 finishes the document check after closing (turn_away): the biometrics
    stage is refused; visitor 1, still waiting at closing, is turned away then."""
    service = multi_stage(groups=True)
    service["services"]["s"]["stages"][0]["time"] = det(20)
    data = scenario(
        {"a": service},
        booked("08:00", per_slot=2),
        close="08:15",
        calendar={"at_close": "turn_away"},
    )
    assert rows(run(data), ("visitor", "stage", *COLS[2:])) == [
        (0, "document_check", 0, 480, 480, 500, "served"),
        (0, "biometrics", -1, 500, None, 500, "turned_away/closing"),
        (1, "document_check", -1, 480, None, 495, "turned_away/closing"),
    ]


def test_turn_away_at_close_empties_the_kiosk_line() -> None:
    data = scenario(
        {"a": agency(1)},
        booked("08:10", per_slot=2),
        close="08:15",
        calendar={"at_close": "turn_away"},
    )
    data["kiosk"] = {"count": 1, "time": det(10)}
    assert rows(run(data), ("leg", *COLS)) == [
        (0, 0, "kiosk", 0, 490, 490, 500, "served"),
        (1, 0, "a", -1, 500, None, 500, "turned_away/closing"),
        (0, 1, "kiosk", -1, 490, None, 495, "turned_away/closing"),
        (1, 1, "a", -1, 495, None, 495, "turned_away/closing"),
    ]

"""The Decision 766 indicators over a seeded history whose values were worked out by hand, and a
property: no score ever leaves its group's maximum (processes/reports/indicators.py)."""
from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from models.status import DossierStatus as S
from processes.reports.indicators import (
    GROUP_MAX,
    SPECS,
    DossierRecord,
    ProcedureRecord,
    compute,
    judge,
    monthly_on_time,
    round2,
)
from tests.reports_history import EXPECTED, HISTORY, P1, PROCEDURES, SINCE, TZ, UNTIL, at


def test_the_seeded_history_scores_as_worked_out_by_hand() -> None:
    r = compute(HISTORY, PROCEDURES, SINCE, UNTIL, TZ)
    ind = {i["key"]: i for i in r["indicators"]}
    # Received in the quarter: D01–D07 and D09 (8); D08 came in December. Judged: all but the withdrawn
    # D07 (7). On time: D01 (same day), D02 (early), D06 and D09 (unfinished, not overdue on 1 April) = 4.
    # Late: D03 (after its appointment), D04 (two supplement requests), D05 (overdue, unfinished) = 3.
    assert r["counts"] == {"received": 8, "on_time": 4, "early": 1, "late": 3, "unfinished": 3, "rated": 4,
                           "dissatisfied": 1}
    assert r["count_dossiers"]["late"] == ["D03", "D04", "D05"]
    assert r["count_dossiers"]["early"] == ["D02"]
    assert r["count_dossiers"]["unfinished"] == ["D05", "D06", "D09"]
    # 1.1 procedures used P1, P2, P3; published P1, P2: 2/3 of 6 points = 4.00.
    assert (ind["published_procedures"]["numerator"], ind["published_procedures"]["denominator"],
            ind["published_procedures"]["score"]) == (2, 3, 4.0)
    # 1.2 electronic receipts D01, D03, D04, D06 of 8 = 0.5 of 6 = 3.00.
    assert (ind["electronic_receipts"]["value"], ind["electronic_receipts"]["score"]) == (0.5, 3.0)
    # 1.3 synchronisation with the national portal: MotCua does not hold it.
    assert ind["national_portal_sync"]["score"] is None and ind["national_portal_sync"]["reason"] == "not_held"
    # 2.1 on time 4/7 = 0.5714 of 14 points = 8.00.
    assert (ind["on_time_rate"]["numerator"], ind["on_time_rate"]["denominator"]) == (4, 7)
    assert ind["on_time_rate"]["value"] == 0.5714 and ind["on_time_rate"]["score"] == 8.0
    assert ind["on_time_rate"]["dossiers"] == ["D01", "D02", "D06", "D09"]
    # 2.2 late D03, D04, D05; apologised D03: 1/3 of 6 = 2.00.
    assert (ind["late_apologised"]["numerator"], ind["late_apologised"]["denominator"],
            ind["late_apologised"]["score"]) == (1, 3, 2.0)
    # 3.3 online D01, D03, D04, D06, D07 of 8 = 0.625 ≥ 50%: full 8.
    assert (ind["online_submission_rate"]["value"], ind["online_submission_rate"]["score"]) == (0.625, 8.0)
    # 3.6 fee-bearing D01, D02, D05, D09 (P1); paid online D01, D09: 2/4 of 8 = 4.00 (D08 is outside).
    assert (ind["online_payment_rate"]["numerator"], ind["online_payment_rate"]["denominator"],
            ind["online_payment_rate"]["score"]) == (2, 4, 4.0)
    assert ind["online_payment_rate"]["population"] == ["D01", "D02", "D05", "D09"]
    # 3.1 every procedure used had an online dossier (P1 D01, P2 D03, P3 D06): 3/3, full 6.
    assert ind["online_procedures"]["score"] == 6.0
    # 4.1 results handed over D01 (online), D02 (counter), D03 (online): 2/3 of 6 = 4.00.
    assert (ind["electronic_result_rate"]["numerator"], ind["electronic_result_rate"]["denominator"],
            ind["electronic_result_rate"]["score"]) == (2, 3, 4.0)
    # 4.2 finished by 1 April: D01, D02, D03, D04 (D09 finished after); inputs and result attached D01, D03,
    # D04: 3/4 = 0.75 below 80%: 0.75 × 6 / 0.8 = 5.625 → 5.63 (halves up).
    assert (ind["digitised_rate"]["numerator"], ind["digitised_rate"]["denominator"]) == (3, 4)
    assert ind["digitised_rate"]["score"] == 5.63
    # 4.3, 4.4 and 5.1 need data MotCua does not hold.
    for key in ("data_reuse_rate", "national_data_rate", "feedback_answered"):
        assert ind[key]["score"] is None and ind[key]["reason"] == "not_held"
    # 5.4 late share 3/7; rated D01 5, D02 4, D03 2, D04 4 → dissatisfied (≤ 2) 1/4;
    # 1 − 3/7 − 1/4 = 9/28 = 0.3214; below 90%: 9/28 × 12 / 0.9 = 4.2857 → 4.29.
    assert ind["satisfaction_rate"]["value"] == 0.3214 and ind["satisfaction_rate"]["score"] == 4.29
    assert r["ratings"] == {"1": 0, "2": 1, "3": 0, "4": 2, "5": 1} and r["average_rating"] == 3.75
    # Groups add the unrounded scores of their applicable indicators, scaled to the group's maximum:
    # transparency (4 + 3) × 18 / 12 = 10.50; progress (8 + 2) × 20 / 20 = 10.00;
    # online (8 + 4 + 6) × 22 / 22 = 18.00; digitisation (4 + 5.625) × 22 / 12 = 17.6458 → 17.65;
    # satisfaction 4.2857 × 18 / 12 = 6.4286 → 6.43.
    groups = {g["key"]: g["score"] for g in r["groups"]}
    assert groups == {"transparency": 10.5, "progress": 10.0, "online": 18.0, "digitisation": 17.65,
                      "satisfaction": 6.43}
    # Every group applies: total = 10.5 + 10 + 18 + 17.64583 + 6.42857 = 62.5744 → 62.57.
    assert r["total"] == 62.57
    assert r["counts"] == EXPECTED["counts"] and groups == EXPECTED["groups"] and r["total"] == EXPECTED["total"]
    assert {k: (ind[k]["numerator"], ind[k]["denominator"], ind[k]["score"]) for k in EXPECTED["indicators"]} \
        == EXPECTED["indicators"]


def test_the_appointment_day_is_on_time_and_a_day_before_is_early() -> None:
    base = DossierRecord("X", "A", P1, S.PROCESSING_FINISHED, "online", at(1, 2), due_at=at(1, 9, 17))
    assert judge(base, at(1, 9), TZ) == "on_time"  # unfinished when the period ends, not yet overdue
    assert judge(base, UNTIL, TZ) == "late"  # unfinished and overdue when the period ends
    from dataclasses import replace
    assert judge(replace(base, finished_at=at(1, 9, 17)), UNTIL, TZ) == "on_time"
    assert judge(replace(base, finished_at=at(1, 9, 17) + timedelta(seconds=1)), UNTIL, TZ) == "late"
    assert judge(replace(base, finished_at=at(1, 8, 16)), UNTIL, TZ) == "early"
    # Waiting for a supplement since before the appointment passed: not late at the period's end.
    assert judge(replace(base, paused_at=at(1, 8)), UNTIL, TZ) == "on_time"
    assert judge(replace(base, paused_at=at(1, 10)), UNTIL, TZ) == "late"


def test_nothing_received_is_not_applicable_everywhere() -> None:
    r = compute([], PROCEDURES, SINCE, UNTIL, TZ)
    assert r["total"] is None
    assert all(g["score"] is None for g in r["groups"])
    assert all(i["score"] is None for i in r["indicators"])


def test_the_monthly_series_judges_each_month_at_its_end() -> None:
    months = monthly_on_time(HISTORY, 2026, TZ, cut=UNTIL)
    # January D01, D02 on time; February D03, D04 late; March D05 late, D06 and D09 on time (D07 withdrawn).
    assert [(m["on_time"], m["judged"]) for m in months[:4]] == [(2, 2), (0, 2), (2, 3), (0, 0)]
    assert months[0]["rate"] == 1.0 and months[3]["rate"] is None
    assert months[0]["satisfaction"] == 4.5


def test_halves_round_up() -> None:
    assert round2(5.625) == 5.63 and round2(9.375) == 9.38 and round2(0.0) == 0.0


_times = st.integers(min_value=0, max_value=200).map(lambda h: SINCE + timedelta(hours=h * 13))
_records = st.builds(
    DossierRecord, code=st.uuids().map(str), agency=st.just("A"), procedure=st.sampled_from(["P1", "P2", "P3", "P4"]),
    status=st.sampled_from(list(S)), channel=st.sampled_from(["online", "counter"]), received_at=_times,
    due_at=st.none() | _times, finished_at=st.none() | _times, delivered_at=st.none() | _times,
    paused_at=st.none() | _times, supplement_requests=st.integers(0, 4), fee_vnd=st.sampled_from([0, 10_000]),
    payment_method=st.sampled_from([None, "counter", "online", "transfer"]),
    result_channel=st.sampled_from([None, "counter", "post", "online"]), inputs_attached=st.booleans(),
    result_attached=st.booleans(), rating=st.none() | st.integers(1, 5), receipt_notice=st.booleans(),
    apology=st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(_records, max_size=25), st.lists(st.booleans(), min_size=4, max_size=4))
def test_every_score_stays_within_its_maximum(records: list[DossierRecord], published: list[bool]) -> None:
    procedures = [ProcedureRecord(f"P{n + 1}", p) for n, p in enumerate(published)]
    r = compute(records, procedures, SINCE, UNTIL, TZ)
    spec_max = {s.key: s.max for s in SPECS}
    for i in r["indicators"]:
        assert i["score"] is None or 0 <= i["score"] <= spec_max[i["key"]]
        assert i["value"] is None or 0 <= i["value"] <= 1
    for g in r["groups"]:
        assert g["score"] is None or 0 <= g["score"] <= GROUP_MAX[g["key"]]
    assert r["total"] is None or 0 <= r["total"] <= 100
    assert sum(GROUP_MAX.values()) == 100

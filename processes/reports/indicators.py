"""The national service-quality indicators (Decision 766/QĐ-TTg, 2022) computed from MotCua's own
dossiers (R8.3, R9.1, R10.1).

Pure: `compute(records, procedures, since, until, tz)` takes plain records (no database, no Flask,
no clock) and returns every indicator with its formula, numerator, denominator and the dossiers
behind it, the five group scores and the total out of 100. The loader that reads the dossiers'
history is `processes/reports/oversight.py`. The formulas and their sources are in docs/reports.md.

Scoring (Decision 766, as summarised in INTEGRATIONS.md):
- an indicator's rate is numerator / denominator; a zero denominator makes it not applicable;
- its score is `max` when the rate reaches its threshold, else `rate × max / threshold`, two decimals;
- a figure that needs data MotCua does not hold (reuse of data from the national databases, the
  synchronisation with the national portal, the answering of feedback) is not applicable, marked
  `not_held`, never invented;
- a group's score is the sum of its applicable indicators' scores scaled to the group's maximum
  (sum × group max / sum of the applicable maxima); a group with no applicable indicator is not
  applicable; the total is the sum of the applicable groups scaled to 100 the same way.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from models.status import DossierStatus
from processes.texts import N_

GROUPS: tuple[tuple[str, int, str], ...] = (
    ("transparency", 18, N_("Công khai, minh bạch")),
    ("progress", 20, N_("Tiến độ giải quyết")),
    ("online", 22, N_("Dịch vụ trực tuyến")),
    ("digitisation", 22, N_("Số hóa hồ sơ")),
    ("satisfaction", 18, N_("Mức độ hài lòng")),
)
GROUP_MAX = {key: top for key, top, _ in GROUPS}
DISSATISFIED_AT_MOST = 2  # a rating of 1 or 2 (of 1–5) is "not satisfied"
NOT_HELD = "not_held"  # MotCua does not hold the data
NO_DOSSIERS = "no_dossiers"  # the denominator is zero


@dataclass(frozen=True)
class Spec:
    """One scored indicator: its key, group, points, saturation threshold and texts."""

    key: str
    group: str
    max: float
    threshold: float
    source: str  # the criterion's number in Decision 766
    name: str
    formula: str


SPECS: tuple[Spec, ...] = (
    Spec("published_procedures", "transparency", 6, 1.0, "766 §1.1",
         N_("Thủ tục được công khai đầy đủ"),
         N_("thủ tục đã công bố / thủ tục của cơ quan có hồ sơ trong kỳ")),
    Spec("electronic_receipts", "transparency", 6, 1.0, "766 §1.2",
         N_("Hồ sơ được gửi phiếu tiếp nhận điện tử"),
         N_("hồ sơ có phiếu tiếp nhận (mẫu 01) gửi điện tử / hồ sơ tiếp nhận trong kỳ")),
    Spec("national_portal_sync", "transparency", 6, 1.0, "766 §1.3",
         N_("Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia"),
         N_("hồ sơ đã đồng bộ / hồ sơ tiếp nhận (MotCua chưa giữ dữ liệu này)")),
    Spec("on_time_rate", "progress", 14, 1.0, "766 §2.1",
         N_("Tỷ lệ hồ sơ giải quyết đúng hạn"),
         N_("hồ sơ đúng hạn (kể cả đang giải quyết chưa quá hạn cuối kỳ) / hồ sơ tiếp nhận trong kỳ "
            "(trừ hồ sơ rút)")),
    Spec("late_apologised", "progress", 6, 1.0, "766 §2.2",
         N_("Hồ sơ trễ hạn có thư xin lỗi"),
         N_("hồ sơ trễ hạn có thư xin lỗi (mẫu 04) / hồ sơ trễ hạn")),
    Spec("online_submission_rate", "online", 8, 0.5, "766 §3.3",
         N_("Tỷ lệ hồ sơ nộp trực tuyến"),
         N_("hồ sơ nộp trực tuyến / hồ sơ tiếp nhận trong kỳ; đủ điểm từ 50%")),
    Spec("online_payment_rate", "online", 8, 1.0, "766 §3.6",
         N_("Tỷ lệ thanh toán trực tuyến"),
         N_("hồ sơ thanh toán trực tuyến / hồ sơ của thủ tục có phí, lệ phí")),
    Spec("online_procedures", "online", 6, 0.8, "766 §3.1",
         N_("Thủ tục cung cấp dịch vụ công trực tuyến"),
         N_("thủ tục có hồ sơ nộp trực tuyến / thủ tục có hồ sơ trong kỳ; đủ điểm từ 80%")),
    Spec("electronic_result_rate", "digitisation", 6, 1.0, "766 §4.1",
         N_("Tỷ lệ trả kết quả điện tử"),
         N_("hồ sơ trả kết quả trực tuyến / hồ sơ đã trả kết quả")),
    Spec("digitised_rate", "digitisation", 6, 0.8, "766 §4.2",
         N_("Tỷ lệ số hóa hồ sơ, kết quả"),
         N_("hồ sơ có thành phần hồ sơ và kết quả đính kèm điện tử / hồ sơ đã có kết quả; đủ điểm từ 80%")),
    Spec("data_reuse_rate", "digitisation", 5, 0.8, "766 §4.3",
         N_("Tỷ lệ khai thác, sử dụng lại dữ liệu số hóa"),
         N_("hồ sơ dùng lại dữ liệu đã số hóa / hồ sơ (MotCua chưa giữ dữ liệu này)")),
    Spec("national_data_rate", "digitisation", 5, 1.0, "766 §4.4",
         N_("Dữ liệu lấy từ cơ sở dữ liệu quốc gia"),
         N_("hồ sơ dùng dữ liệu từ CSDL quốc gia / hồ sơ (MotCua chưa giữ dữ liệu này)")),
    Spec("feedback_answered", "satisfaction", 6, 1.0, "766 §5.1",
         N_("Phản ánh, kiến nghị được trả lời đúng hạn"),
         N_("phản ánh được trả lời đúng hạn / phản ánh nhận được (MotCua chưa giữ dữ liệu này)")),
    Spec("satisfaction_rate", "satisfaction", 12, 0.9, "766 §5.4",
         N_("Mức độ hài lòng"),
         N_("100% − (tỷ lệ hồ sơ trễ hạn + tỷ lệ đánh giá không hài lòng); đủ điểm từ 90%")),
)
NOT_HELD_KEYS = frozenset({"national_portal_sync", "data_reuse_rate", "national_data_rate", "feedback_answered"})
COUNTS: tuple[tuple[str, str], ...] = (
    ("received", N_("Hồ sơ tiếp nhận")), ("on_time", N_("Đúng hạn")), ("early", N_("Trước hạn")),
    ("late", N_("Trễ hạn")), ("unfinished", N_("Chưa giải quyết xong cuối kỳ")),
    ("rated", N_("Hồ sơ được đánh giá")), ("dissatisfied", N_("Đánh giá không hài lòng")),
)


@dataclass(frozen=True)
class DossierRecord:
    """What the indicators need of one dossier (read from the dossier, its payments, deliveries,
    attachments, notices and rating)."""

    code: str
    agency: str
    procedure: str
    status: int
    channel: str  # how it was submitted: online | counter
    received_at: datetime
    due_at: datetime | None = None
    finished_at: datetime | None = None
    delivered_at: datetime | None = None
    paused_at: datetime | None = None  # waiting for the applicant's supplement now
    supplement_requests: int = 0
    fee_vnd: int = 0  # the fee of the procedure's catalogue
    payment_method: str | None = None  # counter | online | transfer, None when unpaid
    result_channel: str | None = None  # how the result was handed over, None before
    inputs_attached: bool = False
    result_attached: bool = False
    rating: int | None = None  # 1–5
    receipt_notice: bool = False  # form 01 sent electronically
    apology: bool = False  # form 04 issued


@dataclass(frozen=True)
class ProcedureRecord:
    code: str
    published: bool


@dataclass
class Indicator:
    key: str
    group: str
    name: str
    formula: str
    source: str
    max: float
    threshold: float
    numerator: int | None
    denominator: int | None
    value: float | None  # the rate (0–1); None when not applicable
    score: float | None
    reason: str | None = None  # not_held | no_dossiers when not applicable
    dossiers: list[str] = field(default_factory=list)  # the numerator's dossiers (or procedures)
    population: list[str] = field(default_factory=list)  # the denominator's
    raw: float | None = None  # the unrounded score, which the group adds

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "group": self.group, "name": self.name, "formula": self.formula,
                "source": self.source, "max": self.max, "threshold": self.threshold,
                "numerator": self.numerator, "denominator": self.denominator, "value": self.value,
                "score": self.score, "applicable": self.score is not None, "reason": self.reason,
                "dossiers": self.dossiers, "population": self.population}


def saturate(rate: float, top: float, threshold: float) -> float:
    """Full marks from the threshold, proportional below (unrounded: groups add unrounded scores)."""
    if threshold <= 0 or rate >= threshold:
        return float(top)
    return max(rate, 0.0) * top / threshold


def round2(value: float) -> float:
    """Two decimals, halves away from zero (as people round by hand; Python's round() goes to even)."""
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def judge(d: DossierRecord, until: datetime, tz: ZoneInfo) -> str | None:
    """early | on_time | late for a dossier at the period's end (`until`, exclusive), None when it does
    not count (withdrawn by the applicant). Early dossiers are on time too.

    The end is finished, else returned (delivered), else stopped or refused (their finishing instant);
    the appointment already leaves out the time waiting for a supplement (it moves when the clock
    resumes); more than one supplement request is late; an unfinished dossier is late when its
    appointment passed before the period's end (a paused one: before it was paused)."""
    if d.status == DossierStatus.WITHDRAWAL_REQUESTED:
        return None
    if d.supplement_requests > 1:
        return "late"
    end = d.finished_at or d.delivered_at
    if end is not None and end < until:
        if d.due_at is None:
            return "on_time"
        if end > d.due_at:
            return "late"
        return "early" if end.astimezone(tz).date() < d.due_at.astimezone(tz).date() else "on_time"
    reference = d.paused_at if d.paused_at is not None and d.paused_at < until else until
    if d.due_at is not None and reference > d.due_at:
        return "late"
    return "on_time"


def _indicator(spec: Spec, numerator: Sequence[str], population: Sequence[str]) -> Indicator:
    if spec.key in NOT_HELD_KEYS:
        return Indicator(spec.key, spec.group, spec.name, spec.formula, spec.source, spec.max, spec.threshold,
                         None, None, None, None, NOT_HELD)
    if not population:
        return Indicator(spec.key, spec.group, spec.name, spec.formula, spec.source, spec.max, spec.threshold,
                         0, 0, None, None, NO_DOSSIERS)
    rate = len(numerator) / len(population)
    return Indicator(spec.key, spec.group, spec.name, spec.formula, spec.source, spec.max, spec.threshold,
                     len(numerator), len(population), round(rate, 4),
                     round2(saturate(rate, spec.max, spec.threshold)), None, sorted(numerator), sorted(population),
                     saturate(rate, spec.max, spec.threshold))


def compute(records: Iterable[DossierRecord], procedures: Iterable[ProcedureRecord], since: datetime,
            until: datetime, tz: ZoneInfo, now: datetime | None = None) -> dict[str, Any]:
    """Every indicator, count and group score over the dossiers received in [since, until), judged at
    the period's end (or now, when the period has not ended yet)."""
    ds = sorted((d for d in records if since <= d.received_at < until), key=lambda d: d.code)
    if now is not None and now < until:
        until = now
    verdicts = {d.code: judge(d, until, tz) for d in ds}
    judged = [d.code for d in ds if verdicts[d.code] is not None]
    on_time = [c for c in judged if verdicts[c] in ("on_time", "early")]
    early = [c for c in judged if verdicts[c] == "early"]
    late = [c for c in judged if verdicts[c] == "late"]
    ended = {d.code for d in ds if (d.finished_at or d.delivered_at) is not None
             and (d.finished_at or d.delivered_at) < until}  # type: ignore[operator]
    unfinished = [c for c in judged if c not in ended]
    rated = [d.code for d in ds if d.rating is not None]
    dissatisfied = [d.code for d in ds if d.rating is not None and d.rating <= DISSATISFIED_AT_MOST]
    fee_bearing = [d.code for d in ds if d.fee_vnd > 0]
    with_result = [d for d in ds if d.result_channel is not None]
    finished = [d for d in ds if d.code in ended and d.status in (DossierStatus.PROCESSING_FINISHED,
                                                                   DossierStatus.RESULT_RETURNED)]
    used = sorted({d.procedure for d in ds})
    procs = {p.code: p for p in procedures}
    online_used = sorted({d.procedure for d in ds if d.channel == "online"})
    by_key: dict[str, tuple[Sequence[str], Sequence[str]]] = {
        "published_procedures": ([c for c in used if c in procs and procs[c].published], used),
        "electronic_receipts": ([d.code for d in ds if d.receipt_notice], [d.code for d in ds]),
        "on_time_rate": (on_time, judged),
        "late_apologised": ([d.code for d in ds if d.code in late and d.apology], late),
        "online_submission_rate": ([d.code for d in ds if d.channel == "online"], [d.code for d in ds]),
        "online_payment_rate": ([d.code for d in ds if d.fee_vnd > 0 and d.payment_method == "online"],
                                fee_bearing),
        "online_procedures": (online_used, used),
        "electronic_result_rate": ([d.code for d in with_result if d.result_channel == "online"],
                                   [d.code for d in with_result]),
        "digitised_rate": ([d.code for d in finished if d.inputs_attached and d.result_attached],
                           [d.code for d in finished]),
    }
    indicators = [_indicator(spec, *by_key.get(spec.key, ((), ()))) for spec in SPECS]
    satisfaction = next(i for i in indicators if i.key == "satisfaction_rate")
    if judged:
        late_share = len(late) / len(judged)
        dissatisfied_share = len(dissatisfied) / len(rated) if rated else 0.0
        rate = max(0.0, 1.0 - late_share - dissatisfied_share)
        satisfaction.value = round(rate, 4)
        satisfaction.raw = saturate(rate, satisfaction.max, satisfaction.threshold)
        satisfaction.score = round2(satisfaction.raw)
        satisfaction.numerator, satisfaction.denominator = len(judged) - len(late), len(judged)
        satisfaction.dossiers = sorted(set(late) | set(dissatisfied))  # the dossiers that lower it
        satisfaction.population = judged
        satisfaction.reason = None
    else:
        satisfaction.numerator = satisfaction.denominator = 0
        satisfaction.reason = NO_DOSSIERS
    groups = group_scores(indicators)
    counts = {"received": [d.code for d in ds], "on_time": on_time, "early": early, "late": late,
              "unfinished": unfinished, "rated": rated, "dissatisfied": dissatisfied}
    ratings = {str(n): sum(1 for d in ds if d.rating == n) for n in range(1, 6)}
    return {"total": total_score(groups), "groups": [{k: v for k, v in g.items() if k != "raw"} for g in groups],
            "indicators": [i.as_dict() for i in indicators],
            "counts": {k: len(v) for k, v in counts.items()}, "count_dossiers": counts,
            "ratings": ratings,
            "average_rating": round(sum(d.rating for d in ds if d.rating) / len(rated), 2) if rated else None}


def group_scores(indicators: Sequence[Indicator]) -> list[dict[str, Any]]:
    """Each group's score: its applicable indicators' scores scaled to the group's maximum."""
    out = []
    for key, top, name in GROUPS:
        mine = [i for i in indicators if i.group == key and i.raw is not None]
        room = sum(i.max for i in mine)
        raw = min(sum(i.raw or 0.0 for i in mine) * top / room, float(top)) if room else None
        out.append({"key": key, "name": name, "max": top, "score": None if raw is None else round2(raw),
                    "raw": raw})
    return out


def total_score(groups: Sequence[dict[str, Any]]) -> float | None:
    """The sum of the applicable groups, scaled to 100 (None when no group applies)."""
    mine = [g for g in groups if g["raw"] is not None]
    room = sum(g["max"] for g in mine)
    return round2(min(sum(g["raw"] for g in mine) * 100 / room, 100.0)) if room else None


def monthly_on_time(records: Iterable[DossierRecord], year: int, tz: ZoneInfo,
                    cut: datetime | None = None) -> list[dict[str, Any]]:
    """The on-time rate month by month over a year (dossiers received in the month, judged at the
    month's end or at `cut`, whichever is sooner). None where a month has no dossier."""
    rows = list(records)
    out: list[dict[str, Any]] = []
    for month in range(1, 13):
        since = datetime(year, month, 1, tzinfo=tz)
        until = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
        if cut is not None and since >= cut:
            out.append({"month": month, "on_time": 0, "judged": 0, "rate": None, "satisfaction": None})
            continue
        end = min(until, cut) if cut is not None else until
        verdicts = [judge(d, end, tz) for d in rows if since <= d.received_at < until]
        judged = [v for v in verdicts if v is not None]
        ok = sum(1 for v in judged if v != "late")
        rated = [d.rating for d in rows if since <= d.received_at < until and d.rating is not None]
        out.append({"month": month, "on_time": ok, "judged": len(judged),
                    "rate": round(ok / len(judged), 4) if judged else None,
                    "satisfaction": round(sum(rated) / len(rated), 2) if rated else None})
    return out


def period_bounds(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the local time zone."""
    from datetime import time, timedelta
    return datetime.combine(start, time.min, tz), datetime.combine(end + timedelta(days=1), time.min, tz)

"""The audit trail's digests (processes/audit.py) without a database: one instant hashes alike in every
zone, and any change to what an event says changes its hash."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from processes.audit import ZERO, event_digest, merkle_root, state_digest

HANOI = timezone(timedelta(hours=7))


def _digest(at: datetime, **change: object) -> str:
    fields: dict[str, object] = {"prev_hash": ZERO, "seq": 7, "at": at, "actor": "tiepnhan", "dossier_id": 3,
                                 "kind": "timer_fired", "detail": {"timer": "Event_forward_overdue"},
                                 "chain_seq": 4, "state_hash": "ab" * 32}
    fields.update(change)
    return event_digest(**fields)  # type: ignore[arg-type]


def test_an_instant_hashes_alike_whatever_zone_the_clock_or_the_connection_was_in() -> None:
    local = datetime(2026, 3, 2, 15, 0, tzinfo=HANOI)
    assert _digest(local) == _digest(local.astimezone(UTC))
    row = {"id": 3, "received_at": local}
    assert state_digest(row, []) == state_digest({"id": 3, "received_at": local.astimezone(UTC)}, [])  # type: ignore[arg-type]


def test_a_state_stored_as_text_before_0016_hashes_alike_as_the_bytes_the_upgrade_made_of_it() -> None:
    from engine.serializer import pack_state

    for text in ('z1:eJzLSM3JyQcABiwCFQ==', '{"data": {"ho_ten": "Nguyễn Văn An"}}'):
        assert state_digest({"state": text}, []) == state_digest({"state": text.encode("utf-8")}, [])
    packed = pack_state('{"data": {"ho_ten": "Nguyễn Văn An"}}')
    forms = {state_digest({"state": packed}, []), state_digest({"state": packed[:-1] + b"!"}, []),
             state_digest({"state": b"z1:" + packed}, []), state_digest({"state": b"{" + packed}, [])}
    assert len(forms) == 4  # a packed state, one byte changed, or disguised behind an older prefix


def test_every_part_of_an_event_is_bound_by_its_hash() -> None:
    at = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    base = _digest(at)
    changed = [_digest(at + timedelta(seconds=1)), _digest(at, actor="lanhdao"), _digest(at, kind="task_overdue"),
               _digest(at, detail={"timer": "other"}), _digest(at, chain_seq=5), _digest(at, state_hash="cd" * 32),
               _digest(at, prev_hash="1" * 64), _digest(at, seq=8), _digest(at, dossier_id=4)]
    assert base not in changed and len(set(changed)) == len(changed)


def test_the_merkle_root_changes_with_any_leaf_and_with_their_order() -> None:
    leaves = [f"{i:064x}" for i in range(5)]
    root = merkle_root(leaves)
    assert merkle_root(leaves) == root
    assert merkle_root([*leaves[:2], "f" * 64, *leaves[3:]]) != root
    assert merkle_root(list(reversed(leaves))) != root
    assert merkle_root([]) == ZERO

"""The stored workflow state: packed, and still readable in the forms it was stored in before."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from engine.clock import ManualClock
from engine.definitions import load_definition
from engine.runner import Runner
from engine.serializer import COMPRESSED, PACKED, pack_state, unpack_state

PEER = Path(__file__).resolve().parents[2] / "bench" / "peer.bpmn"
CLOCK = ManualClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))


def _no_handlers(element_id: str, topic: str, data: object) -> dict[str, object]:
    raise AssertionError("the peer process has no service task")


def started() -> tuple[Runner, object, object]:
    definition = load_definition(PEER.read_bytes(), str(PEER))
    runner = Runner()
    instance = runner.start(definition, {"form": {"ho_ten": "Nguyễn Văn An"}}, CLOCK, _no_handlers)
    return runner, definition, instance


def test_a_stored_state_is_packed_and_several_times_smaller_than_its_json() -> None:
    runner, _, instance = started()
    state = runner.dump(instance)  # type: ignore[arg-type]
    text = unpack_state(state)
    assert state.startswith(PACKED)
    assert json.loads(text)["tasks"] and "Nguyễn Văn An" in text
    assert len(state) * 3 < len(text)


def test_packing_gives_back_every_task_id_and_every_value_exactly() -> None:
    runner, _, instance = started()
    text = unpack_state(runner.dump(instance))  # type: ignore[arg-type]
    task_ids = [str(t.id) for t in instance.workflow.get_tasks()]  # type: ignore[attr-defined]
    assert task_ids and all(t in text for t in task_ids)
    # Values that look like what packing replaces or uses come back as they were: an id in the data, an
    # upper-case id (not replaced), the marker character (escaped by JSON), a number after an id.
    doc = {"ids": [task_ids[0], task_ids[0].upper(), "\x01" + "7", task_ids[0] + "12", f'quoted "{task_ids[1]}"'],
           task_ids[2]: "an id as a key", "note": "Đủ điều kiện"}
    dumped = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    assert unpack_state(pack_state(dumped)) == dumped


def test_states_stored_in_older_forms_still_load() -> None:
    import base64
    import zlib

    runner, definition, instance = started()
    plain = unpack_state(runner.dump(instance))  # type: ignore[arg-type]
    assert plain.startswith("{")
    compressed = COMPRESSED + base64.b64encode(zlib.compress(plain.encode("utf-8"))).decode("ascii")
    # As text (before 0016) and as the UTF-8 bytes the upgrade turned that text into.
    for stored in (plain, compressed, plain.encode("utf-8"), compressed.encode("ascii")):
        restored = runner.load(definition, stored, CLOCK, _no_handlers)  # type: ignore[arg-type]
        assert [t.info.element_id for t in restored.ready_tasks()] == ["Task_first"]
        assert runner.dump(restored) == runner.dump(instance)  # type: ignore[arg-type]

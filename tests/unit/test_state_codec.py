"""The stored workflow state: compressed, and still readable when written before compression."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from engine.clock import ManualClock
from engine.definitions import load_definition
from engine.runner import Runner
from engine.serializer import COMPRESSED, StateCodec

PEER = Path(__file__).resolve().parents[2] / "bench" / "peer.bpmn"
CLOCK = ManualClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))


def _no_handlers(element_id: str, topic: str, data: object) -> dict[str, object]:
    raise AssertionError("the peer process has no service task")


def started() -> tuple[Runner, object, object]:
    definition = load_definition(PEER.read_bytes(), str(PEER))
    runner = Runner()
    instance = runner.start(definition, {"form": {"ho_ten": "Nguyễn Văn An"}}, CLOCK, _no_handlers)
    return runner, definition, instance


def test_a_stored_state_is_compressed_and_several_times_smaller_than_its_json() -> None:
    runner, _, instance = started()
    state = runner.dump(instance)  # type: ignore[arg-type]
    text = StateCodec.json_text(state)
    assert state.startswith(COMPRESSED)
    assert json.loads(text)["tasks"] and "Nguyễn Văn An" in text
    assert len(state) * 2 < len(text)


def test_a_state_stored_as_plain_json_before_compression_still_loads() -> None:
    runner, definition, instance = started()
    plain = StateCodec.json_text(runner.dump(instance))  # type: ignore[arg-type]
    assert plain.startswith("{")
    restored = runner.load(definition, plain, CLOCK, _no_handlers)  # type: ignore[arg-type]
    assert [t.info.element_id for t in restored.ready_tasks()] == ["Task_first"]
    assert runner.dump(restored) == runner.dump(instance)  # type: ignore[arg-type]

"""One serializer factory. Workflow state is stored without its spec: the spec lives once per
deployed version (a few KB saved in every dossier) and is re-attached when a dossier is loaded."""
from __future__ import annotations

import base64
import json
import re
import zlib
from copy import deepcopy
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

from engine.specs import ClockedDuration, ClockedTimeDate, HandlerTask, WorkingDaysTimer


class SpecFreeWorkflowConverter(BpmnWorkflowConverter):
    """Leaves the spec out of the document; restores with the spec objects put back in."""

    def to_dict(self, workflow: Any) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> Any:
        spec = dct.pop("spec")
        subprocess_specs = dct.pop("subprocess_specs", {})
        if not isinstance(spec, BpmnProcessSpec):
            return super().from_dict({"spec": spec, "subprocess_specs": subprocess_specs, **dct})
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def make_serializer() -> BpmnWorkflowSerializer:
    """The serializer every part of the system uses."""
    config = deepcopy(CAMUNDA_CONFIG)
    config[HandlerTask] = BpmnTaskSpecConverter
    config[ClockedTimeDate] = TimerConditionalEventDefinitionConverter
    config[ClockedDuration] = TimerConditionalEventDefinitionConverter
    config[WorkingDaysTimer] = TimerConditionalEventDefinitionConverter
    config[BpmnWorkflow] = SpecFreeWorkflowConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


# How a state is stored (`dossiers.state`, bytes). The current form, PACKED: the JSON document with every
# task id (a UUID, 36 characters repeated as id, parent and child) replaced by its number in a table of
# 16-byte ids, deflated against DICTIONARY. An HKD dossier's finished state: 8.7 KB of JSON, 2.4 KB in the
# older form (zlib in base64 text), about 1.4 KB packed. Older forms still load: COMPRESSED text (`z1:` +
# base64 of zlib) and plain JSON ("{"), as text or as their UTF-8 bytes.
COMPRESSED = "z1:"
PACKED = b"S2"
# The serializer's own vocabulary, most frequent last (deflate reaches the end of its dictionary with the
# shortest distances). No variable name, no value: nothing of a dossier. Changing it needs a new PACKED.
DICTIONARY = (
    b'"bpmn_events":[],"typename":"BpmnWorkflow","serializer_version":"1.5"}"subprocesses":{},'
    b'"correlations":{},"last_task":"success":true,"completed":false,"root":"tasks":{'
    b'"internal_data":{"event_value":"internal_data":{"event_fired":true},"state":256,"state":128,'
    b'.BoundaryEventSplit",.BoundaryEventJoin","StartEvent_"EndEvent_"Gateway_"Task_'
    b'"delta":{"updates":{},"deletions":[]},"typename":"Task"},'
    b'"triggered":false,"internal_data":{},"data":{},"delta":{"updates":{'
    b'{"id":"\x01\x02","parent":"\x01\x02","children":["\x01\x02"],"last_state_change":17'
    b'"state":64,"task_spec":"'
)
# A task id as the serializer writes it: a whole JSON string (an id inside longer text stays as it is).
_UUID = re.compile(r'"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"')


def pack_state(json_text: str) -> bytes:
    """The stored form of a state's JSON document (the inverse of `unpack_state`). json.dumps escapes every
    control character inside strings, so a raw byte 1 in the text can only open a reference put here (a raw
    byte 2 closes it)."""
    ids: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        return f'"\x01{ids.setdefault(match.group(1), len(ids))}\x02"'

    body = _UUID.sub(number, json_text).encode("utf-8")
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, DICTIONARY)
    table = bytes.fromhex("".join(ids).replace("-", ""))
    return PACKED + len(ids).to_bytes(4, "big") + table + deflate.compress(body) + deflate.flush()


def unpack_state(stored: bytes | str) -> str:
    """The JSON document of a stored state, whichever form it was stored in."""
    if isinstance(stored, str):
        stored = stored.encode("utf-8")
    if stored.startswith(PACKED):
        n = int.from_bytes(stored[2:6], "big")
        table = [_uuid_text(stored[6 + 16 * i:22 + 16 * i]) for i in range(n)]
        inflate = zlib.decompressobj(-15, DICTIONARY)
        parts = (inflate.decompress(stored[6 + 16 * n:]) + inflate.flush()).split(b"\x01")
        out = [parts[0]]
        for part in parts[1:]:  # "<number>\x02<text up to the next reference>"
            number, _, rest = part.partition(b"\x02")
            out += (table[int(number)], rest)
        return b"".join(out).decode("utf-8")
    if stored.startswith(COMPRESSED.encode("ascii")):
        return zlib.decompress(base64.b64decode(stored[len(COMPRESSED):])).decode("utf-8")
    return stored.decode("utf-8")


def _uuid_text(raw: bytes) -> bytes:
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}".encode("ascii")


class StateCodec:
    """Turns workflows into (compressed) JSON text and back, specs kept apart."""

    def __init__(self, serializer: BpmnWorkflowSerializer | None = None):
        self.serializer = serializer or make_serializer()

    def dump_specs(self, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> str:
        registry = self.serializer.registry
        return json.dumps({
            "spec": registry.convert(spec),
            "subprocess_specs": {k: registry.convert(v) for k, v in subprocess_specs.items()},
        }, separators=(",", ":"))

    def load_specs(self, text: str) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
        registry = self.serializer.registry
        dct = json.loads(text)
        spec = registry.restore(dct["spec"])
        subs = {k: registry.restore(v) for k, v in dct["subprocess_specs"].items()}
        return spec, subs

    def dump_state(self, workflow: BpmnWorkflow) -> bytes:
        registry = self.serializer.registry
        registry._encoder_mode = True
        try:
            dct = registry.convert(workflow)
        finally:
            registry._encoder_mode = False
        dct[self.serializer.VERSION_KEY] = self.serializer.VERSION
        text = json.dumps(dct, cls=self.serializer._encoder_cls, separators=(",", ":"), ensure_ascii=False)
        return pack_state(text)

    def load_state(self, stored: bytes | str, spec: BpmnProcessSpec,
                   subprocess_specs: dict[str, BpmnProcessSpec]) -> BpmnWorkflow:
        dct = json.loads(unpack_state(stored), cls=self.serializer.json_decoder_cls)
        self.serializer.migrate(dct)
        dct["spec"] = spec
        dct["subprocess_specs"] = subprocess_specs
        workflow: BpmnWorkflow = self.serializer.from_dict(dct)
        return workflow

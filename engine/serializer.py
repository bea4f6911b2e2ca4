"""One serializer factory. Workflow state is stored without its spec: the spec lives once per
deployed version (a few KB saved in every dossier) and is re-attached when a dossier is loaded."""
from __future__ import annotations

import base64
import json
import zlib
from copy import deepcopy
from typing import Any

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
        from uuid import UUID

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


# A stored state is its JSON, zlib-compressed, in base64 behind this prefix: a finished dossier's
# 8.5 KB of JSON (task ids, dates, variables repeated per task) becomes about 2.4 KB of text.
# States written before compression (plain JSON, starting with "{") still load.
COMPRESSED = "z1:"


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

    def dump_state(self, workflow: BpmnWorkflow) -> str:
        registry = self.serializer.registry
        registry._encoder_mode = True
        try:
            dct = registry.convert(workflow)
        finally:
            registry._encoder_mode = False
        dct[self.serializer.VERSION_KEY] = self.serializer.VERSION
        text = json.dumps(dct, cls=self.serializer._encoder_cls, separators=(",", ":"), ensure_ascii=False)
        return self.stored_text(text)

    @staticmethod
    def stored_text(json_text: str) -> str:
        """The stored form of a state's JSON document (the inverse of `json_text`)."""
        return COMPRESSED + base64.b64encode(zlib.compress(json_text.encode("utf-8"), 6)).decode("ascii")

    @staticmethod
    def json_text(state: str) -> str:
        """The JSON document of a stored state (compressed or, as older rows are, plain)."""
        if state.startswith(COMPRESSED):
            return zlib.decompress(base64.b64decode(state[len(COMPRESSED):])).decode("utf-8")
        return state

    def load_state(self, text: str, spec: BpmnProcessSpec,
                   subprocess_specs: dict[str, BpmnProcessSpec]) -> BpmnWorkflow:
        dct = json.loads(self.json_text(text), cls=self.serializer.json_decoder_cls)
        self.serializer.migrate(dct)
        dct["spec"] = spec
        dct["subprocess_specs"] = subprocess_specs
        workflow: BpmnWorkflow = self.serializer.from_dict(dct)
        return workflow

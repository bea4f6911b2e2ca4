// MotCua's conventions as first-class fields of the properties panel (docs/definitions.md, "The studio").
//
// What the engine reads, and where the panel writes it:
//   role of a user task            camunda:candidateGroups (reception | specialist | leader); empty: the lane
//   dossier status while open      camunda:property status_code (1–10, the national statuses)
//   desk step                      camunda:property step
//   sub-deadline, working days     camunda:property due_days
//   consulted agency               camunda:property agency (a key of the sidecar's [agencies])
//   handler of a service task      camunda:type="external" camunda:topic (the registry's topics)
//   timer in working days          camunda:property working_days on the timer event: the engine waits that
//                                  many working days of the calendar (a timeDuration/timeDate, if any, is
//                                  ignored)
// The form's fields, types, required and options are the Camunda panel's "Form fields" (camunda:formData).
import { SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

export function propertyOf(bo, name) {
  const ext = bo.get('extensionElements');
  const props = ext && (ext.get('values') || []).find((v) => is(v, 'camunda:Properties'));
  const found = props && (props.get('values') || []).find((p) => p.get('name') === name);
  return found ? String(found.get('value') ?? '') : '';
}

// Set (or, with an empty value, remove) one camunda:property of `element`, as one undoable command.
export function setPropertyOf(injector, element, name, value) {
  const bpmnFactory = injector.get('bpmnFactory');
  const commandStack = injector.get('commandStack');
  const bo = getBusinessObject(element);
  const commands = [];
  let ext = bo.get('extensionElements');
  if (!ext) {
    if (!value) return;
    ext = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    ext.$parent = bo;
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: bo, properties: { extensionElements: ext } } });
  }
  let props = (ext.get('values') || []).find((v) => is(v, 'camunda:Properties'));
  if (!props) {
    if (!value) return;
    props = bpmnFactory.create('camunda:Properties', { values: [] });
    props.$parent = ext;
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: ext, properties: { values: [...(ext.get('values') || []), props] } } });
  }
  const existing = (props.get('values') || []).find((p) => p.get('name') === name);
  if (!value) {
    if (!existing) return;
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: props, properties: { values: props.get('values').filter((p) => p !== existing) } } });
  } else if (existing) {
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: existing, properties: { value: String(value) } } });
  } else {
    const property = bpmnFactory.create('camunda:Property', { name, value: String(value) });
    property.$parent = props;
    commands.push({ cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: props, properties: { values: [...(props.get('values') || []), property] } } });
  }
  commandStack.execute('properties-panel.multi-command-executor', commands);
}

function options(empty, pairs) {
  return [{ value: '', label: empty }, ...pairs.map(([value, label]) => ({ value: String(value), label }))];
}

function PropertySelect(props) {
  const { element, id, name, label, choices, empty, description } = props;
  const injector = useService('injector');
  return h(SelectEntry, {
    element, id, label, description,
    getValue: () => propertyOf(getBusinessObject(element), name),
    setValue: (value) => setPropertyOf(injector, element, name, value),
    getOptions: () => options(empty, choices),
  });
}

function PropertyNumber(props) {
  const { element, id, name, label, description, words } = props;
  const injector = useService('injector');
  const debounce = useService('debounceInput');
  return h(TextFieldEntry, {
    element, id, label, description, debounce,
    getValue: () => propertyOf(getBusinessObject(element), name),
    setValue: (value) => setPropertyOf(injector, element, name, (value || '').trim()),
    validate: (value) => {
      const text = (value || '').trim().replace(',', '.');
      if (!text) return null;
      const number = Number(text);
      return Number.isFinite(number) && number >= 0 && number <= 365 ? null : words.days_invalid;
    },
  });
}

function RoleSelect(props) {
  const { element, id, vocabulary, words } = props;
  const modeling = useService('modeling');
  return h(SelectEntry, {
    element, id, label: words.role, description: words.role_hint,
    getValue: () => (getBusinessObject(element).get('camunda:candidateGroups') || '').split(',')[0].trim(),
    setValue: (value) => modeling.updateProperties(element, { 'camunda:candidateGroups': value || undefined }),
    getOptions: () => options(words.role_by_lane, vocabulary.roles.map((r) => [r, words.roles[r] || r])),
  });
}

function HandlerSelect(props) {
  const { element, id, vocabulary, words } = props;
  const modeling = useService('modeling');
  return h(SelectEntry, {
    element, id, label: words.handler, description: words.handler_hint,
    getValue: () => getBusinessObject(element).get('camunda:topic') || '',
    setValue: (value) => modeling.updateProperties(element, value
      ? { 'camunda:type': 'external', 'camunda:topic': value }
      : { 'camunda:topic': undefined }),
    getOptions: () => {
      const current = getBusinessObject(element).get('camunda:topic');
      const topics = [...vocabulary.topics];
      if (current && !topics.includes(current)) topics.push(current);  // shown, and refused by the check
      return options(words.handler_none, topics.map((t) => [t, t]));
    },
  });
}

function isTimerEvent(element) {
  const bo = getBusinessObject(element);
  return is(element, 'bpmn:Event') && (bo.get('eventDefinitions') || []).some((d) => is(d, 'bpmn:TimerEventDefinition'));
}

export default function MotCuaPropertiesProvider(propertiesPanel, injector, config) {
  const vocabulary = config.vocabulary;
  const words = config.words;
  this.getGroups = (element) => (groups) => {
    const entries = [];
    const add = (id, component, isEdited, extra = {}) => entries.push({ id, component, isEdited, vocabulary, words, ...extra });
    if (is(element, 'bpmn:UserTask')) {
      add('motcua-role', RoleSelect, isSelectEntryEdited);
      add('motcua-status', PropertySelect, isSelectEntryEdited, { name: 'status_code', label: words.status,
        empty: words.status_none, description: words.status_hint,
        choices: vocabulary.statuses.map((s) => [s.code, `${s.code} · ${s.name}`]) });
      add('motcua-step', PropertySelect, isSelectEntryEdited, { name: 'step', label: words.step,
        empty: words.step_auto, choices: vocabulary.steps.map((s) => [s, words.steps[s] || s]) });
      add('motcua-due-days', PropertyNumber, isTextFieldEntryEdited, { name: 'due_days', label: words.due_days,
        description: words.due_days_hint });
      add('motcua-agency', PropertySelect, isSelectEntryEdited, { name: 'agency', label: words.agency,
        empty: words.agency_own, description: words.agency_hint,
        choices: vocabulary.consulted.map((k) => [k, k]) });
    }
    if (is(element, 'bpmn:ServiceTask') || is(element, 'bpmn:SendTask')) {
      add('motcua-handler', HandlerSelect, isSelectEntryEdited);
    }
    if (isTimerEvent(element)) {
      add('motcua-timer-days', PropertyNumber, isTextFieldEntryEdited, { name: 'working_days',
        label: words.timer_days, description: words.timer_days_hint });
    }
    if (entries.length) {
      groups.unshift({ id: 'motcua', label: words.group, entries, shouldOpen: true });
    }
    return groups;
  };
  propertiesPanel.registerProvider(300, this);  // after getGroups: the panel refuses a provider without it
}
MotCuaPropertiesProvider.$inject = ['propertiesPanel', 'injector', 'config.motcua'];

export const MotCuaPanelModule = {
  __init__: ['motCuaPropertiesProvider'],
  motCuaPropertiesProvider: ['type', MotCuaPropertiesProvider],
};

// The analysts' studio at /admin/definitions/CODE/edit (and /new): bpmn-js with its properties panel, the
// Camunda moddle and MotCua's panel; the catalogue form beside it. Checking and proposing are the server's
// (POST check.json / propose.json): this script only marks on the drawing what the server found.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import { MotCuaPanelModule } from './motcua-panel';
import { VietnameseModule } from './vietnamese';

const data = JSON.parse(document.getElementById('studio-data').textContent);
const words = data.words;
const draftKey = `motcua.studio.${data.source.code || 'new'}`;
const status = document.getElementById('studio-status');
const problemList = document.getElementById('studio-problem-list');
const warningList = document.getElementById('studio-warning-list');
const sheetForm = document.getElementById('studio-sheet');

const modeler = new BpmnModeler({
  container: '#studio-canvas',
  propertiesPanel: { parent: '#studio-panel' },
  additionalModules: [
    BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule,
    CamundaBehaviorsModule, MotCuaPanelModule, VietnameseModule,
  ],
  moddleExtensions: { camunda: camundaModdle },
  motcua: { vocabulary: data.source.vocabulary, words: words.panel },
});
window.motcuaStudio = { modeler, load, check, save, propose, simulate, exportXml };  // for the browser tests and the console

let marked = [];

function say(text, kind = 'info') {
  status.textContent = text;
  status.className = `studio-status ${kind}`;
}

// The namespaces the modeler's moddle knows by a fixed prefix. A file that binds one of these prefixes to
// another namespace (Signavio exports `camunda:` for Activiti's) cannot be saved by moddle ("no namespace uri
// given for prefix <ns0>"): such a prefix is renamed in the text before the import, nothing else changes.
const FIXED_PREFIXES = {
  bpmn: 'http://www.omg.org/spec/BPMN/20100524/MODEL',
  bpmndi: 'http://www.omg.org/spec/BPMN/20100524/DI',
  dc: 'http://www.omg.org/spec/DD/20100524/DC',
  di: 'http://www.omg.org/spec/DD/20100524/DI',
  camunda: 'http://camunda.org/schema/1.0/bpmn',
};

function freePrefixes(xml) {
  const root = new DOMParser().parseFromString(xml, 'application/xml').documentElement;
  if (!root || root.getElementsByTagName('parsererror').length) return xml;
  let text = xml;
  for (const attr of [...root.attributes]) {
    const prefix = attr.name.startsWith('xmlns:') ? attr.name.slice(6) : null;
    if (!prefix || !(prefix in FIXED_PREFIXES) || attr.value === FIXED_PREFIXES[prefix]) continue;
    const renamed = `${prefix}_foreign`;
    text = text.replace(new RegExp(`(<\\/?|\\s)${prefix}:`, 'g'), `$1${renamed}:`)
      .replace(new RegExp(`xmlns:${prefix}=`, 'g'), `xmlns:${renamed}=`);
  }
  return text;
}

async function load(xml) {
  return modeler.importXML(freePrefixes(xml));
}

async function open(xml) {
  try {
    const { warnings } = await load(xml);
    modeler.get('canvas').zoom('fit-viewport', 'auto');
    if (warnings.length) say(words.import_warnings.replace('{num}', warnings.length), 'warning');
    return true;
  } catch (err) {
    say(words.import_failed.replace('{problem}', err.message), 'error');
    return false;
  }
}

async function exportXml() {
  const { xml } = await modeler.saveXML({ format: true });
  return xml;
}

function processId() {
  const definitions = modeler.getDefinitions();
  const processes = (definitions.get('rootElements') || []).filter((e) => e.$type === 'bpmn:Process');
  const executable = processes.find((p) => p.get('isExecutable')) || processes[0];
  return executable ? executable.get('id') : '';
}

// The catalogue form as the server's studio.catalogue_with_sheet reads it.
function sheet() {
  const value = (name) => {
    const field = sheetForm.elements.namedItem(name);
    return field ? field.value : '';
  };
  const rows = (kind, read) => [...sheetForm.querySelectorAll(`[data-rows="${kind}"] tr[data-row]`)].map(read);
  const cell = (row, name) => row.querySelector(`[data-name="${name}"]`);
  return {
    code: value('code'), name: value('name'), sector: value('sector'), field: value('field'),
    agency_level: value('agency_level'), agency: value('agency'), process_id: processId(),
    level: value('level'), processing_time_days: value('processing_time_days'),
    same_day: sheetForm.elements.namedItem('same_day').checked,
    legal_basis: value('legal_basis').split('\n').map((l) => l.trim()).filter(Boolean),
    documents: rows('documents', (r) => ({ key: cell(r, 'key').value, name: cell(r, 'name').value,
      required: cell(r, 'required').checked })),
    fees: rows('fees', (r) => ({ name: cell(r, 'name').value, amount_vnd: cell(r, 'amount_vnd').value,
      note: cell(r, 'note').value })),
  };
}

async function body(extra = {}) {
  return {
    filename: data.source.filename, bpmn: await exportXml(), catalogue_filename: data.source.catalogue_filename,
    catalogue: data.source.catalogue, sheet: sheet(), ...extra,
  };
}

async function post(url, payload) {
  const response = await fetch(url, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': data.csrf, Accept: 'application/json' },
    body: JSON.stringify(payload),
  });
  let answer = null;
  try { answer = await response.json(); } catch (e) { answer = null; }
  if (!response.ok) {
    const message = (answer && (answer.message || (answer.error && answer.error.message))) || `HTTP ${response.status}`;
    throw new Error(message);
  }
  return answer;
}

function clearMarks() {
  const canvas = modeler.get('canvas');
  const overlays = modeler.get('overlays');
  for (const id of marked) {
    canvas.removeMarker(id, 'studio-problem');
    canvas.removeMarker(id, 'studio-warning');
  }
  overlays.remove({ type: 'studio-problem' });
  marked = [];
}

function show(answer) {
  clearMarks();
  const registry = modeler.get('elementRegistry');
  const canvas = modeler.get('canvas');
  const overlays = modeler.get('overlays');
  problemList.replaceChildren();
  warningList.replaceChildren();
  const counts = new Map();
  for (const item of answer.problems || []) {
    const li = document.createElement('li');
    const where = `${item.path}:${item.line ?? '-'}: ${item.element ?? '-'}: `;
    li.textContent = where + item.message;
    li.dataset.element = item.element || '';
    if (item.element && registry.get(item.element)) {
      const link = document.createElement('button');
      link.type = 'button';
      link.className = 'link';
      link.textContent = words.show_element;
      link.addEventListener('click', () => {
        const element = registry.get(item.element);
        modeler.get('selection').select(element);
        canvas.scrollToElement(element);
      });
      li.append(' ', link);
      canvas.addMarker(item.element, 'studio-problem');
      marked.push(item.element);
      counts.set(item.element, (counts.get(item.element) || 0) + 1);
    }
    problemList.append(li);
  }
  for (const [element, count] of counts) {
    const badge = document.createElement('span');
    badge.className = 'studio-badge';
    badge.textContent = String(count);
    badge.title = words.problems_here.replace('{num}', count);
    overlays.add(element, 'studio-problem', { position: { top: -10, right: 10 }, html: badge });
  }
  for (const text of answer.warnings || []) {
    const li = document.createElement('li');
    li.textContent = text;
    warningList.append(li);
    const id = (text.match(/^[^:]*:[^:]*: ([^:]+):/) || [])[1];
    if (id && registry.get(id) && !marked.includes(id)) {
      canvas.addMarker(id, 'studio-warning');
      marked.push(id);
    }
  }
  document.getElementById('studio-problems').hidden = !(answer.problems || []).length;
  document.getElementById('studio-warnings').hidden = !(answer.warnings || []).length;
  const num = (answer.problems || []).length;
  if (num) say(words.problems.replace('{num}', num), 'error');
  else say(words.valid, 'ok');
  return answer;
}

async function check() {
  say(words.checking);
  try {
    return show(await post(data.urls.check, await body()));
  } catch (err) {
    say(err.message, 'error');
    return null;
  }
}

// "Lưu": a copy in this browser (nothing is published or proposed), then the server's check.
async function save() {
  const copy = { bpmn: await exportXml(), sheet: sheet(), saved_at: new Date().toISOString() };
  try {
    localStorage.setItem(draftKey, JSON.stringify(copy));
  } catch (err) {
    say(words.save_failed, 'error');
    return null;
  }
  const answer = await check();
  if (answer) say(`${words.saved} ${status.textContent}`, (answer.problems || []).length ? 'error' : 'ok');
  return answer;
}

async function propose(action = 'propose') {
  const note = document.getElementById('studio-note').value;
  say(words.checking);
  try {
    const answer = await post(data.urls.propose, await body({ action, note }));
    if (answer.ok && answer.url) {
      localStorage.removeItem(draftKey);
      say(words.proposed, 'ok');
      window.location.assign(answer.url);
      return answer;
    }
    show(answer);
    say(words.not_proposed.replace('{num}', (answer.problems || []).length), 'error');
    return answer;
  } catch (err) {
    say(err.message, 'error');
    return null;
  }
}

// The test-run of the drawing as it is: the path taken is marked on the canvas, the element where the run
// stopped in orange; each step in the table with the status the dossier would show and the step's due.
let passed = [];

function when(iso) {
  return iso ? new Date(iso).toLocaleString(document.documentElement.lang, { timeZone: 'Asia/Ho_Chi_Minh' }) : '';
}

async function simulate() {
  const outcome = document.getElementById('studio-run-outcome');
  const table = document.getElementById('studio-run-steps');
  const canvas = modeler.get('canvas');
  const registry = modeler.get('elementRegistry');
  for (const id of passed) canvas.removeMarker(id, 'studio-passed');
  passed = [];
  outcome.textContent = words.running;
  let answer;
  try {
    answer = await post(data.urls.simulate, await body({
      decide: document.getElementById('studio-decide').value, at: document.getElementById('studio-at').value }));
  } catch (err) {
    outcome.textContent = err.message;
    return null;
  }
  show(answer);
  const run = answer.simulation;
  table.hidden = !run;
  if (!run) {
    outcome.textContent = words.run_refused;
    return answer;
  }
  const rows = table.querySelector('tbody');
  rows.replaceChildren();
  for (const step of run.steps) {
    const tr = document.createElement('tr');
    const values = Object.entries(step.values || {}).map(([k, v]) => `${k}=${v}`).join(', ');
    const cells = [when(step.at), words.kinds[step.kind] || step.kind,
      `${step.name} (${step.element})${values ? ` — ${values}` : ''}`, `${step.status_code} · ${step.status}`,
      when(step.due_at), (step.notices || []).join('; ')];
    for (const text of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    rows.append(tr);
    if (registry.get(step.element) && !passed.includes(step.element)) {
      canvas.addMarker(step.element, 'studio-passed');
      passed.push(step.element);
    }
  }
  const parts = [];
  if (run.ended) parts.push(words.run_ended.replace('{end}', run.end_event).replace('{status}', `${run.status_code} · ${run.status}`));
  else {
    parts.push(words.run_stopped.replace('{element}', run.stopped_at || '-').replace('{reason}', run.reason || ''));
    if (run.stopped_at && registry.get(run.stopped_at)) {
      canvas.addMarker(run.stopped_at, 'studio-problem');
      marked.push(run.stopped_at);
    }
  }
  if (run.due_at) parts.push(words.run_appointment.replace('{due}', when(run.due_at)));
  const unused = Object.keys(run.unused_decisions || {});
  if (unused.length) parts.push(words.run_unused.replace('{keys}', unused.join(', ')));
  outcome.textContent = parts.join(' ');
  return answer;
}

function fillSheet(values) {
  for (const [name, value] of Object.entries(values)) {
    const field = sheetForm.elements.namedItem(name);
    if (!field || field instanceof RadioNodeList) continue;
    if (field.type === 'checkbox') field.checked = Boolean(value);
    else if (Array.isArray(value)) field.value = value.join('\n');
    else field.value = value ?? '';
  }
  for (const kind of ['documents', 'fees']) {
    const tbody = sheetForm.querySelector(`[data-rows="${kind}"]`);
    tbody.replaceChildren();
    for (const row of values[kind] || []) addRow(kind, row);
  }
}

function addRow(kind, values = {}) {
  const template = document.getElementById(`studio-row-${kind}`);
  const row = template.content.firstElementChild.cloneNode(true);
  for (const input of row.querySelectorAll('[data-name]')) {
    const value = values[input.dataset.name];
    if (input.type === 'checkbox') input.checked = Boolean(value);
    else if (value !== undefined) input.value = value;
  }
  row.querySelector('[data-remove]').addEventListener('click', () => row.remove());
  sheetForm.querySelector(`[data-rows="${kind}"]`).append(row);
  return row;
}

function offerDraft() {
  let copy = null;
  try { copy = JSON.parse(localStorage.getItem(draftKey) || 'null'); } catch (e) { copy = null; }
  if (!copy || !copy.bpmn) return;
  const banner = document.getElementById('studio-draft');
  banner.querySelector('[data-saved-at]').textContent = new Date(copy.saved_at).toLocaleString(document.documentElement.lang);
  banner.hidden = false;
  banner.querySelector('[data-restore]').addEventListener('click', async () => {
    if (await open(copy.bpmn)) fillSheet(copy.sheet || {});
    banner.hidden = true;
    say(words.restored, 'ok');
  });
  banner.querySelector('[data-discard]').addEventListener('click', () => {
    localStorage.removeItem(draftKey);
    banner.hidden = true;
  });
}

sheetForm.addEventListener('submit', (event) => event.preventDefault());
document.getElementById('studio-check').addEventListener('click', check);
document.getElementById('studio-simulate').addEventListener('click', simulate);
document.getElementById('studio-save').addEventListener('click', save);
for (const button of document.querySelectorAll('[data-propose]')) {
  button.addEventListener('click', () => propose(button.dataset.propose));
}
document.getElementById('studio-undo').addEventListener('click', () => modeler.get('commandStack').undo());
document.getElementById('studio-redo').addEventListener('click', () => modeler.get('commandStack').redo());
document.getElementById('studio-open-file').addEventListener('change', async (event) => {
  const [file] = event.target.files;
  if (file && await open(await file.text())) say(words.file_opened.replace('{file}', file.name), 'ok');
  event.target.value = '';
});
document.getElementById('studio-download').addEventListener('click', async () => {
  const url = URL.createObjectURL(new Blob([await exportXml()], { type: 'application/xml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = data.source.filename;
  a.click();
  URL.revokeObjectURL(url);
});
for (const button of document.querySelectorAll('[data-add-row]')) {
  button.addEventListener('click', () => addRow(button.dataset.addRow).querySelector('input').focus());
}

fillSheet(data.source.sheet);
open(data.source.bpmn).then((ok) => {
  document.body.dataset.studio = ok ? 'ready' : 'failed';
  offerDraft();
});

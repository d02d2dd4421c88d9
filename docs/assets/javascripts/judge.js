// The judge of the "Try it yourself" panels (hooks/judge.py), loaded by judge-loader.js on the first Run.
// One Web Worker per page runs Python (Pyodide, vendored under assets/vendor/pyodide/) and the judge of
// examples/algorithms/judge_cases.py on the reader's code. A run that does not finish within the panel's time
// limit is stopped by terminating the worker; a fresh one is started at once for the next run.
// Messages come from the page's wording block (#judge-words), in the page's language.

const WORKER_URL = new URL("judge-worker.js", import.meta.url);
const PYODIDE_URL = new URL("../vendor/pyodide/", import.meta.url);
const PYTHON_URL = new URL("../judge/", import.meta.url);
const words = JSON.parse(document.getElementById("judge-words").textContent);

let worker = null;
let ready = false; // the worker has started Python
let current = null; // the run in progress: {id, panel, input, timer, started}
let runs = 0;

function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function caseName(entry) {
  const note = words.notes[entry.note] || entry.note;
  return format(words.groups[entry.group] || "{note}", { note });
}

function setBusy(busy) {
  document.querySelectorAll("details.judge .judge-run").forEach((button) => {
    button.disabled = busy;
  });
}

function show(panel, ...nodes) {
  const region = panel.querySelector(".judge-result");
  region.replaceChildren(...nodes);
}

function block(text, className) {
  return element("pre", "judge-trace" + (className ? " " + className : ""), text);
}

function startWorker() {
  ready = false;
  worker = new Worker(WORKER_URL, { type: "module" });
  worker.onmessage = (event) => receive(event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    if (current) fail(event.message || "worker error");
    else stopWorker(); // a worker started ahead of time failed: the next run starts another
  };
  worker.postMessage({ type: "init", indexURL: PYODIDE_URL.href, pythonURL: PYTHON_URL.href });
}

function stopWorker() {
  if (worker) worker.terminate();
  worker = null;
}

function finish() {
  if (current && current.timer) clearTimeout(current.timer);
  current = null;
  setBusy(false);
}

function fail(error) {
  if (!current) return;
  const panel = current.panel;
  stopWorker();
  finish();
  show(panel, element("p", "judge-status judge-failed", format(words.start_failed, { error })));
}

function timeout() {
  const { panel, input } = current;
  const seconds = Number(panel.dataset.timeLimit) / 1000;
  stopWorker();
  finish();
  show(panel, element("p", "judge-status judge-failed", format(words.timeout, { seconds, input: input || "-" })));
  startWorker(); // ready for the next run
}

function receive(message) {
  if (message.type === "ready") ready = true;
  if (!current || message.id !== current.id) return;
  if (message.type === "started") {
    current.started = performance.now();
    show(current.panel, element("p", "judge-status", words.running));
    current.timer = setTimeout(timeout, Number(current.panel.dataset.timeLimit));
  } else if (message.type === "case") {
    current.input = message.input;
  } else if (message.type === "result") {
    const panel = current.panel;
    finish();
    render(panel, JSON.parse(message.result));
  } else if (message.type === "failed") {
    fail(message.error);
  }
}

function failureDetails(failure) {
  const list = element("dl", "judge-failure");
  const add = (term, value, className) => {
    list.append(element("dt", null, term));
    const dd = element("dd", className);
    dd.append(element("code", null, value));
    list.append(dd);
  };
  add(words.input, failure.input);
  add(words.expected, failure.expected_raises ? format(words.expected_raises, { error: failure.expected_raises })
    : failure.expected);
  if (failure.raised) add(words.raised, failure.raised);
  else add(words.got, failure.got);
  return list;
}

function caseList(result) {
  const details = element("details", "judge-cases");
  details.append(element("summary", null, words.cases));
  const list = element("ul");
  let randomPassed = 0;
  let randomTotal = 0;
  result.cases.forEach((entry) => {
    if (entry.group === "random") {
      randomTotal += 1;
      if (entry.passed) randomPassed += 1;
      return;
    }
    const item = element("li", entry.passed ? "judge-pass" : "judge-fail");
    item.textContent = caseName(entry) + ": " + (entry.passed ? words.passed : words.failed);
    list.append(item);
  });
  if (randomTotal) {
    const item = element("li", randomPassed === randomTotal ? "judge-pass" : "judge-fail");
    item.textContent = format(words.random_summary, { passed: randomPassed, total: randomTotal });
    list.append(item);
  }
  details.append(list);
  return details;
}

function render(panel, result) {
  const nodes = [];
  if (result.status === "syntax_error" || result.status === "load_error") {
    nodes.push(element("p", "judge-status judge-failed", words[result.status]), block(result.traceback));
  } else if (result.status === "no_function") {
    nodes.push(element("p", "judge-status judge-failed", format(words.no_function, { name: result.name })));
  } else {
    const failure = result.first_failure;
    const summary = failure ? words.some_failed : words.all_passed;
    nodes.push(element("p", "judge-status " + (failure ? "judge-failed" : "judge-passed"),
      format(summary, { passed: result.passed, total: result.total })));
    if (failure) {
      nodes.push(element("p", "judge-first", format(words.first_failure, { case: caseName(failure) })));
      nodes.push(failureDetails(failure));
      if (failure.traceback) nodes.push(block(failure.traceback));
    }
    nodes.push(caseList(result));
  }
  if (result.output) {
    const output = element("details", "judge-output");
    output.append(element("summary", null, words.output), block(result.output));
    nodes.push(output);
  }
  show(panel, ...nodes);
}

export function run(panel) {
  if (current) return;
  runs += 1;
  current = { id: runs, panel, input: null, timer: null, started: null };
  try {
    if (!worker) startWorker();
  } catch (error) {
    fail(String(error)); // no workers here (a page opened from file://, say)
    return;
  }
  setBusy(true);
  show(panel, element("p", "judge-status", ready ? words.running : words.loading));
  worker.postMessage({
    type: "run",
    id: current.id,
    name: panel.dataset.judge,
    source: panel.querySelector(".judge-code").value,
  });
}

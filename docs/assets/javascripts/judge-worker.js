// Web Worker of the "Try it yourself" panels (started by judge.js on the first Run): loads Pyodide and the
// Python files of examples/algorithms that the site ships under assets/judge/ (hooks/judge.py), then judges
// each run with examples.algorithms.judge_cases.judge. Reports "ready", then per run "started", "case" (before
// each case, so that the page can tell on which input a function hung) and "result" (JSON), or "failed".
import { loadPyodide } from "../vendor/pyodide/pyodide.mjs";

const HOME = "/home/pyodide/judge";
let judge = null; // Promise of the Python function that judges a run

async function start({ indexURL, pythonURL }) {
  const text = async (url) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.text();
  };
  const python = loadPyodide({ indexURL, packageBaseUrl: indexURL }); // starts at once
  const files = JSON.parse(await text(pythonURL + "files.json"));
  const [pyodide, ...sources] = await Promise.all([
    python,
    ...files.map(async (path) => [path, await text(pythonURL + path)]),
  ]);
  for (const [path, source] of sources) {
    pyodide.FS.mkdirTree(`${HOME}/${path.slice(0, path.lastIndexOf("/"))}`);
    pyodide.FS.writeFile(`${HOME}/${path}`, source);
  }
  const run = pyodide.runPython(`
import json, sys
sys.path.insert(0, ${JSON.stringify(HOME)})
from examples.algorithms.judge_cases import judge
lambda name, source, progress: json.dumps(judge(name, source, progress))
`);
  self.postMessage({ type: "ready" });
  return run;
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "init") {
    judge = start(message);
    judge.catch(() => {}); // reported to the run that waits for it
    return;
  }
  const { id, name, source } = message;
  try {
    const run = await judge;
    self.postMessage({ type: "started", id });
    const progress = (index, input) => self.postMessage({ type: "case", id, index, input });
    self.postMessage({ type: "result", id, result: run(name, source, progress) });
  } catch (error) {
    self.postMessage({ type: "failed", id, error: String(error && error.message ? error.message : error) });
  }
};

// Render TeX to HTML with the site's vendored KaTeX, for hooks/katex_render.py (formulas rendered at build time).
// Protocol: one JSON array per input line, [[tex, display], ...]; one JSON line back per input line,
// {"html": [...]} or {"error": "..."} for the first formula KaTeX rejects.
// Only KaTeX's HTML is produced, without its hidden MathML copy, which doubled the nodes of a formula-heavy page;
// the hook gives each formula its TeX as accessible name instead.
"use strict";
const readline = require("readline");
const katex = require(process.argv[2]);

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  let reply;
  try {
    reply = {
      html: JSON.parse(line).map(([tex, display]) =>
        katex.renderToString(tex, { displayMode: display, throwOnError: true, output: "html" })
      ),
    };
  } catch (error) {
    reply = { error: String(error && error.message ? error.message : error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});

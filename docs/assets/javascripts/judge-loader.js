// "Try it yourself" panels (hooks/judge.py inlines this file, as a module script, into each page that has one:
// it runs once the page is parsed and never holds up the parser). It only keeps the
// reader's code in local storage, per question and function, and makes Tab indent. The judge itself
// (judge.js, then Pyodide in a Web Worker) is loaded on the first press of "Run tests", never before.
(function () {
  var script = document.getElementById("judge-words").dataset.script;
  var escaped = false; // Esc was pressed: the next Tab leaves the box instead of indenting

  function key(panel) {
    return "interview-answers.judge." + panel.dataset.question + "." + panel.dataset.judge;
  }

  function store(panel, value) {
    try {
      if (value === null) localStorage.removeItem(key(panel));
      else localStorage.setItem(key(panel), value);
    } catch (error) {
      // storage disabled: the code stays in the box for this page view
    }
  }

  document.querySelectorAll("details.judge").forEach(function (panel) {
    var box = panel.querySelector(".judge-code");
    try {
      var saved = localStorage.getItem(key(panel));
      if (saved !== null) {
        box.value = saved;
        panel.open = true;
      }
    } catch (error) {
      // storage disabled
    }
    box.addEventListener("input", function () {
      store(panel, box.value);
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        escaped = true;
        return;
      }
      if (event.key === "Tab" && !event.shiftKey && !escaped && !event.ctrlKey && !event.altKey) {
        event.preventDefault();
        box.setRangeText("    ", box.selectionStart, box.selectionEnd, "end");
        store(panel, box.value);
      }
      escaped = false;
    });
    panel.querySelector(".judge-reset").addEventListener("click", function () {
      box.value = box.defaultValue;
      store(panel, null);
      panel.querySelector(".judge-result").textContent = "";
    });
    panel.querySelector(".judge-run").addEventListener("click", function () {
      import(script).then(function (judge) {
        judge.run(panel);
      }, function (error) {
        panel.querySelector(".judge-result").textContent = String(error);
      });
    });
  });
})();

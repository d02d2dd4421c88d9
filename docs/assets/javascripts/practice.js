// Practice mode. A switch hides every answer behind its question (the answer is the
// .practice-answer element that hooks/practice.py wraps around everything after the question);
// "I know this" marks a question as known; pages that list questions show the progress.
// State lives in the browser's local storage. Re-runs after Material's instant navigation.
(function () {
  var MODE_KEY = "interview-answers.practice";
  var KNOWN_KEY = "interview-answers.known";

  function read(key, fallback) {
    try {
      var value = JSON.parse(localStorage.getItem(key));
      return value === null ? fallback : value;
    } catch (error) {
      return fallback;
    }
  }

  function write(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      // storage disabled: the controls still work for this page view
    }
  }

  function practising() {
    return read(MODE_KEY, false) === true;
  }

  function knownSet() {
    var known = read(KNOWN_KEY, {});
    return known && typeof known === "object" && !Array.isArray(known) ? known : {};
  }

  function setKnown(question, isKnown) {
    var known = knownSet();
    if (isKnown) known[question] = new Date().toISOString();
    else delete known[question];
    write(KNOWN_KEY, known);
  }

  function render() {
    var on = practising();
    var known = knownSet();
    document.documentElement.classList.toggle("practice-mode", on);
    document.querySelectorAll(".practice-toggle").forEach(function (box) {
      box.checked = on;
    });
    document.querySelectorAll(".practice-bar").forEach(function (bar) {
      var isKnown = Boolean(known[bar.dataset.question]);
      bar.querySelector(".practice-known-box").checked = isKnown;
      bar.classList.toggle("is-known", isKnown);
    });
    var cells = document.querySelectorAll(".question-id[data-question]");
    var count = 0;
    cells.forEach(function (cell) {
      var isKnown = Boolean(known[cell.dataset.question]);
      if (isKnown) count += 1;
      var row = cell.closest("tr") || cell;
      row.classList.toggle("practice-known-row", isKnown);
    });
    document.querySelectorAll(".practice-progress").forEach(function (panel) {
      var text = panel.querySelector(".practice-progress-text");
      text.textContent = text.dataset.template
        .replace("{known}", String(count))
        .replace("{total}", String(cells.length));
      var bar = panel.querySelector(".practice-progress-bar");
      bar.max = Math.max(cells.length, 1);
      bar.value = count;
    });
  }

  function setup() {
    document.querySelectorAll(".practice-toggle").forEach(function (box) {
      box.addEventListener("change", function () {
        write(MODE_KEY, box.checked);
        document.querySelectorAll(".practice-answer").forEach(function (answer) {
          answer.classList.remove("is-revealed");
        });
        document.querySelectorAll(".practice-bar").forEach(function (bar) {
          bar.classList.remove("is-revealed");
        });
        render();
      });
    });
    document.querySelectorAll(".practice-bar").forEach(function (bar) {
      var question = bar.dataset.question;
      bar.querySelector(".practice-reveal").addEventListener("click", function () {
        bar.classList.add("is-revealed");
        document.querySelectorAll(".practice-answer").forEach(function (answer) {
          if (answer.dataset.question === question) answer.classList.add("is-revealed");
        });
      });
      bar.querySelector(".practice-known-box").addEventListener("change", function (event) {
        setKnown(question, event.target.checked);
        render();
      });
    });
    render();
  }

  // Another tab changed the state: show it here too.
  window.addEventListener("storage", function (event) {
    if (event.key === MODE_KEY || event.key === KNOWN_KEY) render();
  });

  if (typeof document$ !== "undefined") {
    document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();

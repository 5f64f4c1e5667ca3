/* The quiz page, enhanced: one question at a time (上一题/下一题), which question of how
 * many, and a countdown that hands the paper in when time is up. Without JavaScript the
 * page is a plain form with every question and a 交卷 button. */
"use strict";

(function () {
  const form = document.querySelector("[data-quiz]");
  if (!form) return;
  const questions = Array.from(form.querySelectorAll("[data-quiz-question]"));
  if (!questions.length) return;
  const prev = form.querySelector("[data-quiz-prev]");
  const next = form.querySelector("[data-quiz-next]");
  const submit = form.querySelector("[data-quiz-submit]");
  const step = form.querySelector("[data-quiz-step]");
  const timer = form.querySelector("[data-quiz-timer]");
  const stepLabel = form.dataset.stepLabel || "%(n)s / %(total)s";
  const deadline = Date.now() + 1000 * Number(form.dataset.secondsLeft || 0);
  let current = 0;

  form.classList.add("quiz--one-by-one");
  form.querySelector("[data-quiz-bar]").hidden = false;

  function show(index) {
    current = Math.max(0, Math.min(index, questions.length - 1));
    questions.forEach((question, n) => {
      question.hidden = n !== current;
    });
    const last = current === questions.length - 1;
    prev.hidden = current === 0;
    next.hidden = last;
    submit.hidden = !last;
    step.textContent = stepLabel
      .replace("%(n)s", String(current + 1))
      .replace("%(total)s", String(questions.length));
    form.dataset.current = String(current + 1);
  }

  prev.addEventListener("click", () => show(current - 1));
  next.addEventListener("click", () => {
    show(current + 1);
    questions[current].scrollIntoView({ block: "nearest" });
  });

  function two(n) {
    return String(n).padStart(2, "0");
  }

  let handedIn = false;
  form.addEventListener("submit", () => {
    handedIn = true;
  });

  function tick() {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    timer.textContent = `${two(Math.floor(left / 60))}:${two(left % 60)}`;
    timer.classList.toggle("quiz__timer--low", left <= 30);
    if (left === 0 && !handedIn) {
      handedIn = true;
      clearInterval(ticking);
      form.submit();
    }
  }

  const ticking = setInterval(tick, 1000);
  tick();
  show(0);
})();

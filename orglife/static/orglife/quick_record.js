// 快速记录 (templates/orglife/admin/quick_record.html): the browser checks what it can
// before sending, so photos picked are not lost to a round trip — the topic (required in
// the markup) and the reason of a member unticked as 请假. The server checks all again.
(function () {
  "use strict";
  const form = document.querySelector("[data-quick-record]");
  if (!form) return;

  function update(row) {
    const present = row.querySelector("[data-testid=qr-present]");
    const leave = row.querySelector("[data-testid=qr-leave]");
    const reason = row.querySelector("[data-testid=qr-reason]");
    reason.required = !present.checked && leave.checked;
  }

  const rows = form.querySelectorAll("[data-testid=qr-member]");
  rows.forEach(update);
  form.addEventListener("change", function (event) {
    const row = event.target.closest("[data-testid=qr-member]");
    if (row) update(row);
  });
})();

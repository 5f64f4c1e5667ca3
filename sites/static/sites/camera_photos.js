// Photos from the camera in a phone form (快速发布, 快速记录): each photo picked (from the
// camera or the album) becomes a row with its thumbnail, its own file input and a
// 图片说明 filled from the form's title field (`data-quick-caption-source`, #id_title
// unless told) until the editor types one. Without this script the page still works:
// the picker's files are sent as they are and the title stands in.
(function () {
  "use strict";
  const form = document.querySelector("[data-quick-form]");
  if (!form) return;
  const picker = form.querySelector("[data-quick-input]");
  const list = form.querySelector("[data-quick-photos]");
  const template = form.querySelector("[data-quick-template]");
  const title = form.querySelector(form.dataset.quickCaptionSource || "#id_title");
  const submit = form.querySelector("[data-quick-submit]");
  const canMove = typeof DataTransfer === "function";

  function renumber() {
    list.querySelectorAll("[data-testid=quick-photo]").forEach(function (row, n) {
      const label = row.querySelector(".quick__caption span");
      if (label) label.textContent = list.dataset.captionLabel.replace("{n}", n + 1);
    });
  }

  function addRow(file) {
    const row = template.content.firstElementChild.cloneNode(true);
    const input = row.querySelector("input[type=file]");
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    const thumb = row.querySelector("img");
    thumb.src = URL.createObjectURL(file);
    const caption = row.querySelector("[data-quick-caption]");
    caption.value = title ? title.value.trim() : "";
    list.appendChild(row);
  }

  if (canMove) {
    picker.removeAttribute("name"); // the rows' own inputs carry the files
    picker.addEventListener("change", function () {
      Array.from(picker.files).forEach(addRow);
      picker.value = "";
      renumber();
    });
  }

  list.addEventListener("click", function (event) {
    const button = event.target.closest("[data-quick-remove]");
    if (!button) return;
    const row = button.closest("li");
    const thumb = row.querySelector("img[src^='blob:']");
    if (thumb) URL.revokeObjectURL(thumb.src);
    row.remove();
    renumber();
  });

  // A caption typed by hand stays; the others follow the title.
  list.addEventListener("input", function (event) {
    if (event.target.matches("[data-quick-caption]")) event.target.dataset.auto = "0";
  });
  if (title) {
    title.addEventListener("input", function () {
      list.querySelectorAll("[data-quick-caption][data-auto='1']").forEach(function (field) {
        field.value = title.value.trim();
      });
    });
  }

  form.addEventListener("submit", function () {
    submit.disabled = true;
    submit.textContent = submit.dataset.busyLabel;
  });
})();

/* 风采展示 albums: the page is a plain list of photos (each links to its large picture);
 * here it becomes a lightbox. A tap opens the photo full screen; arrows, the ← → keys and
 * a sideways swipe go to the previous/next one; Esc, the close button or a tap beside
 * the photo closes it. No inline styles (CSP style-src 'self'): classes only. */
"use strict";

(function () {
  const album = document.querySelector("[data-album]");
  if (!album || typeof HTMLDialogElement !== "function") return;
  const links = Array.from(album.querySelectorAll("[data-album-photo]"));
  if (!links.length) return;
  const label = (name) => album.dataset["label" + name] || "";
  const SWIPE_PX = 40;

  const dialog = document.createElement("dialog");
  dialog.className = "lightbox";
  dialog.setAttribute("aria-label", label("Dialog"));
  dialog.innerHTML =
    '<figure class="lightbox__figure"><img class="lightbox__image" alt="" decoding="async">' +
    '<figcaption class="lightbox__caption"></figcaption></figure>' +
    '<p class="lightbox__count" aria-live="polite"></p>' +
    '<button type="button" class="lightbox__button lightbox__button--previous"></button>' +
    '<button type="button" class="lightbox__button lightbox__button--next"></button>' +
    '<button type="button" class="lightbox__button lightbox__button--close"></button>';
  document.body.appendChild(dialog);
  const image = dialog.querySelector(".lightbox__image");
  const caption = dialog.querySelector(".lightbox__caption");
  const count = dialog.querySelector(".lightbox__count");
  const buttons = {
    previous: dialog.querySelector(".lightbox__button--previous"),
    next: dialog.querySelector(".lightbox__button--next"),
    close: dialog.querySelector(".lightbox__button--close"),
  };
  for (const [name, button] of Object.entries(buttons)) {
    const text = label(name[0].toUpperCase() + name.slice(1));
    button.setAttribute("aria-label", text);
    button.title = text;
  }
  let current = 0;

  function show(index) {
    current = (index + links.length) % links.length;
    const link = links[current];
    const thumb = link.querySelector("img");
    const text = link.closest("figure").querySelector("figcaption");
    image.removeAttribute("srcset");
    image.src = link.href;
    if (thumb && thumb.srcset) {
      image.sizes = "100vw";
      image.srcset = thumb.srcset;
    }
    image.alt = thumb ? thumb.alt : "";
    if (thumb) {
      image.width = thumb.width;
      image.height = thumb.height;
    }
    caption.textContent = text ? text.textContent : "";
    caption.hidden = !text;
    count.textContent = `${current + 1} / ${links.length}`;
    dialog.dataset.index = String(current);
    const single = links.length < 2;
    buttons.previous.hidden = single;
    buttons.next.hidden = single;
  }

  links.forEach((link, index) => {
    link.addEventListener("click", (event) => {
      if (event.metaKey || event.ctrlKey || event.shiftKey) return; // a new tab, as asked
      event.preventDefault();
      show(index);
      if (!dialog.open) dialog.showModal();
    });
  });
  buttons.previous.addEventListener("click", () => show(current - 1));
  buttons.next.addEventListener("click", () => show(current + 1));
  buttons.close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close(); // the backdrop, beside the photo
  });
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "ArrowLeft") show(current - 1);
    else if (event.key === "ArrowRight") show(current + 1);
  });
  dialog.addEventListener("close", () => links[current].focus());

  let startX = null;
  let startY = null;
  dialog.addEventListener("pointerdown", (event) => {
    dialog.dataset.swiped = "";
    startX = event.clientX;
    startY = event.clientY;
  });
  dialog.addEventListener("pointerup", (event) => {
    if (startX === null) return;
    const dx = event.clientX - startX;
    const dy = event.clientY - startY;
    startX = null;
    if (Math.abs(dx) >= SWIPE_PX && Math.abs(dx) > Math.abs(dy)) {
      show(dx < 0 ? current + 1 : current - 1);
    }
  });
  // A swipe must not also count as a tap on the backdrop (which closes).
  dialog.addEventListener(
    "click",
    (event) => {
      if (dialog.dataset.swiped === "1") {
        dialog.dataset.swiped = "";
        event.stopImmediatePropagation();
      }
    },
    true
  );
  dialog.addEventListener("pointermove", (event) => {
    if (startX !== null && Math.abs(event.clientX - startX) >= SWIPE_PX) {
      dialog.dataset.swiped = "1";
    }
  });
  album.classList.add("album__photos--lightbox");
})();

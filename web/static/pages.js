// Small behaviours of the pages, kept out of the HTML so that the Content-Security-Policy can forbid
// inline scripts (web/headers.py).
"use strict";

// A diagram that cannot be drawn hides its whole section instead of showing a broken image.
function hideSectionOf(img) {
  const section = img.closest("section");
  if (section) section.hidden = true;
}

document.querySelectorAll("img[data-hide-section-on-error]").forEach((img) => {
  if (img.complete && img.naturalWidth === 0 && img.getAttribute("src")) {
    hideSectionOf(img);  // it failed before this script ran
  }
  img.addEventListener("error", () => hideSectionOf(img));
});

// On a phone the header's menu folds behind one button; the button says whether it is open.
(function () {
  const header = document.querySelector("header.site");
  const button = header && header.querySelector(".menu-toggle");
  if (!button) return;
  header.classList.add("js-menu");
  button.hidden = false;
  button.addEventListener("click", () => {
    const open = header.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
}());

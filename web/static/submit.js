// The submission form, progressively: each chosen file is checked for type and size before anything is
// sent, and the dossier goes with a progress bar and its buttons disabled. Without this script the form
// still works (the server checks everything, and keeps every answer and acceptable file as a draft).
"use strict";

(function () {
  const form = document.querySelector("form.submission");
  if (!form) return;
  const maxBytes = Number(form.dataset.maxBytes || 0);
  const allowed = [".pdf", ".jpg", ".jpeg", ".png"];
  const types = ["application/pdf", "image/jpeg", "image/png"];

  function complain(input, text) {
    const box = document.getElementById(input.id + "-client");
    if (!box) return;
    box.textContent = text || "";
    box.hidden = !text;
    input.setAttribute("aria-invalid", text ? "true" : "false");
  }

  form.querySelectorAll("input[type=file]").forEach((input) => {
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      if (!file) { complain(input, ""); return; }
      const name = file.name.toLowerCase();
      const typeOk = allowed.some((ext) => name.endsWith(ext)) && (!file.type || types.includes(file.type));
      if (!typeOk) {
        complain(input, form.dataset.wrongType);
        input.value = "";
      } else if (maxBytes && file.size > maxBytes) {
        complain(input, form.dataset.tooLarge);
        input.value = "";
      } else {
        complain(input, "");
      }
    });
  });

  if (!window.XMLHttpRequest || !window.FormData) return;
  const target = new URL(form.getAttribute("action"), window.location.href);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const pressed = event.submitter;
    if (pressed && pressed.name) data.set(pressed.name, pressed.value);
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    const area = form.querySelector(".progress-area");
    const bar = area && area.querySelector("progress");
    const text = area && area.querySelector(".progress-text");
    if (area) area.hidden = false;
    if (text) text.textContent = form.dataset.sending || "";
    const request = new XMLHttpRequest();
    request.open("POST", target.href);
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable && bar) bar.value = Math.round((e.loaded / e.total) * 100);
    });
    request.addEventListener("load", () => {
      if (request.responseURL && new URL(request.responseURL).pathname !== target.pathname) {
        window.location.assign(request.responseURL);  // the receipt (or the saved draft) after a redirect
        return;
      }
      document.open();
      document.write(request.responseText);  // the form again, with what is wrong named and the work kept
      document.close();
    });
    request.addEventListener("error", () => {
      buttons.forEach((b) => { b.disabled = false; });
      if (area) area.hidden = true;
      form.submit();  // let the browser try the ordinary way
    });
    request.send(data);
  });
}());

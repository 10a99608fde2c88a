// Ledger's one script: dialogs. Every page works without it except that a dialog's form is then shown in place.
(() => {
  "use strict";
  const open = (dialog) => {
    if (!dialog.open) dialog.showModal();
    const first = dialog.querySelector("[autofocus], input:not([type=hidden]), select, textarea, button");
    if (first) first.focus();
  };
  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-dialog]");
    if (opener) {
      const dialog = document.getElementById(opener.getAttribute("data-dialog"));
      if (dialog) { event.preventDefault(); open(dialog); }
      return;
    }
    const closer = event.target.closest("[data-dialog-close]");
    if (closer) { event.preventDefault(); closer.closest("dialog")?.close(); }
  });
  // A dialog the server rendered with errors opens again as it was.
  document.querySelectorAll("dialog[data-open]").forEach((dialog) => { dialog.removeAttribute("open"); open(dialog); });
  // A button that asks first (revoking a token, importing only the good rows).
  document.addEventListener("submit", (event) => {
    const button = event.submitter;
    const question = button?.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();

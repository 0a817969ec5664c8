/* The print button of a printable form or receipt (no inline handler: the pages' CSP). */
document.querySelectorAll('[data-print]').forEach(function (button) {
  button.addEventListener('click', function () { window.print(); });
});

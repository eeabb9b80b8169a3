// The "In" (print) buttons: a button marked data-print opens the browser's print dialog.
// A listener in a file, not an onclick attribute: the Content-Security-Policy allows no
// inline script (dangvien/lib/security.py).
document.addEventListener("click", function (event) {
  var target = event.target;
  if (target instanceof Element && target.closest("[data-print]")) {
    window.print();
  }
});

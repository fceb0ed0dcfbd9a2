// Quick-reference sheets: the "Print this sheet" button (shown only when this script runs).
for (const button of document.querySelectorAll('[data-print-sheet]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}

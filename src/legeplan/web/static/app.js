// legeplan: behaviour that used to be inline (the Content-Security-Policy allows no inline script).
// A form with data-confirm asks before it is sent; the question is text from the page, never code.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // The main menu is a <details> so a phone gets a menu button without script; on a wide screen it stays open.
  var wide = window.matchMedia("(min-width: 56rem)");
  function placeMenu() {
    document.querySelectorAll("details.menu").forEach(function (menu) {
      if (wide.matches) { menu.setAttribute("open", ""); }
      else { menu.removeAttribute("open"); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    placeMenu();
    wide.addEventListener("change", placeMenu);
    // A form with errors: move focus to the error summary so a screen reader reads it first.
    var summary = document.querySelector(".ds-error-summary");
    if (summary) { summary.focus(); }
    // A table that scrolls inside its own box must be reachable by keyboard (WCAG 2.1.1).
    document.querySelectorAll(".scroll, table.data, figure.chart").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "0"); }
    });
  });
  // Forms that delete ask first; the question is in the form's data-confirm attribute (no inline script).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
// The user form: the physician picker only matters for the role «Lege»; hidden for the other roles.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var role = document.getElementById("u-role");
    if (!role) { return; }
    var fields = document.querySelectorAll("[data-role-field]");
    function sync() {
      fields.forEach(function (field) { field.hidden = field.getAttribute("data-role-field") !== role.value; });
    }
    role.addEventListener("change", sync);
    sync();
  });
})();

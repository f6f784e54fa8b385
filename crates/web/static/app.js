// weizhili: small conveniences only; every page works without this file.
// A form with data-confirm asks first (the browser's own dialog, not a pop-up window); the question comes from
// the locale files through the template.
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

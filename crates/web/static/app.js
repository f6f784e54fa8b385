// weizhili: small conveniences only; every page works without this file.
// Confirm before moving a resident out (a plain confirm is the browser's own dialog, not a pop-up window).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.action && /\/move-out$/.test(form.action) && form.dataset.confirmed !== "1") {
    var ok = window.confirm(document.documentElement.lang === "en" ? "Mark this person as moved out?" : "确定登记此人已迁出吗？");
    if (!ok) { event.preventDefault(); }
  }
});

// weizhili: the big screen keeps itself current. It listens to the wall's events (server-sent events) and, when
// a wish changes, fetches the JSON wall and redraws the cards. Texts come from the page (data-l-* attributes),
// so the script holds no words of its own. Without this file the page reloads itself every minute.
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root || !window.fetch) { return; }
  var community = root.getAttribute("data-community");
  var max = parseInt(root.getAttribute("data-max"), 10) || 12;
  var list = document.getElementById("screen-items");
  var label = function (key) { return root.getAttribute("data-l-" + key) || ""; };
  var pending = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function card(item) {
    var li = el("li", "screen-card " + item.status);
    var status = el("p", "screen-status");
    status.appendChild(el("span", "", label("wish-status-" + item.status)));
    if (item.priority) {
      status.appendChild(document.createTextNode(" "));
      status.appendChild(el("span", "screen-priority", label("wish-priority")));
    }
    li.appendChild(status);
    li.appendChild(el("h2", "", item.title));
    var meta = [label("wish-category-" + item.category.replace(/_/g, "-"))];
    if (item.building) { meta.push(item.building); }
    meta.push(item.wisher);
    li.appendChild(el("p", "screen-meta", meta.join(" · ")));
    if (item.claimant) {
      li.appendChild(el("p", "screen-claimant", label("wish-claimed-by").replace("{name}", item.claimant)));
    }
    if (item.thanks) { li.appendChild(el("p", "screen-thanks", "\u{1F60A} " + item.thanks)); }
    return li;
  }

  function draw(items) {
    var fresh = document.createDocumentFragment();
    items.slice(0, max).forEach(function (item) { fresh.appendChild(card(item)); });
    list.replaceChildren(fresh);
    var empty = document.getElementById("screen-empty");
    if (items.length === 0 && !empty) {
      empty = el("p", "screen-empty", label("wall-empty"));
      empty.id = "screen-empty";
      list.parentNode.insertBefore(empty, list.nextSibling);
    } else if (items.length > 0 && empty) {
      empty.remove();
    }
  }

  function refresh() {
    pending = null;
    fetch("/api/v1/wall/" + community, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(draw)
      .catch(function () { /* the next event or the minute timer tries again */ });
  }

  // Several changes in a burst (a volunteer claiming three wishes) make one fetch.
  function soon() {
    if (pending === null) { pending = setTimeout(refresh, 400); }
  }

  if (window.EventSource) {
    var source = new EventSource("/wall/" + community + "/events");
    source.addEventListener("wall", soon);
    // After a reconnect, changes made while the connection was down were missed: fetch once.
    source.addEventListener("open", soon);
  }
  // A safety net for a stream silently cut by a proxy; the wall's JSON comes from memory, so this is cheap.
  setInterval(refresh, 60000);
})();

// The report's script: it renders the embedded data (findings with
// filters, search and pages; the team tree and its details). It writes
// every value from the files with textContent, never as HTML.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("ovsync-data").textContent);
  var PAGE = 100;
  var MARKS = [
    [1, "missing", "not in the teams file"],
    [16, "cycle", "sub-team cycle"],
    [2, "nomanager", "no manager"],
    [4, "empty", "empty"],
    [8, "gap", "hierarchy gap"]
  ];
  var SEV = ["error", "warning", "info"];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var k = arguments[i];
      if (k === null || k === undefined) continue;
      parent.appendChild(typeof k === "string" ? document.createTextNode(k) : k);
    }
    return parent;
  }
  function button(cls, text, fn) {
    var b = el("button", cls, text);
    b.type = "button";
    b.addEventListener("click", fn);
    return b;
  }
  function plural(n, one, many) { return n === 1 ? "1 " + one : n + " " + many; }
  function userName(u) { return D.users[u][1]; }
  function userLabel(u) { var x = D.users[u]; return x[1] === x[0] ? x[0] : x[1] + " (" + x[0] + ")"; }
  function teamLabel(t) { var x = D.teams[t]; return x.name ? x.name : x.id; }

  // ---- findings ----
  var state = { sev: "", rule: "", source: "", q: "", shown: PAGE };
  var searchText = [];
  function findingText(i) {
    if (searchText[i] !== undefined) return searchText[i];
    var f = D.findings[i], parts = [f.message, f.field || "", f.rule, D.sources[f.source].file];
    if (f.row >= 0) parts.push(D.sources[f.source].rows[f.row].fields.join(" "));
    if (f.user >= 0) parts.push(D.users[f.user][0], D.users[f.user][1], D.users[f.user][2]);
    if (f.team >= 0) parts.push(D.teams[f.team].id, D.teams[f.team].name);
    return (searchText[i] = parts.join("\n").toLowerCase());
  }
  function matches(i) {
    var f = D.findings[i];
    return (!state.sev || f.severity === state.sev) && (!state.rule || f.rule === state.rule) &&
      (state.source === "" || String(f.source) === state.source) && (!state.q || findingText(i).indexOf(state.q) >= 0);
  }

  var live, shownInfo, matchesBox;
  function controls() {
    var c = document.getElementById("controls");
    function select(label, id, opts, key) {
      var l = el("label", null, label), s = el("select");
      s.id = id;
      opts.forEach(function (o) { var op = el("option", null, o[1]); op.value = o[0]; s.appendChild(op); });
      s.addEventListener("change", function () { state[key] = s.value; state.shown = PAGE; renderFindings(); });
      return add(l, s);
    }
    var rules = [], sources = [], seenRule = {}, seenSrc = {};
    D.findings.forEach(function (f) {
      if (!seenRule[f.rule]) { seenRule[f.rule] = 1; rules.push([f.rule, f.rule]); }
      if (!seenSrc[f.source]) { seenSrc[f.source] = 1; sources.push([String(f.source), D.sources[f.source].file]); }
    });
    rules.sort(function (a, b) { return a[0] < b[0] ? -1 : 1; });
    add(c, select("Severity", "f-sev", [["", "all"]].concat(SEV.map(function (s) { return [s, s]; })), "sev"),
      select("Rule", "f-rule", [["", "all rules"]].concat(rules), "rule"),
      select("File", "f-file", [["", "all files"]].concat(sources), "source"));
    var l = el("label", null, "Search (name, email, id, text)"), q = el("input");
    q.type = "search"; q.id = "f-search"; q.placeholder = "e.g. 00042 or ann@";
    var timer = 0;
    q.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.q = q.value.trim().toLowerCase(); state.shown = PAGE; renderFindings(); renderMatches(); }, D.users.length > 50000 ? 250 : 60);
    });
    add(c, add(l, q));
    shownInfo = el("p", "shown"); shownInfo.id = "shown"; shownInfo.setAttribute("aria-live", "polite");
    add(c, shownInfo);
    c.hidden = false;
  }

  function rowTable(f) {
    var src = D.sources[f.source];
    if (f.row < 0) return null;
    var row = src.rows[f.row], header = src.header || [], headerOnly = row.line === 1;
    var t = el("table", "row" + (f.cell < 0 ? " whole" : "") + (headerOnly ? " headeronly" : "")), thead = el("thead"), tr = el("tr");
    add(tr, el("th", "ln", "line"));
    var n = Math.max(header.length, row.fields.length);
    for (var c = 0; c < n; c++) {
      var th = el("th", headerOnly && c === f.cell ? "hi" : null, c < header.length ? header[c] : "");
      th.scope = "col";
      tr.appendChild(th);
    }
    add(t, add(thead, tr));
    if (!headerOnly) {
      var body = el("tbody"), r = el("tr");
      add(r, el("td", "ln", row.line));
      for (c = 0; c < row.fields.length; c++) r.appendChild(el("td", c === f.cell ? "hi" : null, row.fields[c]));
      add(t, add(body, r));
    }
    return add(el("div", "rowwrap"), t);
  }

  function findingItem(i) {
    var f = D.findings[i], li = el("li", "finding");
    li.id = "f" + i;
    li.tabIndex = -1;
    var where = add(el("p", "where"), el("code", "loc", D.sources[f.source].file + ":" + f.line + ":" + f.column));
    if (f.team >= 0) {
      var tb = add(where, " ", button("link goto", "team " + D.teams[f.team].id + " in the org chart", function () { selectTeam(f.team, true); })).lastChild;
      tb.dataset.team = f.team;
      tb.dataset.teamId = D.teams[f.team].id;
    }
    if (f.user >= 0) add(where, " ", button("link goto", "user " + D.users[f.user][0] + " in the org chart", function () { selectUser(f.user, true); })).lastChild.dataset.user = f.user;
    add(li, where, el("p", "msg", f.message), f.hint ? el("p", "hint", f.hint) : null, rowTable(f));
    return li;
  }

  function renderFindings() {
    var list = [];
    for (var i = 0; i < D.findings.length; i++) if (matches(i)) list.push(i);
    live.textContent = "";
    var group = null, ol = null, key = "";
    var counts = {};
    list.forEach(function (i) { var k = D.findings[i].rule + "/" + D.findings[i].severity; counts[k] = (counts[k] || 0) + 1; });
    for (var j = 0; j < list.length && j < state.shown; j++) {
      var f = D.findings[list[j]], k = f.rule + "/" + f.severity;
      if (k !== key) {
        key = k;
        group = el("section", "group sev-" + f.severity);
        add(group, add(el("h3"), el("span", "sev", f.severity), " ", el("code", null, f.rule), " ", el("span", "n", counts[k])));
        ol = el("ol", "list");
        add(live, add(group, ol));
      }
      ol.appendChild(findingItem(list[j]));
    }
    if (list.length > state.shown) {
      add(live, button("more-btn", "Show " + Math.min(PAGE, list.length - state.shown) + " more of " + (list.length - state.shown), function () {
        state.shown += PAGE; renderFindings();
      }));
    }
    if (list.length === 0) add(live, el("p", "notice", D.findings.length ? "No finding matches the filters." : "No findings: the files pass every rule."));
    shownInfo.textContent = "Showing " + Math.min(list.length, state.shown) + " of " + list.length + " matching findings (" + D.findings.length + " in all)";
    return list;
  }

  function renderMatches() {
    matchesBox.textContent = "";
    var q = state.q;
    if (q.length < 2) { matchesBox.hidden = true; return; }
    var us = [], ts = [], LIM = 20, nu = 0, nt = 0;
    for (var u = 0; u < D.users.length; u++) {
      var x = D.users[u];
      if (x[0].toLowerCase().indexOf(q) >= 0 || x[1].toLowerCase().indexOf(q) >= 0 || x[2].toLowerCase().indexOf(q) >= 0) { nu++; if (us.length < LIM) us.push(u); }
    }
    for (var t = 0; t < D.teams.length; t++) {
      if (D.teams[t].id.toLowerCase().indexOf(q) >= 0 || D.teams[t].name.toLowerCase().indexOf(q) >= 0) { nt++; if (ts.length < LIM) ts.push(t); }
    }
    add(matchesBox, el("strong", null, "In the org: " + plural(nu, "user", "users") + ", " + plural(nt, "team", "teams") + " match"));
    var ul = el("ul");
    us.forEach(function (u) { add(ul, add(el("li"), button("link", userLabel(u), function () { selectUser(u, true); }), " ", el("span", "meta", D.users[u][2]))); });
    ts.forEach(function (t) { add(ul, add(el("li"), button("link", teamLabel(t), function () { selectTeam(t, true); }), " ", el("span", "tid", D.teams[t].id))); });
    if (nu > us.length || nt > ts.length) add(ul, el("li", "meta", "… narrow the search to see the rest"));
    add(matchesBox, ul);
    matchesBox.hidden = false;
  }

  function goToFinding(i) {
    if (!matches(i)) {
      state.sev = state.rule = state.source = state.q = "";
      ["f-sev", "f-rule", "f-file", "f-search"].forEach(function (id) { document.getElementById(id).value = ""; });
      renderMatches();
    }
    var list = renderFindings(), pos = list.indexOf(i);
    if (pos >= state.shown) { state.shown = pos + 1; renderFindings(); }
    var li = document.getElementById("f" + i);
    if (li) {
      li.scrollIntoView({ block: "center" });
      li.classList.add("flash");
      setTimeout(function () { li.classList.remove("flash"); }, 1600);
      li.focus();
    }
  }

  // ---- org tree ----
  var treeBox, details, selected = null, parentOf = null;
  function markBadges(m, into) {
    MARKS.forEach(function (k) { if (m & k[0]) add(into, " ", el("span", "mark mark-" + k[1], k[2])); });
  }
  function nodeRow(t, path) {
    var x = D.teams[t], row = el("div", "node");
    var li = el("li");
    li.setAttribute("role", "treeitem");
    li.dataset.team = t;
    var hasSubs = x.subs.length > 0;
    var tg = button("toggle" + (hasSubs ? "" : " leaf"), hasSubs ? "▸" : "", function () { toggle(li, t, path); });
    tg.tabIndex = -1;
    tg.setAttribute("aria-label", "expand " + x.id);
    var name = button("team", null, function () { selectTeam(t, false); });
    add(name, el("span", "tname", x.name || (x.marks & 1 ? x.id : "(no name)")), " ", el("span", "tid", x.id));
    name.dataset.team = t;
    add(row, tg, name, el("span", "meta", plural(x.members.length, "member", "members") +
      (x.managers.length ? " · " + (x.managers.length === 1 ? "manager " : "managers ") + x.managers.slice(0, 3).map(userName).join(", ") + (x.managers.length > 3 ? " and " + (x.managers.length - 3) + " more" : "") : "")));
    markBadges(x.marks, row);
    if (hasSubs) li.setAttribute("aria-expanded", "false");
    add(li, row);
    return li;
  }
  function listInto(ul, items, render) {
    var shown = 0;
    function more() {
      var end = Math.min(items.length, shown + 200);
      for (; shown < end; shown++) ul.appendChild(render(items[shown]));
      if (shown < items.length) {
        var b = button("more-btn link", "show " + Math.min(200, items.length - shown) + " more of " + (items.length - shown), function () { b.parentNode.remove(); more(); });
        add(ul, add(el("li"), b));
      }
    }
    more();
  }
  function toggle(li, t, path, open) {
    var ul = li.querySelector(":scope > ul");
    var isOpen = li.getAttribute("aria-expanded") === "true";
    if (open === undefined) open = !isOpen;
    if (!D.teams[t].subs.length || open === isOpen) return ul;
    li.setAttribute("aria-expanded", open ? "true" : "false");
    li.querySelector(":scope > .node > .toggle").textContent = open ? "▾" : "▸";
    if (!open) { if (ul) ul.hidden = true; return ul; }
    if (ul) { ul.hidden = false; return ul; }
    ul = el("ul");
    ul.setAttribute("role", "group");
    var sub = path.concat([t]), cyc = D.teams[t].cycle || [];
    listInto(ul, D.teams[t].subs, function (s) {
      if (sub.indexOf(s) >= 0) {
        var back = el("li");
        add(back, add(el("div", "node"), el("span", "toggle leaf"), button("team", "↻ " + D.teams[s].id, function () { selectTeam(s, true); }),
          el("span", "backlink", (cyc.indexOf(s) >= 0 ? "cycle: " : "") + "already above, inside itself")));
        return back;
      }
      return nodeRow(s, sub);
    });
    li.appendChild(ul);
    return ul;
  }
  function renderTree() {
    var ul = el("ul", "tree");
    ul.setAttribute("role", "tree");
    ul.setAttribute("aria-label", "teams");
    listInto(ul, D.roots, function (t) { return nodeRow(t, []); });
    treeBox.textContent = "";
    treeBox.appendChild(ul);
  }
  function expandAll() {
    var todo = Array.prototype.slice.call(treeBox.querySelectorAll("li[aria-expanded=false]")), n = 0;
    while (todo.length && n < 5000) {
      var li = todo.shift(), t = +li.dataset.team;
      var ul = toggle(li, t, pathOf(li), true);
      n++;
      if (ul) todo.push.apply(todo, ul.querySelectorAll(":scope > li[aria-expanded=false]"));
    }
  }
  function pathOf(li) {
    var p = [], e = li.parentNode;
    while (e && e !== treeBox) { if (e.dataset && e.dataset.team !== undefined && e.tagName === "LI") p.unshift(+e.dataset.team); e = e.parentNode; }
    return p;
  }
  function parents() {
    if (parentOf) return parentOf;
    parentOf = new Int32Array(D.teams.length).fill(-2);
    var q = D.roots.slice();
    q.forEach(function (r) { parentOf[r] = -1; });
    for (var i = 0; i < q.length; i++) {
      D.teams[q[i]].subs.forEach(function (s) { if (parentOf[s] === -2) { parentOf[s] = q[i]; q.push(s); } });
    }
    return parentOf;
  }
  function reveal(t) {
    var chain = [], p = parents();
    for (var x = t; x >= 0; x = p[x]) chain.unshift(x);
    var scope = treeBox.querySelector(".tree"), li = null;
    for (var i = 0; i < chain.length; i++) {
      li = findChild(scope, chain[i]);
      if (!li) return null;
      if (i < chain.length - 1) scope = toggle(li, chain[i], chain.slice(0, i), true);
    }
    return li;
  }
  function findChild(ul, t) {
    for (;;) {
      var kids = ul.children;
      for (var i = 0; i < kids.length; i++) if (kids[i].dataset.team === String(t)) return kids[i];
      var more = ul.querySelector(":scope > li > .more-btn");
      if (!more) return null;
      more.click();
    }
  }
  function focusTeam(li) {
    var b = li && li.querySelector(":scope > .node > .team");
    if (!b) return;
    if (selected) selected.classList.remove("sel");
    selected = b;
    b.classList.add("sel");
    b.scrollIntoView({ block: "nearest" });
    b.focus();
  }
  function section(title) { return add(el("div"), el("h4", null, title)); }
  function peopleList(box, us) {
    var ul = el("ul");
    listInto(ul, us, function (u) {
      var li = add(el("li"), button("link", userLabel(u), function () { selectUser(u, false); }), " ", el("span", "meta", D.users[u][2]));
      if (D.users[u][3] & 1) add(li, " ", el("span", "mark mark-missing", "not in the users file"));
      return li;
    });
    add(box, ul);
  }
  function findingLinks(box, pred) {
    var ul = el("ul"), n = 0;
    for (var i = 0; i < D.findings.length && n < 50; i++) {
      if (!pred(D.findings[i])) continue;
      n++;
      (function (i) {
        var f = D.findings[i];
        add(ul, add(el("li"), button("link tofinding", f.severity + " " + f.rule + " at line " + f.line, function () { goToFinding(i); }), ": ", f.message));
      })(i);
    }
    if (n) add(box, add(section("Findings"), ul));
  }
  function selectTeam(t, scroll) {
    var li = reveal(t);
    focusTeam(li);
    var x = D.teams[t];
    details.textContent = "";
    add(details, el("h3", null, teamLabel(t)), add(el("p", "tid"), x.id + (x.line ? " — teams file line " + x.line : "")));
    var marks = el("p");
    markBadges(x.marks, marks);
    if (x.marks) add(details, marks);
    D.gaps.forEach(function (g) {
      if (g[2] === t) add(details, el("p", "mark-gap", userLabel(g[0]) + " cannot see " + D.teams[g[3]].id + " (managed by " + userLabel(g[1]) + ")"));
    });
    var m = section("Managers (" + x.managers.length + ")"); peopleList(m, x.managers); add(details, m);
    m = section("Members (" + x.members.length + ")"); peopleList(m, x.members); add(details, m);
    if (x.subs.length) {
      m = section("Sub-teams (" + x.subs.length + ")");
      var ul = el("ul");
      listInto(ul, x.subs, function (s) { return add(el("li"), button("link", teamLabel(s), function () { selectTeam(s, true); }), " ", el("span", "tid", D.teams[s].id)); });
      add(details, add(m, ul));
    }
    findingLinks(details, function (f) { return f.team === t; });
    if (scroll) document.getElementById("org").scrollIntoView({ block: "start" });
    if (li) li.querySelector(".team").focus();
  }
  function selectUser(u, scroll) {
    var x = D.users[u], mem = [], mgr = [];
    D.teams.forEach(function (t, i) {
      if (t.members.indexOf(u) >= 0) mem.push(i);
      if (t.managers.indexOf(u) >= 0) mgr.push(i);
    });
    var first = mgr.length ? mgr[0] : mem.length ? mem[0] : -1;
    if (first >= 0) focusTeam(reveal(first));
    details.textContent = "";
    add(details, el("h3", null, x[1]), el("p", "tid", x[0] + " — " + x[2]));
    if (x[3] & 1) add(details, el("p", "mark mark-missing", "not in the users file"));
    [["Manages", mgr], ["Member of", mem]].forEach(function (p) {
      var s = section(p[0] + " (" + p[1].length + ")"), ul = el("ul");
      listInto(ul, p[1], function (t) { return add(el("li"), button("link", teamLabel(t), function () { selectTeam(t, true); }), " ", el("span", "tid", D.teams[t].id)); });
      add(details, add(s, ul));
    });
    findingLinks(details, function (f) { return f.user === u; });
    if (scroll) document.getElementById("org").scrollIntoView({ block: "start" });
  }
  function keys(e) {
    var b = e.target;
    if (!b.classList || !b.classList.contains("team") || !treeBox.contains(b)) return;
    var all = Array.prototype.filter.call(treeBox.querySelectorAll(".team"), function (x) { return x.offsetParent !== null; });
    var i = all.indexOf(b), li = b.closest("li"), t = +li.dataset.team;
    switch (e.key) {
      case "ArrowDown": if (i + 1 < all.length) all[i + 1].focus(); break;
      case "ArrowUp": if (i > 0) all[i - 1].focus(); break;
      case "ArrowRight": if (li.dataset.team !== undefined) toggle(li, t, pathOf(li), true); break;
      case "ArrowLeft":
        if (li.getAttribute("aria-expanded") === "true") toggle(li, t, pathOf(li), false);
        else { var up = li.parentNode.closest("li"); if (up) up.querySelector(".team").focus(); }
        break;
      case "Home": all[0].focus(); break;
      case "End": all[all.length - 1].focus(); break;
      default: return;
    }
    e.preventDefault();
  }
  function org() {
    var box = document.getElementById("org-view");
    var bar = el("div", "toolbar");
    if (D.teams.length <= 2000) add(bar, button(null, "Expand all", expandAll));
    add(bar, button(null, "Collapse all", renderTree));
    var legend = el("span", "legend");
    MARKS.forEach(function (k) { add(legend, el("span", "mark mark-" + k[1], k[2])); });
    add(bar, legend);
    treeBox = el("div");
    treeBox.id = "tree";
    treeBox.addEventListener("keydown", keys);
    details = el("aside");
    details.id = "details";
    details.setAttribute("aria-live", "polite");
    add(details, el("p", "meta", "Click a team to list its members and managers. Arrow keys move in the tree."));
    add(box, bar, treeBox, details);
    renderTree();
  }

  live = document.getElementById("live-findings");
  matchesBox = el("div", "matches");
  matchesBox.id = "matches";
  matchesBox.hidden = true;
  controls();
  document.getElementById("controls").after(matchesBox);
  document.getElementById("static-findings").remove();
  renderFindings();
  org();
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  document.body.dataset.ready = "1";
})();

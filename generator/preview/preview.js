/* helpgen serve: the preview tools around a page. Never part of a built site.

   A panel with the locale, the organization state (fields from the schema, presets from the
   profiles) and three views: every variant with its condition, the source text under each
   translated segment, and each segment's translation status with its catalog entry. The page
   reloads itself after every build that changed the site, and shows a build's errors over
   the page. Everything shown is set as text, never as HTML: file names, messages and
   translations cannot add markup. No dependencies. */
(function () {
  "use strict";
  var holder = document.getElementById("hg-preview");
  if (!holder) return;
  var settings = JSON.parse(holder.textContent);
  var STORE = "helpgen-preview";
  var prefs = load();
  var STATUSES = [
    ["untranslated", "Untranslated: the source text is shown"],
    ["fuzzy", "Fuzzy: needs review"],
    ["machine", "Machine-translated"],
    ["qa", "Flagged by a QA check"]
  ];

  function load() {
    try { return JSON.parse(window.sessionStorage.getItem(STORE)) || {}; } catch (e) { return {}; }
  }
  function save() {
    try { window.sessionStorage.setItem(STORE, JSON.stringify(prefs)); } catch (e) { /* private mode */ }
  }
  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    for (var name in attributes) if (attributes[name] !== undefined) node.setAttribute(name, attributes[name]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* -- The locale: the page's first path segment ----------------------------------------- */
  var parts = window.location.pathname.split("/");
  var current = null;
  settings.locales.forEach(function (locale) { if (parts[1] === locale.segment) current = locale; });
  function pathIn(locale) {
    var copy = parts.slice();
    copy[1] = locale.segment;
    return copy.join("/") + window.location.search + window.location.hash;
  }

  /* -- The organization state: helpgen.js keeps it; the URL and this tab remember it ---- */
  var org = window.helpgen;
  var hasQuery = /[?&]org\./.test(window.location.search);
  if (org && !hasQuery && prefs.org) org.setOrg(prefs.org);
  function state() { return org ? org.org() : (prefs.org || {}); }
  function setOrg(change, typing) {
    var next = state();
    for (var name in change) next[name] = change[name];
    if (org) { org.setOrg(change); next = org.org(); }
    prefs.org = next;
    save();
    var query = new URLSearchParams(window.location.search);
    settings.fields.forEach(function (field) {
      if (field.name in next) query.set("org." + field.name, String(next[field.name]));
    });
    window.history.replaceState(null, "", window.location.pathname + "?" + query.toString() + window.location.hash);
    refreshFields(typing);
    labelBranches();
  }

  /* -- The panel ------------------------------------------------------------------------ */
  var panel = element("aside", { "class": "hg-pv", "aria-label": "Preview", lang: "en", dir: "ltr" });
  var details = element("details", prefs.closed ? {} : { open: "" });
  details.addEventListener("toggle", function () { prefs.closed = !details.open; save(); });
  details.appendChild(element("summary", {}, "Preview"));
  panel.appendChild(details);

  var localeSelect = element("select", { id: "hg-pv-locale" });
  settings.locales.forEach(function (locale) {
    var option = element("option", { value: locale.segment }, locale.name + " (" + locale.tag + ")");
    if (locale === current) option.selected = true;
    localeSelect.appendChild(option);
  });
  localeSelect.disabled = current === null;
  localeSelect.addEventListener("change", function () {
    settings.locales.forEach(function (locale) {
      if (locale.segment === localeSelect.value) window.location.href = pathIn(locale);
    });
  });
  details.appendChild(labelled("Language", localeSelect));

  var orgSet = element("fieldset", { "class": "hg-pv-org" });
  orgSet.appendChild(element("legend", {}, "Organization"));
  var presets = element("select", { id: "hg-pv-profile" });
  presets.appendChild(element("option", { value: "" }, "(custom)"));
  Object.keys(settings.profiles).sort().forEach(function (name) {
    presets.appendChild(element("option", { value: name }, name));
  });
  presets.addEventListener("change", function () {
    if (presets.value) setOrg(settings.profiles[presets.value]);
  });
  if (settings.fields.length) orgSet.appendChild(labelled("Profile", presets));
  var inputs = {};
  settings.fields.forEach(function (field) {
    var input, id = "hg-pv-org-" + field.name;
    if (field.type === "boolean") {
      input = element("input", { type: "checkbox", id: id });
      input.addEventListener("change", function () { var c = {}; c[field.name] = input.checked; setOrg(c); });
    } else if (field.choices && field.choices.length) {
      input = element("select", { id: id });
      field.choices.forEach(function (choice) { input.appendChild(element("option", { value: choice }, choice)); });
      input.addEventListener("change", function () { var c = {}; c[field.name] = input.value; setOrg(c); });
    } else if (field.type === "integer" || field.type === "number") {
      input = element("input", {
        type: "number", id: id, min: field.minimum === null ? undefined : field.minimum,
        max: field.maximum === null ? undefined : field.maximum, step: field.type === "integer" ? "1" : "any"
      });
      input.addEventListener("input", function () {
        if (input.value !== "" && input.checkValidity()) { var c = {}; c[field.name] = Number(input.value); setOrg(c, input); }
      });
    } else {
      input = element("input", { type: "text", id: id });
      input.addEventListener("change", function () { var c = {}; c[field.name] = input.value; setOrg(c); });
    }
    if (field.description) input.title = field.description;
    inputs[field.name] = input;
    orgSet.appendChild(labelled(field.name, input, field.type === "boolean"));
  });
  if (!settings.fields.length) orgSet.appendChild(element("p", {}, "The site has no organization fields."));
  else if (!org) orgSet.appendChild(element("p", { "class": "hg-pv-note" }, "Nothing on this page depends on them."));
  details.appendChild(orgSet);

  /* Show the state in the fields (except the one being typed in) and the preset it matches. */
  function refreshFields(typing) {
    var now = state();
    settings.fields.forEach(function (field) {
      var input = inputs[field.name];
      if (!(field.name in now)) return;
      if (input.type === "checkbox") input.checked = !!now[field.name];
      else if (input !== typing) input.value = String(now[field.name]);
    });
    var matching = "";
    Object.keys(settings.profiles).forEach(function (name) {
      var profile = settings.profiles[name], same = true;
      for (var key in profile) same = same && now[key] === profile[key];
      if (same && !matching) matching = name;
    });
    presets.value = matching;
  }

  var views = element("fieldset", { "class": "hg-pv-views" });
  views.appendChild(element("legend", {}, "Show"));
  [
    ["all", "Every variant, with its condition"],
    ["bilingual", "Source text under each segment"],
    ["status", "Translation status"]
  ].forEach(function (view) {
    var box = element("input", { type: "checkbox", id: "hg-pv-" + view[0] });
    box.checked = !!prefs[view[0]];
    box.addEventListener("change", function () { prefs[view[0]] = box.checked; save(); applyViews(); });
    views.appendChild(labelled(view[1], box, true));
  });
  details.appendChild(views);

  var legend = element("ul", { "class": "hg-pv-legend", "aria-label": "Translation status" });
  details.appendChild(legend);
  var buildLine = element("p", { "class": "hg-pv-build", "aria-live": "polite" });
  details.appendChild(buildLine);

  function labelled(text, input, after) {
    var label = element("label", { "for": input.id });
    var words = element("span", {}, text);
    if (after) { label.appendChild(input); label.appendChild(words); } else { label.appendChild(words); label.appendChild(input); }
    return label;
  }

  function applyViews() {
    ["all", "bilingual", "status"].forEach(function (view) {
      document.body.classList.toggle("hg-pv-" + view, !!prefs[view]);
    });
    labelBranches();
  }

  /* -- Every variant: each branch labelled with its condition in words ------------------- */
  function labelBranches() {
    var blocks = document.querySelectorAll(".hg-cond");
    for (var i = 0; i < blocks.length; i++) {
      var first = true, branches = blocks[i].children;
      for (var j = 0; j < branches.length; j++) {
        var branch = branches[j];
        if (!branch.classList.contains("hg-branch")) continue;
        var label = branch.querySelector(":scope > .hg-pv-label");
        if (!label) { label = element("p", { "class": "hg-pv-label", lang: "en", dir: "ltr" }); branch.insertBefore(label, branch.firstChild); }
        var when = branch.getAttribute("data-hg-when");
        var words = branch.hasAttribute("data-hg-else") ? "Otherwise"
          : (first ? "If " : "Else if ") + (when ? inWords(JSON.parse(when)) : "");
        label.title = branch.getAttribute("data-hg-label") || "";
        label.textContent = words + (branch.hidden ? " (not shown to this organization)" : " (shown)");
        first = false;
      }
    }
    var forms = document.querySelectorAll("[data-hg-plural]");
    for (var k = 0; k < forms.length; k++) forms[k].setAttribute("data-hg-pv-form", "plural form: " + forms[k].getAttribute("data-hg-plural"));
  }

  var PHRASES = {
    "==": "is", "!=": "is not", "<": "is less than", "<=": "is at most", ">": "is more than", ">=": "is at least",
    "in": "is one of", "not in": "is none of"
  };
  function inWords(node) {
    if ("value" in node) {
      if (Array.isArray(node.value)) return node.value.map(function (v) { return JSON.stringify(v); }).join(", ");
      return typeof node.value === "string" ? JSON.stringify(node.value) : String(node.value);
    }
    if ("field" in node) return node.field + " is true";
    var a = node.args;
    if (node.op === "not") return "field" in a[0] ? a[0].field + " is false" : "not (" + inWords(a[0]) + ")";
    if (node.op === "and" || node.op === "or") {
      return a.map(function (arg) {
        return arg.op === "and" || arg.op === "or" ? "(" + inWords(arg) + ")" : inWords(arg);
      }).join(" " + node.op + " ");
    }
    var left = "field" in a[0] ? a[0].field : inWords(a[0]);
    var right = "field" in a[1] ? a[1].field : inWords(a[1]);
    return left + " " + (PHRASES[node.op] || node.op) + " " + right;
  }

  /* -- Source text and status of each segment ------------------------------------------- */
  var counts = {};
  var segments = document.querySelectorAll("[data-hg-status]");
  var sourceLang = settings.source || "en";
  for (var s = 0; s < segments.length; s++) {
    var segment = segments[s], inside = /^(LI|TD|TH|DT|DD)$/.test(segment.tagName);
    var source = element(inside ? "span" : "p", { "class": "hg-pv-source", lang: sourceLang, dir: "auto" }, segment.getAttribute("data-hg-source"));
    if (inside) segment.appendChild(source); else segment.after(source);
    var flags = (segment.getAttribute("data-hg-status") || "").split(" ");
    flags.forEach(function (flag) { counts[flag] = (counts[flag] || 0) + 1; });
    if (flags[0] === "translated") continue;
    var entry = segment.getAttribute("data-hg-entry");
    var badge = element("span", { "class": "hg-pv-entry", lang: "en", dir: "ltr" },
      flags.join(", ") + (entry ? " · " + entry : "") + (segment.hasAttribute("data-hg-qa") ? " · " + segment.getAttribute("data-hg-qa") : ""));
    source.after(badge);  // the segment, its source text, then its status
  }
  if (!segments.length) {
    var why = current && current.tag === settings.source ? "This page is in the source language." : "No segment of this page comes from a catalog.";
    legend.appendChild(element("li", { "class": "hg-pv-note" }, why));
  }
  if (segments.length) STATUSES.forEach(function (status) {
    var item = element("li", { "class": "hg-pv-key hg-pv-key-" + status[0] });
    item.appendChild(element("span", { "class": "hg-pv-swatch", "data-hg-status": status[0], "aria-hidden": "true" }));
    item.appendChild(element("span", {}, status[1] + ": " + (counts[status[0]] || 0)));
    legend.appendChild(item);
  });

  /* -- Build status, errors, and reloading after a build -------------------------------- */
  var overlay = null;
  function showProblems(status) {
    var errors = status.problems.filter(function (p) { return p.severity === "error"; });
    var warnings = status.problems.length - errors.length;
    buildLine.textContent = status.building ? "Building…"
      : "Built in " + status.seconds.toFixed(2) + " s: " + errors.length + " errors, " + warnings + " warnings";
    if (overlay) { overlay.remove(); overlay = null; }
    if (!errors.length || status.building) return;
    overlay = element("section", { "class": "hg-pv-overlay", role: "alert", "aria-label": "Build errors", lang: "en", dir: "ltr" });
    overlay.appendChild(element("h2", {}, "The last build found " + errors.length + (errors.length === 1 ? " error" : " errors")));
    overlay.appendChild(element("p", {}, "The pages of the last good build are shown until the file is fixed."));
    var list = element("ul");
    errors.forEach(function (problem) {
      var item = element("li");
      item.appendChild(element("code", { "class": "hg-pv-where" }, problem.file + (problem.line ? ":" + problem.line : "")));
      item.appendChild(document.createTextNode(" " + problem.message + (problem.hint ? " (" + problem.hint + ")" : "")));
      list.appendChild(item);
    });
    overlay.appendChild(list);
    var close = element("button", { type: "button" }, "Hide");
    close.addEventListener("click", function () { overlay.remove(); overlay = null; });
    overlay.appendChild(close);
    document.body.appendChild(overlay);
  }

  try {
    var where = JSON.parse(window.sessionStorage.getItem(STORE + ":scroll") || "null");
    if (where && where.path === window.location.pathname) window.scrollTo(0, where.y);
    window.sessionStorage.removeItem(STORE + ":scroll");
  } catch (e) { /* private mode */ }

  function reload() {
    try {
      window.sessionStorage.setItem(STORE + ":scroll", JSON.stringify({ path: window.location.pathname, y: window.scrollY }));
    } catch (e) { /* private mode */ }
    window.location.reload();
  }

  if (window.EventSource) {
    var events = new window.EventSource("/_helpgen/events");
    events.onmessage = function (event) {
      var status = JSON.parse(event.data);
      if (status.generation > settings.generation) { events.close(); reload(); return; }
      showProblems(status);
    };
  }

  document.body.appendChild(panel);
  refreshFields();
  applyViews();
  window.helpgenPreview = { settings: settings, counts: counts };
})();

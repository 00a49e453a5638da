/* helpgen: show the branches of conditional blocks that match the reader's organization.
   No dependencies. The org state comes, later sources winning, from: the default profile
   (in the page), window.helpgenOrg, URL query parameters (?org.assigned_licenses=40), and
   messages {type: "helpgen:org", org: {...}} posted by the parent window. */
(function () {
  "use strict";
  var holder = document.getElementById("hg-org");
  if (!holder) return;
  var config = JSON.parse(holder.textContent);
  var fields = config.fields;

  function accept(name, value) {
    var type = fields[name];
    if (type === "boolean") {
      if (value === true || value === "true" || value === "1") return true;
      if (value === false || value === "false" || value === "0") return false;
      return undefined;
    }
    if (type === "integer" || type === "number") {
      var number = typeof value === "number" ? value : (value === "" ? NaN : Number(value));
      if (!isFinite(number) || (type === "integer" && Math.floor(number) !== number)) return undefined;
      return number;
    }
    if (type === "string") return typeof value === "string" ? value : undefined;
    return undefined;
  }

  function merge(state, update) {
    var merged = {}, name;
    for (name in state) merged[name] = state[name];
    if (!update || typeof update !== "object") return merged;
    for (name in fields) {
      if (Object.prototype.hasOwnProperty.call(update, name)) {
        var value = accept(name, update[name]);
        if (value !== undefined) merged[name] = value;
      }
    }
    return merged;
  }

  function fromQuery() {
    var found = {}, params = new URLSearchParams(window.location.search);
    params.forEach(function (value, key) {
      if (key.indexOf("org.") === 0) found[key.slice(4)] = value;
    });
    return found;
  }

  function value(node, org) {
    if ("value" in node) return node.value;
    if ("field" in node) return org[node.field];
    var a = node.args;
    switch (node.op) {
      case "and": return value(a[0], org) && value(a[1], org);
      case "or": return value(a[0], org) || value(a[1], org);
      case "not": return !value(a[0], org);
      case "in": return value(a[1], org).indexOf(value(a[0], org)) !== -1;
      case "not in": return value(a[1], org).indexOf(value(a[0], org)) === -1;
      case "==": return value(a[0], org) === value(a[1], org);
      case "!=": return value(a[0], org) !== value(a[1], org);
      case "<": return value(a[0], org) < value(a[1], org);
      case "<=": return value(a[0], org) <= value(a[1], org);
      case ">": return value(a[0], org) > value(a[1], org);
      case ">=": return value(a[0], org) >= value(a[1], org);
    }
    throw new Error("helpgen: unknown operator " + node.op);
  }

  function apply(org) {
    var blocks = document.querySelectorAll(".hg-cond");
    for (var i = 0; i < blocks.length; i++) {
      var shown = false, branches = blocks[i].children;
      for (var j = 0; j < branches.length; j++) {
        var branch = branches[j];
        if (!branch.classList.contains("hg-branch")) continue;
        var when = branch.getAttribute("data-hg-when");
        var matches = !shown && (when === null || !!value(JSON.parse(when), org));
        branch.hidden = !matches;
        shown = shown || matches;
      }
    }
  }

  function applyPlurals(org) {
    var blocks = document.querySelectorAll(".hg-plural[data-hg-count]");
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i];
      var count = Number(value(JSON.parse(block.getAttribute("data-hg-count")), org));
      if (!isFinite(count)) continue;
      var language = block.getAttribute("data-hg-rules") || document.documentElement.lang, rules, numbers;
      try {
        rules = new Intl.PluralRules(language);
        numbers = new Intl.NumberFormat(document.documentElement.lang);
      } catch (error) {
        rules = new Intl.PluralRules("en");
        numbers = new Intl.NumberFormat("en");
      }
      var forms = block.querySelectorAll("[data-hg-plural]"), category = rules.select(count), known = false;
      for (var j = 0; j < forms.length; j++) known = known || forms[j].getAttribute("data-hg-plural") === category;
      if (!known) category = forms[forms.length - 1].getAttribute("data-hg-plural");
      for (var k = 0; k < forms.length; k++) forms[k].hidden = forms[k].getAttribute("data-hg-plural") !== category;
      var counts = block.querySelectorAll(".hg-count");
      for (var m = 0; m < counts.length; m++) counts[m].textContent = numbers.format(count);
    }
  }

  var state = merge(merge(config.defaults, window.helpgenOrg), fromQuery());
  function update(org) { apply(org); applyPlurals(org); }

  update(state);
  window.helpgen = {
    org: function () { return merge(state, {}); },
    /* Whether a branch shows for the current org state: every [{when, unless}] requirement holds. */
    shows: function (requirements) {
      return requirements.every(function (r) {
        return (r.when === null || !!value(r.when, state)) && !r.unless.some(function (u) { return !!value(u, state); });
      });
    },
    setOrg: function (change) { state = merge(state, change); update(state); }
  };
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.source === window.parent && data && data.type === "helpgen:org") window.helpgen.setOrg(data.org);
  });
})();

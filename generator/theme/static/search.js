/* helpgen: search this locale's articles with the site's Pagefind index, loaded on first use. */
(function () {
  "use strict";
  var form = document.querySelector(".hg-search");
  if (!form || location.protocol === "file:") return; /* browsers do not load modules from file:// */
  var input = form.querySelector("input"), list = form.querySelector(".hg-search-results");
  var status = form.querySelector(".hg-search-status"), engine = null, ticket = 0;
  form.hidden = false;

  function load() {
    if (!engine) {
      engine = import(form.getAttribute("data-index") + "pagefind.js").then(function (pagefind) {
        return pagefind.options({ baseUrl: form.getAttribute("data-base") }).then(function () { return pagefind; });
      });
      engine.catch(function () { form.hidden = true; }); /* no index here: hide the box, keep the page */
    }
    return engine;
  }

  function show(results) {
    list.textContent = "";
    results.forEach(function (result) {
      var item = document.createElement("li"), link = document.createElement("a"), excerpt = document.createElement("p");
      link.href = result.url;
      link.textContent = result.meta && result.meta.title ? result.meta.title : result.url;
      excerpt.innerHTML = result.excerpt; /* Pagefind escapes the text and marks the match with <mark> */
      item.appendChild(link);
      item.appendChild(excerpt);
      list.appendChild(item);
    });
    status.textContent = results.length ? form.getAttribute("data-found").replace("%(count)s", results.length)
                                        : form.getAttribute("data-none");
  }

  /* A branch of a conditional block is a result of its own (meta.hg: when it shows). Keep the
     results this reader's org state sees (all of them where the page knows no org state), one
     per page. */
  function forReader(results) {
    var seen = {}, helpgen = window.helpgen;
    return results.filter(function (result) {
      result.url = result.url.split("#hg-branch-")[0];
      if (result.meta && result.meta.hg && helpgen && !helpgen.shows(JSON.parse(result.meta.hg))) return false;
      if (seen[result.url]) return false;
      seen[result.url] = true;
      return true;
    });
  }

  function search() {
    var query = input.value.trim(), mine = ++ticket;
    if (!query) { list.textContent = ""; status.textContent = ""; return; }
    load().then(function (pagefind) { return pagefind.debouncedSearch(query); }).then(function (found) {
      if (!found || mine !== ticket) return null;
      return Promise.all(found.results.slice(0, 24).map(function (r) { return r.data(); }));
    }).then(function (results) { if (results && mine === ticket) show(forReader(results).slice(0, 8)); });
  }

  input.addEventListener("focus", load, { once: true });
  input.addEventListener("input", search);
  form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
})();

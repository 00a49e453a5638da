/* helpgen: send a reader of the site's root to the locale that best matches their browser. */
(function () {
  "use strict";
  var languages = JSON.parse(document.getElementById("hg-languages").textContent);
  var wanted = navigator.languages || [navigator.language || ""];
  function find(tag) {
    tag = tag.toLowerCase();
    for (var i = 0; i < languages.length; i++) if (languages[i].tag.toLowerCase() === tag) return languages[i];
    var base = tag.split("-")[0];
    for (var j = 0; j < languages.length; j++) if (languages[j].tag.toLowerCase().split("-")[0] === base) return languages[j];
    return null;
  }
  for (var k = 0; k < wanted.length; k++) {
    var match = find(wanted[k]);
    if (match) { window.location.replace(match.href); return; }
  }
})();

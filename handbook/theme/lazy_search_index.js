/* Added by handbook/theme (defer_search_index). Material's bundle calls __mdSearch(index$)
   where it used to fetch search/search_index.json as it starts. index$ is the
   bundle's own request for the index, which only goes out when subscribed. */
function __mdSearch(index$) {
  return new index$.constructor(function (subscriber) {
    var form = document.forms.search;
    // Signs that the reader is about to search: the pointer over the search
    // box (desktop), focus in it (click, Tab, a screen reader), or the search
    // toggle (the phone's search button and the "/", "s", "f" shortcuts).
    var signs = [[form, "pointerover"], [form, "focusin"], [document.getElementById("__search"), "change"]];
    var request;
    function stop() {
      signs.forEach(function (s) { if (s[0]) s[0].removeEventListener(s[1], start); });
    }
    function start() {
      stop();
      request = request || index$.subscribe(subscriber);
    }
    // ?h= is search.highlight's query after following a result: it needs the index now.
    if (new URLSearchParams(location.search).has("h")) start();
    else signs.forEach(function (s) { if (s[0]) s[0].addEventListener(s[1], start); });
    return function () {
      stop();
      if (request) request.unsubscribe();
    };
  });
}

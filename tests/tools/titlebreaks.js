// Where the browser started a new line of the page's <h1>: the character offsets (code points
// of the heading's text) of every line after the first, written into <pre id="breaks"> for
// headless Chromium's --dump-dom (tests/html_title.sh, read by tests/tools/titles.py browser).
// "?width=N" in the page's address lays the page out N px wide: --dump-dom keeps a window at
// least 500 px wide, whatever --window-size asks.
(function () {
  var m = /[?&]width=([0-9]+)/.exec(location.search);
  if (m) document.documentElement.style.width = m[1] + "px";
  var h1 = document.querySelector("h1");
  var out = [];
  if (h1) {
    var walker = document.createTreeWalker(h1, NodeFilter.SHOW_TEXT);
    var offset = 0, top = null, node;
    while ((node = walker.nextNode())) {
      var s = node.data;
      for (var i = 0; i < s.length; i++) {
        var c = s.charCodeAt(i);
        if (c >= 0xDC00 && c <= 0xDFFF) continue; // the second half of a surrogate pair
        var n = c >= 0xD800 && c <= 0xDBFF ? 2 : 1;
        var range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + n);
        var rects = range.getClientRects();
        if (rects.length) {
          var t = rects[rects.length - 1].top;
          if (top !== null && t > top + 4) out.push(offset);
          top = t;
        }
        offset++;
      }
    }
  }
  var pre = document.createElement("pre");
  pre.id = "breaks";
  pre.textContent = out.join(" ");
  document.body.appendChild(pre);
})();

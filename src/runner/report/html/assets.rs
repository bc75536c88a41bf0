//! The page's inline style and filter script. No external resource of any kind: no fonts, no
//! images, no `url(...)`.

pub const CSS: &str = r#"
:root{--ok:#1a7f37;--ko:#cf222e;--warn:#9a6700;--skip:#57606a;--xf:#8250df;--bg:#fff;--fg:#1f2328;--mute:#656d76;--line:#d0d7de}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1400px;padding:1rem 1.5rem;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
[hidden]{display:none!important}
h1{font-size:1.5rem;margin:.2rem 0}h2{margin-top:2rem;border-bottom:1px solid var(--line)}h3{margin:1.2rem 0 .4rem;font-size:1.05rem}
code,pre,.loc,.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.meta,.note,.loc{color:var(--mute)}
.verdict{font-size:2rem;font-weight:700;margin:.5rem 0;padding:.4rem .8rem;border-radius:6px;display:inline-block;color:#fff}
.verdict small{font-size:1rem;font-weight:400}
.verdict.ok{background:var(--ok)}.verdict.ko{background:var(--ko)}
.counts{list-style:none;padding:0;display:flex;gap:1.2rem;flex-wrap:wrap;margin:.4rem 0}
.counts b{font-size:1.4rem}
.defects{border:2px solid var(--ko);padding:.5rem 1rem;border-radius:6px}
.filters{position:sticky;top:0;background:var(--bg);padding:.5rem 0;border-bottom:1px solid var(--line);z-index:1}
.filters label{margin-right:.6rem}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:.25rem .4rem;text-align:left;vertical-align:top}
th{position:sticky;top:2.6rem;background:#f6f8fa}
td.id{white-space:nowrap}
.v{display:inline-block;padding:0 .4rem;border-radius:4px;font-size:12px;font-weight:600;white-space:nowrap;color:#fff;background:var(--skip)}
.v-passed .v,.v.v-passed{background:var(--ok)}.v.v-failed{background:var(--ko)}.v.v-warning{background:var(--warn)}
.v.v-expected-failure{background:var(--xf)}.v.v-not-covered,.v.v-not-testable{background:#eaeef2;color:var(--mute)}
.counts .v-passed b{color:var(--ok)}.counts .v-failed b{color:var(--ko)}.counts .v-warning b{color:var(--warn)}.counts .v-expected-failure b{color:var(--xf)}
details.sc{border:1px solid var(--line);border-radius:6px;margin:.35rem 0;padding:.2rem .6rem}
details.sc>summary{cursor:pointer}
details.sc[data-verdict=failed]{border-color:var(--ko)}
.reason{margin:.3rem 0;font-weight:600}
.tags .tag{margin-right:.2rem;font-size:12px}
ol.steps{margin:.3rem 0;padding-left:1.6rem}
ol.steps li{margin:.15rem 0}
.kw{font-weight:700}
.state{font-size:11px;color:var(--mute)}
li.st-failed>.state,li.st-undefined>.state{color:var(--ko);font-weight:700}li.st-warning>.state{color:var(--warn);font-weight:700}
li.st-not-run{color:var(--mute)}
.msg{white-space:pre-wrap;color:var(--ko);font-family:ui-monospace,monospace;font-size:12.5px}
.check{font-size:12px;color:var(--mute)}.check.c-failed{color:var(--ko)}.check.c-warning{color:var(--warn)}
details.ex{margin:.15rem 0 .15rem .5rem}
details.ex>summary{cursor:pointer;font-size:12.5px}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;border:1px solid var(--line);border-radius:4px;padding:.4rem;margin:.2rem 0;max-height:40rem;overflow:auto}
.cut{color:var(--warn)}
.extra{margin:.3rem 0}
"#;

/// Filters by `data-party` (space-separated tokens), `data-level` and `data-verdict`: one pass
/// over the matrix rows and scenarios per change, nothing per row at load. Opens a scenario when
/// the address points at it. Marks the body when it has run, so a headless check can see it.
pub const JS: &str = r#"
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var items = document.querySelectorAll("[data-verdict]");
  var features = document.querySelectorAll("section.feature");
  var shown = document.getElementById("shown");
  function value(name) {
    var el = form.elements.namedItem(name);
    return el ? el.value : "";
  }
  function apply() {
    var party = value("party"), level = value("level"), verdict = value("verdict");
    var rows = 0, scenarios = 0;
    for (var i = 0; i < items.length; i++) {
      var el = items[i];
      var ok = (!party || (" " + el.getAttribute("data-party") + " ").indexOf(" " + party + " ") >= 0) &&
        (!level || el.getAttribute("data-level") === level) &&
        (!verdict || el.getAttribute("data-verdict") === verdict);
      el.hidden = !ok;
      if (ok) { if (el.tagName === "TR") { rows++; } else { scenarios++; } }
    }
    for (var j = 0; j < features.length; j++) {
      features[j].hidden = features[j].querySelector("details.sc:not([hidden])") === null;
    }
    if (shown) { shown.textContent = rows + " requirements, " + scenarios + " scenarios shown"; }
  }
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? document.getElementById(id) : null;
    if (el && el.tagName === "DETAILS") { el.open = true; }
  }
  if (form) { form.addEventListener("change", apply); apply(); }
  window.addEventListener("hashchange", reveal);
  reveal();
  document.body.setAttribute("data-js", "ready");
})();
"#;

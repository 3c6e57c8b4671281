// The HTML report's inline stylesheet and script (internal to
// html_report.cc). Both are hashed into the page's Content-Security-Policy,
// so any edit here is picked up automatically. The script must only create
// nodes with textContent: it never parses markup.
#pragma once

#include <string_view>

namespace harrier::html_assets {

inline constexpr std::string_view kStyle = R"CSS(
:root{--alert:#c62828;--warning:#e65100;--notice:#1565c0;--clean:#2e7d32;--incomplete:#6a1b9a;--unfinished:#4e342e;
--fg:#1d2330;--muted:#5f6b7a;--line:#dde2e8;--bg:#f5f7fa;--card:#fff}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif;color:var(--fg);background:var(--bg)}
main{margin:0;padding:0 24px 40px}
code,.mono,td.hash,.path,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
.verdict{color:#fff;padding:20px 24px 16px}
.verdict h1{margin:0 0 6px;font-size:26px;letter-spacing:.2px}
.verdict p{margin:0;opacity:.95}
.v-alert{background:var(--alert)}.v-warning{background:var(--warning)}.v-notice,.v-clean{background:var(--clean)}.v-incomplete{background:var(--incomplete)}.v-unfinished{background:var(--unfinished)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(360px,1fr));gap:16px;margin-top:18px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin-top:18px}
.grid .card{margin-top:0}
.card h2,.card h3{font-size:15px;margin:0 0 10px;text-transform:uppercase;letter-spacing:.6px;color:var(--muted)}
table.kv{border-collapse:collapse;width:100%}
table.kv th{text-align:left;font-weight:600;padding:3px 10px 3px 0;vertical-align:top;white-space:nowrap;color:var(--muted)}
table.kv td{padding:3px 0;overflow-wrap:anywhere}
.stats{display:flex;gap:10px;flex-wrap:wrap;margin-bottom:10px}
.stat{flex:1 1 90px;border:1px solid var(--line);border-radius:6px;padding:6px 10px}
.stat b{display:block;font-size:20px}.stat span{color:var(--muted);font-size:12px}
.stat.bad b{color:var(--alert)}
.charts{display:flex;gap:16px;flex-wrap:wrap}.charts p{margin:8px 0 2px;color:var(--muted)}
.note{background:#fff8e1;border:1px solid #ffe082;border-radius:6px;padding:8px 12px;margin:12px 0}
.hint{color:var(--muted);margin:4px 0 8px}
svg text{font:12px system-ui,sans-serif;fill:#1d2330}
section.findings{margin-top:18px}
.toolbar{display:flex;gap:14px;align-items:center;flex-wrap:wrap;margin:8px 0 10px}
.toolbar input[type=search]{flex:1 1 320px;padding:7px 10px;border:1px solid #b8c1cc;border-radius:6px;font-size:14px}
.toolbar label{white-space:nowrap}
.shown{color:var(--muted)}
table.findings,table.grid-table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line)}
table.findings th,table.grid-table th{background:#eef1f5;text-align:left;padding:7px 8px;border-bottom:1px solid var(--line);cursor:pointer;user-select:none;white-space:nowrap}
th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
table.findings td,table.grid-table td{padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
table.grid-table td small,.topr small,.next-steps small{display:block;color:var(--muted)}
table.grid-table td.mono{white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.hot{color:var(--alert);font-weight:700}td.warm{color:var(--warning);font-weight:700}
table.findings td.file{overflow-wrap:anywhere;word-break:break-word;width:50%}
.lvl,.badge{display:inline-block;min-width:70px;text-align:center;color:#fff;border-radius:4px;padding:1px 6px;font-weight:600;font-size:12px}
.lvl-alert{background:var(--alert)}.lvl-warning{background:var(--warning)}.lvl-notice{background:var(--notice)}.lvl-none{background:#78909c}
.badge{min-width:92px;border:1px solid rgba(255,255,255,.6)}
tr.row-alert td:first-child{border-left:4px solid var(--alert)}tr.row-warning td:first-child{border-left:4px solid var(--warning)}tr.row-notice td:first-child{border-left:4px solid var(--notice)}
tr.host-row.v-alert,tr.host-row.v-warning,tr.host-row.v-clean,tr.host-row.v-notice,tr.host-row.v-incomplete,tr.host-row.v-unfinished{background:none}
tr.host-row td:first-child a{font-weight:600}
details summary{cursor:pointer}
.detail{margin:8px 0 4px;padding:10px 12px;background:#fafbfc;border:1px solid var(--line);border-radius:6px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 8px}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;overflow-wrap:anywhere;font-family:ui-monospace,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
.reason{border-top:1px dashed var(--line);padding:8px 0 4px}
.reason-head{font-weight:600}
.rscore{display:inline-block;min-width:34px;text-align:center;background:#37474f;color:#fff;border-radius:3px;margin-right:8px;font-size:12px}
.rtype{color:var(--muted);margin-right:8px;text-transform:uppercase;font-size:11px;letter-spacing:.5px}
.rname{overflow-wrap:anywhere}
.reason p{margin:4px 0}
.remed{background:#e8f5e9;border-left:3px solid var(--clean);padding:4px 8px}
.next-steps ol{margin:0;padding-left:22px}.next-steps li{margin:4px 0 8px}
.next-steps li .lvl{min-width:64px;margin-right:6px}
table.strings{border-collapse:collapse;margin:4px 0;width:100%}
table.strings th,table.strings td{border:1px solid var(--line);padding:2px 6px;text-align:left;font-size:12px;vertical-align:top}
table.strings td{font-family:ui-monospace,Menlo,Consolas,"Liberation Mono",monospace;overflow-wrap:anywhere}
.toolbar button{padding:6px 10px;border:1px solid #b8c1cc;border-radius:6px;background:#fff;cursor:pointer}
.empty{padding:16px;text-align:center;color:var(--muted)}
.by-indicator{margin-top:14px}.by-indicator details{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:6px 10px;margin:6px 0}
.by-indicator ul.files{margin:6px 0 2px;padding-left:22px}.by-indicator li{overflow-wrap:anywhere}
section.host{margin-top:30px;border-top:3px solid var(--line);padding-top:4px}
.host-head{color:#fff;border-radius:8px;padding:10px 16px;margin-top:12px}
.host-head h2{margin:0;font-size:20px;overflow-wrap:anywhere}.host-head p{margin:4px 0 0}.host-head a{color:#fff}
footer{color:var(--muted);margin-top:28px;font-size:12px}
@media print{
body{background:#fff;font-size:11px}main{padding:0}
.toolbar,.expand{display:none}
.card,table.findings,table.grid-table{break-inside:auto;border-color:#999}
table.findings td.file{width:auto}
*{overflow:visible!important;max-width:none!important}
section.host{break-before:page;border:0}
tr,.reason,.by-indicator details{break-inside:avoid}
.verdict,.host-head,.lvl,.badge{-webkit-print-color-adjust:exact;print-color-adjust:exact}
a{color:inherit;text-decoration:none}
}
)CSS";

inline constexpr std::string_view kScript = R"JS(
(function () {
  'use strict';
  var rank = {alert: 3, warning: 2, notice: 1, none: 0};
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function cellText(tr, i) { var c = tr.cells[i]; return c ? (c.getAttribute('data-sort') || c.textContent).trim() : ''; }
  function markSort(ths, th, dir) {
    each(ths, function (h) { h.setAttribute('aria-sort', h === th ? (dir > 0 ? 'ascending' : 'descending') : 'none'); });
  }
  // A findings table: filter box, level boxes, expand all, sortable columns.
  each(document.querySelectorAll('.findings-block'), function (block) {
    var table = block.querySelector('table.findings');
    var body = table.tBodies[0];
    var rows = Array.prototype.filter.call(body.rows, function (r) { return r.classList.contains('finding'); });
    var filter = block.querySelector('.filter');
    var shown = block.querySelector('.shown');
    var boxes = block.querySelectorAll('input[data-level]');
    var expand = block.querySelector('.expand');
    var ths = table.querySelectorAll('th[data-key]');
    rows.forEach(function (r, i) { r.order = i; r.search = r.textContent.toLowerCase(); });
    function apply() {
      var q = filter.value.trim().toLowerCase(), levels = {}, n = 0;
      each(boxes, function (b) { levels[b.getAttribute('data-level')] = b.checked; });
      rows.forEach(function (r) {
        var ok = levels[r.getAttribute('data-level')] !== false && (!q || r.search.indexOf(q) >= 0);
        r.hidden = !ok;
        if (ok) ++n;
      });
      shown.textContent = 'Showing ' + n + ' of ' + rows.length;
    }
    var sortKey = 'score', sortDir = -1;
    function key(r, k, i) {
      if (k === 'score') return Number(r.getAttribute('data-score'));
      if (k === 'level') return rank[r.getAttribute('data-level')] || 0;
      return cellText(r, i).toLowerCase();
    }
    each(ths, function (th, i) {
      th.addEventListener('click', function () {
        var k = th.getAttribute('data-key');
        if (k === sortKey) sortDir = -sortDir; else { sortKey = k; sortDir = (k === 'score' || k === 'level' || k === 'mtime') ? -1 : 1; }
        rows.sort(function (a, b) {
          var x = key(a, k, i), y = key(b, k, i);
          if (x < y) return -sortDir;
          if (x > y) return sortDir;
          return a.order - b.order;
        });
        rows.forEach(function (r) { body.appendChild(r); });
        markSort(ths, th, sortDir);
      });
    });
    filter.addEventListener('input', apply);
    each(boxes, function (b) { b.addEventListener('change', apply); });
    expand.addEventListener('click', function () {
      var open = expand.textContent === 'Expand all';
      rows.forEach(function (r) { var d = r.querySelector('details'); if (d) d.open = open; });
      expand.textContent = open ? 'Collapse all' : 'Expand all';
    });
    table.setAttribute('data-rendered', String(rows.length));
    apply();
  });
  // Summary tables (hosts, indicators): click a heading to sort by it.
  each(document.querySelectorAll('table.sortable'), function (table) {
    var body = table.tBodies[0];
    var ths = table.querySelectorAll('th[data-key]');
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (r, i) { r.order = i; });
    var current = -1, dir = 1;
    each(ths, function (th, i) {
      th.addEventListener('click', function () {
        var num = th.getAttribute('data-key') === 'num';
        dir = current === i ? -dir : (num ? -1 : 1);
        current = i;
        rows.sort(function (a, b) {
          var x = cellText(a, i), y = cellText(b, i);
          if (num) { x = parseFloat(x) || 0; y = parseFloat(y) || 0; } else { x = x.toLowerCase(); y = y.toLowerCase(); }
          if (x < y) return -dir;
          if (x > y) return dir;
          return a.order - b.order;
        });
        rows.forEach(function (r) { body.appendChild(r); });
        markSort(ths, th, dir);
      });
    });
  });
  function openAll() { each(document.querySelectorAll('details'), function (d) { d.open = true; }); }
  if (location.hash === '#open-all') openAll();
  window.addEventListener('beforeprint', openAll);
})();
)JS";

}  // namespace harrier::html_assets

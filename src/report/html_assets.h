// The HTML report's inline stylesheet and script (internal to
// html_report.cc). Both are hashed into the page's Content-Security-Policy,
// so any edit here is picked up automatically. The script must only create
// nodes with textContent: it never parses markup.
#pragma once

#include <string_view>

namespace harrier::html_assets {

inline constexpr std::string_view kStyle = R"CSS(
:root{--alert:#c62828;--warning:#e65100;--notice:#1565c0;--clean:#2e7d32;--incomplete:#6a1b9a;
--fg:#1d2330;--muted:#5f6b7a;--line:#dde2e8;--bg:#f5f7fa;--card:#fff}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1240px;margin:0 auto;padding:0 20px 40px}
code,.mono,td.hash,.path,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
.verdict{color:#fff;padding:22px 20px 18px}
.verdict .inner{max-width:1240px;margin:0 auto;padding:0 20px}
.verdict h1{margin:0 0 6px;font-size:26px;letter-spacing:.2px}
.verdict p{margin:0;opacity:.95}
.v-alert{background:var(--alert)}.v-warning{background:var(--warning)}.v-notice,.v-clean{background:var(--clean)}.v-incomplete{background:var(--incomplete)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(330px,1fr));gap:16px;margin-top:18px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px}
.card h2{font-size:15px;margin:0 0 10px;text-transform:uppercase;letter-spacing:.6px;color:var(--muted)}
table.kv{border-collapse:collapse;width:100%}
table.kv th{text-align:left;font-weight:600;padding:3px 10px 3px 0;vertical-align:top;white-space:nowrap;color:var(--muted)}
table.kv td{padding:3px 0;overflow-wrap:anywhere}
.stats{display:flex;gap:10px;flex-wrap:wrap;margin-bottom:10px}
.stat{flex:1 1 90px;border:1px solid var(--line);border-radius:6px;padding:6px 10px}
.stat b{display:block;font-size:20px}.stat span{color:var(--muted);font-size:12px}
.stat.bad b{color:var(--alert)}
.note{background:#fff8e1;border:1px solid #ffe082;border-radius:6px;padding:8px 12px;margin:12px 0}
svg text{font:12px system-ui,sans-serif;fill:#1d2330}
section.findings{margin-top:18px}
.toolbar{display:flex;gap:14px;align-items:center;flex-wrap:wrap;margin:8px 0 10px}
.toolbar input[type=search]{flex:1 1 320px;padding:7px 10px;border:1px solid #b8c1cc;border-radius:6px;font-size:14px}
.toolbar label{white-space:nowrap}
#shown{color:var(--muted)}
table.findings{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line)}
table.findings th{background:#eef1f5;text-align:left;padding:7px 8px;border-bottom:1px solid var(--line);cursor:pointer;user-select:none;white-space:nowrap}
table.findings th[aria-sort=ascending]::after{content:" \25B2"}table.findings th[aria-sort=descending]::after{content:" \25BC"}
table.findings td{padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
table.findings td.file{word-break:break-all;width:55%}
.lvl{display:inline-block;min-width:70px;text-align:center;color:#fff;border-radius:4px;padding:1px 6px;font-weight:600;font-size:12px}
.lvl-alert{background:var(--alert)}.lvl-warning{background:var(--warning)}.lvl-notice{background:var(--notice)}.lvl-none{background:#78909c}
tr.row-alert td:first-child{border-left:4px solid var(--alert)}tr.row-warning td:first-child{border-left:4px solid var(--warning)}tr.row-notice td:first-child{border-left:4px solid var(--notice)}
details summary{cursor:pointer}
.detail{margin:8px 0 4px;padding:10px 12px;background:#fafbfc;border:1px solid var(--line);border-radius:6px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 8px}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;word-break:break-all;font-family:ui-monospace,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
.reason{border-top:1px dashed var(--line);padding:8px 0 4px}
.reason-head{font-weight:600}
.rscore{display:inline-block;min-width:34px;text-align:center;background:#37474f;color:#fff;border-radius:3px;margin-right:8px;font-size:12px}
.rtype{color:var(--muted);margin-right:8px;text-transform:uppercase;font-size:11px;letter-spacing:.5px}
.reason p{margin:4px 0}
.remed{background:#e8f5e9;border-left:3px solid var(--clean);padding:4px 8px}
table.strings{border-collapse:collapse;margin:4px 0;width:100%}
table.strings th,table.strings td{border:1px solid var(--line);padding:2px 6px;text-align:left;font-size:12px;vertical-align:top}
table.strings td{font-family:ui-monospace,Menlo,Consolas,"Liberation Mono",monospace;word-break:break-all}
.topr small{display:block;color:var(--muted)}
.toolbar button{padding:6px 10px;border:1px solid #b8c1cc;border-radius:6px;background:#fff;cursor:pointer}
.empty{padding:16px;text-align:center;color:var(--muted)}
footer{color:var(--muted);margin-top:28px;font-size:12px}
)CSS";

inline constexpr std::string_view kScript = R"JS(
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('harrier-data').textContent);
  var findings = data.findings || [];
  var body = document.getElementById('findings-body');
  var filter = document.getElementById('filter');
  var shown = document.getElementById('shown');
  var levelBoxes = document.querySelectorAll('input[data-level]');
  var sortKey = 'score', sortDir = -1;
  var rank = {alert: 3, warning: 2, notice: 1, none: 0};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function kv(dl, k, v) {
    if (v === undefined || v === null || v === '') return;
    dl.appendChild(el('dt', null, k));
    dl.appendChild(el('dd', null, v));
  }
  function detailsFor(f) {
    var d = el('details');
    d.appendChild(el('summary', 'path', f.path));
    var box = el('div', 'detail');
    var dl = el('dl', 'meta');
    kv(dl, 'Shown as', f.display_path);
    kv(dl, 'Path bytes (hex)', f.path_hex);
    kv(dl, 'Size', f.size + ' bytes');
    kv(dl, 'Modified', f.mtime);
    kv(dl, 'Changed', f.ctime);
    kv(dl, 'Owner', f.owner);
    kv(dl, 'Mode', f.mode);
    kv(dl, 'File type', f.type);
    kv(dl, 'SHA256', f.sha256);
    kv(dl, 'SHA1', f.sha1);
    kv(dl, 'MD5', f.md5);
    box.appendChild(dl);
    f.reasons.forEach(function (r) {
      var rd = el('div', 'reason');
      var h = el('div', 'reason-head');
      h.appendChild(el('span', 'rscore', r.score));
      h.appendChild(el('span', 'rtype', r.type));
      h.appendChild(el('span', 'rname', r.name));
      rd.appendChild(h);
      if (r.description) rd.appendChild(el('p', 'rdesc', r.description));
      if (r.source) rd.appendChild(el('p', 'rsrc mono', 'Signature: ' + r.source));
      if (r.strings.length) {
        var t = el('table', 'strings');
        var hr = el('tr');
        ['String', 'Offset', 'Text', 'Hex'].forEach(function (c) { hr.appendChild(el('th', null, c)); });
        t.appendChild(hr);
        r.strings.forEach(function (s) {
          var tr = el('tr');
          tr.appendChild(el('td', null, s.id));
          tr.appendChild(el('td', null, '0x' + Number(s.offset).toString(16)));
          tr.appendChild(el('td', null, s.text));
          tr.appendChild(el('td', null, s.hex));
          t.appendChild(tr);
        });
        rd.appendChild(t);
      }
      if (r.details.length) {
        var ddl = el('dl', 'meta');
        r.details.forEach(function (p) { kv(ddl, p[0], p[1]); });
        rd.appendChild(ddl);
      }
      if (r.remediation) rd.appendChild(el('p', 'remed', 'What to do: ' + r.remediation));
      box.appendChild(rd);
    });
    d.appendChild(box);
    return d;
  }
  findings.forEach(function (f) {
    var tr = el('tr', 'row-' + f.level);
    tr.className += ' finding';
    var c = el('td');
    c.appendChild(el('span', 'lvl lvl-' + f.level, f.level.toUpperCase()));
    tr.appendChild(c);
    tr.appendChild(el('td', 'score', Math.round(f.score)));
    var fc = el('td', 'file');
    fc.appendChild(detailsFor(f));
    tr.appendChild(fc);
    var top = el('td', 'topr');
    if (f.reasons.length) {
      var r0 = f.reasons[0];
      top.appendChild(el('span', null, r0.type === 'hash' ? 'hash IOC' : r0.name));
      if (r0.description) top.appendChild(el('small', null, r0.description));
      if (f.reasons.length > 1) top.appendChild(el('small', null, '+' + (f.reasons.length - 1) + ' more'));
    }
    tr.appendChild(top);
    tr.appendChild(el('td', null, f.type));
    tr.appendChild(el('td', 'mono', f.mtime));
    f.row = tr;
    f.search = [f.level, f.path, f.display_path, f.sha256, f.md5, f.sha1, f.type].concat(
      f.reasons.map(function (r) { return r.type + ' ' + r.name + ' ' + r.description; })).join('\n').toLowerCase();
  });
  function keyOf(f, k) {
    if (k === 'score') return f.score;
    if (k === 'level') return rank[f.level] || 0;
    if (k === 'rule') return f.reasons.length ? f.reasons[0].name.toLowerCase() : '';
    return String(f[k] || '').toLowerCase();
  }
  function render() {
    var q = filter.value.trim().toLowerCase();
    var levels = {};
    levelBoxes.forEach(function (b) { levels[b.getAttribute('data-level')] = b.checked; });
    var list = findings.filter(function (f) {
      return levels[f.level] !== false && (!q || f.search.indexOf(q) >= 0);
    });
    list.sort(function (a, b) {
      var x = keyOf(a, sortKey), y = keyOf(b, sortKey);
      if (x < y) return -sortDir;
      if (x > y) return sortDir;
      return b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    });
    while (body.firstChild) body.removeChild(body.firstChild);
    list.forEach(function (f) { body.appendChild(f.row); });
    if (!list.length) {
      var tr = el('tr'), td = el('td', 'empty', findings.length ? 'No finding matches the filter.' : 'No findings.');
      td.colSpan = 6;
      tr.appendChild(td);
      body.appendChild(tr);
    }
    shown.textContent = 'Showing ' + list.length + ' of ' + findings.length;
    document.querySelectorAll('th[data-key]').forEach(function (th) {
      th.setAttribute('aria-sort', th.getAttribute('data-key') === sortKey ? (sortDir > 0 ? 'ascending' : 'descending') : 'none');
    });
  }
  document.querySelectorAll('th[data-key]').forEach(function (th) {
    th.addEventListener('click', function () {
      var k = th.getAttribute('data-key');
      if (k === sortKey) sortDir = -sortDir; else { sortKey = k; sortDir = (k === 'score' || k === 'level' || k === 'mtime') ? -1 : 1; }
      render();
    });
  });
  filter.addEventListener('input', render);
  var expand = document.getElementById('expand');
  function setOpen(open) {
    findings.forEach(function (f) { f.row.querySelector('details').open = open; });
    expand.textContent = open ? 'Collapse all' : 'Expand all';
  }
  expand.addEventListener('click', function () { setOpen(expand.textContent === 'Expand all'); });
  if (location.hash === '#open-all') setOpen(true);
  levelBoxes.forEach(function (b) { b.addEventListener('change', render); });
  document.getElementById('findings-table').setAttribute('data-rendered', String(findings.length));
  render();
})();
)JS";

}  // namespace harrier::html_assets

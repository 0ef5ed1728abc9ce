/* mallocsim replay report: draws REPORT (written by ReplayReport.java) with uPlot. */
(function () {
  'use strict';
  var PAGE = 4096;
  var STATE_COLOURS = {
    'in use': '#3b73c4', 'tcache': '#f2b134', 'fastbin': '#ef7d2f', 'small': '#6cc26a', 'large': '#2e8b57',
    'unsorted': '#b07cd8', 'top': '#d9dde3', "allocator's own": '#7a4a2e', 'mmapped': '#5ab0d8', 'unused': '#eceff3'
  };
  var STATE_CODES = 'uTFSLUPOMx';
  var RESIDENT_COLOURS = {
    'live data': '#3b73c4', 'headers and padding': '#9bb7e0', 'free chunks': '#6cc26a',
    'top and unused': '#d0d5dc', "allocator's own": '#7a4a2e', 'elsewhere': '#8a8f98', 'page tables': '#e05d5d'
  };

  function fmtBytes(b) {
    if (b == null || isNaN(b)) return '';
    var a = Math.abs(b);
    if (a >= 1073741824) return (b / 1073741824).toFixed(2) + ' GiB';
    if (a >= 1048576) return (b / 1048576).toFixed(a >= 104857600 ? 0 : 1) + ' MiB';
    if (a >= 1024) return (b / 1024).toFixed(a >= 102400 ? 0 : 1) + ' KiB';
    return Math.round(b) + ' B';
  }
  /* axis labels: one unit for the axis, as many decimals as the step between ticks needs */
  function fmtAxis(vals) {
    if (vals.length < 2) return vals.map(fmtBytes);
    var a = 0; vals.forEach(function (v) { a = Math.max(a, Math.abs(v)); });
    var unit = a >= 1073741824 ? [1073741824, ' GiB'] : a >= 1048576 ? [1048576, ' MiB'] : a >= 1024 ? [1024, ' KiB'] : [1, ' B'];
    var step = Math.abs(vals[1] - vals[0]) || 1;
    var d = Math.max(0, Math.min(6, Math.ceil(-Math.log10(step / unit[0]))));
    return vals.map(function (v) { return (v / unit[0]).toFixed(d) + unit[1]; });
  }
  function fmtInt(n) { return Math.round(n).toLocaleString('en-US'); }
  function hex(n) { return '0x' + n.toString(16); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  var tip = document.getElementById('tip');
  function showTip(ev, text) {
    tip.textContent = text; tip.hidden = false;
    var x = ev.clientX + 14, y = ev.clientY + 14;
    var r = tip.getBoundingClientRect();
    if (x + r.width > window.innerWidth - 4) x = ev.clientX - r.width - 14;
    if (y + r.height > window.innerHeight - 4) y = ev.clientY - r.height - 14;
    tip.style.left = x + 'px'; tip.style.top = y + 'px';
  }
  function hideTip() { tip.hidden = true; }

  /* ---- every call's values (CallSeries.java): gzip members of varints, in base64 ---- */
  function inflate(b64) {
    var bin = atob(b64), u8 = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
    var stream = new Blob([u8]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }
  function Reader(b) { this.b = b; this.p = 0; }
  Reader.prototype.varint = function () {
    var v = 0, mul = 1, c;
    do { c = this.b[this.p++]; v += (c & 0x7f) * mul; mul *= 128; } while (c & 0x80);
    return v;
  };
  Reader.prototype.zigzag = function () { var v = this.varint(); return v % 2 === 1 ? -(v + 1) / 2 : v / 2; };
  /* change points: call (0-based) and value from that call on, times scale */
  function steps(b, scale) {
    var r = new Reader(b), cap = (b.length >> 1) + 1, idx = new Float64Array(cap), val = new Float64Array(cap);
    var n = 0, at = 0, v = 0;
    while (r.p < b.length) { at += r.varint(); v += r.zigzag(); idx[n] = at; val[n] = v * scale; n++; }
    return { idx: idx.subarray(0, n), val: val.subarray(0, n) };
  }
  /* per-call values from per-call deltas */
  function running(b, calls) {
    var r = new Reader(b), out = new Float64Array(calls), v = 0;
    for (var i = 0; i < calls && r.p < b.length; i++) { v += r.zigzag(); out[i] = v; }
    return out;
  }
  /* syscall records: per kind, the cumulative count from each record's call on */
  function syscalls(b, kinds) {
    var r = new Reader(b), cap = Math.floor(b.length / (kinds + 1)) + 1, idx = new Float64Array(cap);
    var cum = [], now = new Float64Array(kinds), n = 0, at = 0;
    for (var k = 0; k < kinds; k++) cum.push(new Float64Array(cap));
    while (r.p < b.length) {
      at += r.varint(); idx[n] = at;
      for (var k2 = 0; k2 < kinds; k2++) { now[k2] += r.varint(); cum[k2][n] = now[k2]; }
      n++;
    }
    return { idx: idx.subarray(0, n), cum: cum.map(function (c) { return c.subarray(0, n); }) };
  }
  function decodeSeries(S) {
    return Promise.all(['rss', 'vm', 'heap', 'live', 'sys'].map(function (k) { return inflate(S[k]); })).then(function (b) {
      return { calls: S.calls, kinds: S.kinds, rss: steps(b[0], PAGE), vm: steps(b[1], PAGE), heap: steps(b[2], PAGE),
        live: running(b[3], S.calls), sys: syscalls(b[4], S.kinds.length) };
    });
  }
  /* the last change point at or before call index i, -1 when none */
  function lastAtOrBefore(idx, i) {
    var lo = 0, hi = idx.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (idx[mid] <= i) lo = mid + 1; else hi = mid; }
    return lo - 1;
  }

  /* ---- the timeline ---- */
  function drawTimeline(D) {
    var n = D.calls;
    var metrics = [
      { key: 'rss', title: 'RSS (resident memory)', colour: '#3b73c4' },
      { key: 'vm', title: 'VM size (mapped memory)', colour: '#8a5cc2' },
      { key: 'heap', title: 'Heap size (writable memory the allocator mapped)', colour: '#2e8b57' },
      { key: 'live', title: 'Live bytes (asked for and not yet freed)', colour: '#ef7d2f' }
    ];
    var kinds = D.kinds;
    var sysColours = ['#3b73c4', '#ef7d2f', '#6cc26a', '#b07cd8', '#e05d5d', '#8a8f98'];
    document.getElementById('resolution').textContent = 'Every one of the ' + fmtInt(n) + ' calls is kept; '
      + 'where more calls than pixels are shown, each pixel column is drawn with the minimum and maximum of its calls. '
      + 'Drag across a chart to zoom in, down to single calls; double-click to zoom out.';

    /* calls lo..hi (1-based, inclusive) in columns of g calls: x, per metric [min, max], per syscall kind the calls made */
    function view(lo, hi, px) {
      var count = hi - lo + 1, g = Math.max(1, Math.ceil(count / Math.max(1, px))), len = Math.ceil(count / g);
      var out = { x: new Float64Array(len), m: metrics.map(function () { return [new Float64Array(len), new Float64Array(len)]; }),
        s: kinds.map(function () { return new Float64Array(len); }) };
      for (var j = 0; j < len; j++) out.x[j] = lo + j * g;
      metrics.forEach(function (mt, k) {
        var mn = out.m[k][0], mx = out.m[k][1], j, i, a, b;
        if (mt.key === 'live') {
          var L = D.live;
          for (j = 0; j < len; j++) {
            a = lo - 1 + j * g; b = Math.min(hi - 1, a + g - 1);
            var lmn = Infinity, lmx = -Infinity;
            for (i = a; i <= b; i++) { var v = L[i]; if (v < lmn) lmn = v; if (v > lmx) lmx = v; }
            mn[j] = lmn; mx[j] = lmx;
          }
          return;
        }
        var st = D[mt.key], idx = st.idx, val = st.val, p = Math.max(0, lastAtOrBefore(idx, lo - 1));
        for (j = 0; j < len; j++) {
          a = lo - 1 + j * g; b = Math.min(hi - 1, a + g - 1);
          while (p + 1 < idx.length && idx[p + 1] <= a) p++;
          var smn = val[p], smx = val[p];
          while (p + 1 < idx.length && idx[p + 1] <= b) { p++; if (val[p] < smn) smn = val[p]; if (val[p] > smx) smx = val[p]; }
          mn[j] = smn; mx[j] = smx;
        }
      });
      var sidx = D.sys.idx;
      kinds.forEach(function (kind, k) {
        var cum = D.sys.cum[k];
        function at(i) { var q = lastAtOrBefore(sidx, i); return q < 0 ? 0 : cum[q]; }
        for (var j = 0; j < len; j++) {
          var a = lo - 1 + j * g, b = Math.min(hi - 1, a + g - 1);
          out.s[k][j] = at(b) - at(a - 1);
        }
      });
      return out;
    }

    var host = document.getElementById('charts');
    var plots = [];
    var full = [1, Math.max(2, n)];
    var current = full.slice();
    var deathX = REPORT.death ? REPORT.death.call : null;
    function width() { return Math.max(320, host.clientWidth); }

    function commonOpts(title, height) {
      return {
        title: title, width: width(), height: height,
        cursor: { sync: { key: 'replay', setSeries: false }, drag: { x: true, y: false, setScale: false },
          bind: { dblclick: function () { return function () { zoom(full[0], full[1]); return null; }; } } },
        scales: { x: { time: false } },
        legend: { live: true },
        hooks: {
          setSelect: [function (u) {
            if (u.select.width > 2) {
              var a = u.posToVal(u.select.left, 'x'), b = u.posToVal(u.select.left + u.select.width, 'x');
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              zoom(a, b);
            }
          }],
          draw: [function (u) {
            if (deathX == null) return;
            var cx = Math.round(u.valToPos(deathX, 'x', true));
            if (cx < u.bbox.left || cx > u.bbox.left + u.bbox.width) return;
            var c = u.ctx; c.save(); c.strokeStyle = '#b00020'; c.lineWidth = 2; c.setLineDash([4, 3]);
            c.beginPath(); c.moveTo(cx, u.bbox.top); c.lineTo(cx, u.bbox.top + u.bbox.height); c.stroke(); c.restore();
          }]
        }
      };
    }
    /* whole calls only: a tick between two calls would name neither */
    var callIncrs = [];
    for (var e = 1; e <= 1e10; e *= 10) callIncrs.push(e, 2 * e, 5 * e);
    /* a fresh axis object per chart (uPlot keeps per-chart state in it); 90 px per label so that
       seven-digit call numbers never run into each other */
    function xAxis() {
      return { label: 'call', size: 40, space: 90, incrs: callIncrs, values: function (u, vals) { return vals.map(function (v) { return fmtInt(v); }); } };
    }
    /* byte axes tick at powers of two, so that labels read as whole KiB or MiB fractions */
    var byteIncrs = [];
    for (var b2 = 1; b2 <= Math.pow(2, 50); b2 *= 2) byteIncrs.push(b2);

    metrics.forEach(function (m) {
      var div = el('div', 'chart'); host.appendChild(div);
      var o = commonOpts(m.title, 150);
      o.series = [
        { label: 'call', value: function (u, v) { return v == null ? '' : fmtInt(v); } },
        { label: 'max', stroke: m.colour, width: 1.5, value: function (u, v) { return fmtBytes(v); } },
        { label: 'min', stroke: m.colour + '99', width: 1, value: function (u, v) { return fmtBytes(v); } }
      ];
      o.bands = [{ series: [1, 2], fill: m.colour + '33' }];
      o.axes = [xAxis(), { size: 90, space: 24, incrs: byteIncrs, values: function (u, vals) { return fmtAxis(vals); } }];
      plots.push({ kind: 'metric', index: plots.length, u: new uPlot(o, [[], [], []], div) });
    });
    var sdiv = el('div', 'chart'); host.appendChild(sdiv);
    var so = commonOpts('Syscalls per point', 150);
    so.series = [{ label: 'call', value: function (u, v) { return v == null ? '' : fmtInt(v); } }].concat(kinds.map(function (k, i) {
      return { label: k, stroke: sysColours[i % sysColours.length], fill: sysColours[i % sysColours.length] + '55', width: 1,
        paths: uPlot.paths.bars({ size: [1, 12], align: 1 }), points: { show: false } };
    }));
    so.axes = [xAxis(), { size: 72, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 1e6], values: function (u, vals) { return vals.map(function (v) { return Number.isInteger(v) ? fmtInt(v) : ''; }); } }];
    var sysPlot = new uPlot(so, [[]].concat(kinds.map(function () { return []; })), sdiv);

    /* shows calls lo..hi, recomputing the points for the charts' pixel width */
    function zoom(lo, hi) {
      lo = Math.max(full[0], Math.floor(lo)); hi = Math.min(full[1], Math.ceil(hi));
      if (hi - lo < 2) { var c = Math.round((lo + hi) / 2); lo = Math.max(full[0], c - 2); hi = Math.min(full[1], c + 2); }
      current = [lo, hi];
      var px = plots[0].u.bbox.width / (window.devicePixelRatio || 1);
      var v = view(lo, Math.min(hi, n), Math.max(50, Math.floor(px)));
      plots.forEach(function (p, k) {
        p.u.batch(function () {
          p.u.setData([v.x, v.m[k][1], v.m[k][0]], false);
          p.u.setScale('x', { min: lo, max: hi });
        });
      });
      sysPlot.batch(function () {
        sysPlot.setData([v.x].concat(v.s), false);
        sysPlot.setScale('x', { min: lo, max: hi });
      });
      /* what is shown, for tests and the curious: the range, and the points themselves when few */
      document.body.setAttribute('data-zoom', lo + '-' + hi);
      if (v.x.length <= 64) {
        var shown = { x: Array.from(v.x), sys: {} };
        metrics.forEach(function (mt, k) { shown[mt.key] = [Array.from(v.m[k][0]), Array.from(v.m[k][1])]; });
        kinds.forEach(function (kind, k) { shown.sys[kind] = Array.from(v.s[k]); });
        document.body.setAttribute('data-view', JSON.stringify(shown));
      } else {
        document.body.removeAttribute('data-view');
      }
    }
    var frag = /^#calls=(\d+)-(\d+)$/.exec(window.location.hash);
    if (frag) zoom(Number(frag[1]), Number(frag[2])); else zoom(full[0], full[1]);
    window.addEventListener('resize', function () {
      plots.forEach(function (p) { p.u.setSize({ width: width(), height: 150 }); });
      sysPlot.setSize({ width: width(), height: 150 });
      zoom(current[0], current[1]);
    });
    window.mallocsimReport = { series: D, zoom: zoom };
  }

  /* ---- where the resident memory goes ---- */
  function drawBreakdown(maps) {
    var host = document.getElementById('breakdown');
    maps.forEach(function (m) {
      var box = el('div', 'bar');
      box.appendChild(el('h3', null, 'RSS ' + m.when + ' (call ' + fmtInt(m.atCall) + '): ' + fmtBytes(m.rss)
        + ', and ' + fmtBytes(m.pageTables) + ' of page tables'));
      var parts = Object.keys(m.resident).map(function (k) { return [k, m.resident[k]]; });
      parts.push(['page tables', m.pageTables]);
      var total = parts.reduce(function (s, p) { return s + p[1]; }, 0) || 1;
      var stack = el('div', 'stack');
      parts.forEach(function (p) {
        var d = el('div'); d.style.width = (100 * p[1] / total) + '%'; d.style.background = RESIDENT_COLOURS[p[0]];
        d.addEventListener('mousemove', function (ev) { showTip(ev, p[0] + ': ' + fmtBytes(p[1]) + ' (' + (100 * p[1] / total).toFixed(1) + '%)'); });
        d.addEventListener('mouseleave', hideTip);
        stack.appendChild(d);
      });
      box.appendChild(stack);
      var t = el('table');
      parts.forEach(function (p) {
        var tr = el('tr');
        var td = el('td'); var sw = el('span', 'sw'); sw.style.background = RESIDENT_COLOURS[p[0]]; td.appendChild(sw);
        td.appendChild(document.createTextNode(p[0] + (p[0] === 'page tables' ? ' (not counted in RSS)' : '')));
        tr.appendChild(td); tr.appendChild(el('td', 'n', fmtBytes(p[1]))); tr.appendChild(el('td', 'n', (100 * p[1] / total).toFixed(1) + '%'));
        t.appendChild(tr);
      });
      var frag = m.heap > 0 ? Math.max(0, 1 - m.live / m.heap) : 0;
      var tr2 = el('tr'); tr2.appendChild(el('td', null, 'fragmentation (1 − live / heap)'));
      tr2.appendChild(el('td', 'n', (100 * frag).toFixed(1) + '%')); tr2.appendChild(el('td', 'n', fmtBytes(m.live) + ' / ' + fmtBytes(m.heap)));
      t.appendChild(tr2);
      box.appendChild(t);
      host.appendChild(box);
    });
  }

  /* ---- heap maps ---- */
  function drawMap(m, host) {
    var box = el('div', 'map');
    var N = m.size.length;
    box.appendChild(el('h3', null, 'Heap ' + m.when + ' (after call ' + fmtInt(m.atCall) + '): ' + fmtInt(N) + (m.merged > 1 ? ' runs of up to ' + m.merged + ' chunks' : ' chunks')
      + ', heap ' + fmtBytes(m.heap) + ', live ' + fmtBytes(m.live)));
    host.appendChild(box);
    var R = m.regions.length;
    if (N === 0 || R === 0) { box.appendChild(el('p', 'hint', 'No chunks to show.')); return; }
    /* layout: chunks laid end to end per region (gaps between mmapped chunks are left out) */
    var lay = new Float64Array(N), addr = new Float64Array(N), regionBytes = new Float64Array(R);
    var regionBase = m.regions.map(function (r) { return parseInt(r.start, 16); });
    var last = -1, at = 0;
    for (var i = 0; i < N; i++) {
      var r = m.region[i];
      if (r !== last) { last = r; at = regionBase[r]; }
      at += m.gap[i];
      addr[i] = at; lay[i] = regionBytes[r];
      regionBytes[r] += m.size[i]; at += m.size[i];
    }
    var canvas = el('canvas'); box.appendChild(canvas);
    var W = Math.max(320, Math.floor(box.clientWidth || 1000));
    var total = 0; for (var r2 = 0; r2 < R; r2++) total += regionBytes[r2];
    var bpp = 16; while (total / (bpp * W) > 200) bpp *= 2;
    var rowStart = new Int32Array(R + 1);
    for (var r3 = 0; r3 < R; r3++) rowStart[r3 + 1] = rowStart[r3] + Math.max(1, Math.ceil(regionBytes[r3] / (bpp * W)));
    var rows = rowStart[R];
    var rowH = Math.max(2, Math.min(14, Math.floor(320 / rows)));
    var S = m.states.length;
    var acc = new Float32Array(rows * W * S);
    for (var c = 0; c < N; c++) {
      var st = STATE_CODES.indexOf(m.state.charAt(c));
      var base = rowStart[m.region[c]] * W;
      var a = lay[c], b = lay[c] + m.size[c];
      for (var p = Math.floor(a / bpp); p * bpp < b; p++) {
        var lo = Math.max(a, p * bpp), hi = Math.min(b, (p + 1) * bpp);
        acc[(base + p) * S + st] += hi - lo;
      }
    }
    var img = new ImageData(W, rows);
    var rgb = m.states.map(function (s) { var h = STATE_COLOURS[s] || '#000000'; return [parseInt(h.substr(1, 2), 16), parseInt(h.substr(3, 2), 16), parseInt(h.substr(5, 2), 16)]; });
    for (var q = 0; q < rows * W; q++) {
      var best = -1, bestV = 0;
      for (var s = 0; s < S; s++) { var v = acc[q * S + s]; if (v > bestV) { bestV = v; best = s; } }
      var o = q * 4;
      if (best < 0) { img.data[o] = 255; img.data[o + 1] = 255; img.data[o + 2] = 255; }
      else { img.data[o] = rgb[best][0]; img.data[o + 1] = rgb[best][1]; img.data[o + 2] = rgb[best][2]; }
      img.data[o + 3] = 255;
    }
    var off = document.createElement('canvas'); off.width = W; off.height = rows;
    off.getContext('2d').putImageData(img, 0, 0);
    canvas.width = W; canvas.height = rows * rowH;
    canvas.style.height = (rows * rowH) + 'px';
    var ctx = canvas.getContext('2d');
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, 0, 0, W, rows * rowH);
    ctx.fillStyle = '#1d232b';
    for (var r4 = 1; r4 < R; r4++) ctx.fillRect(0, rowStart[r4] * rowH - 1, W, 1);

    var legend = el('div', 'legend');
    var byState = new Float64Array(S);
    for (var c2 = 0; c2 < N; c2++) byState[STATE_CODES.indexOf(m.state.charAt(c2))] += m.size[c2];
    m.states.forEach(function (s, k) {
      if (byState[k] === 0) return;
      var item = el('span'); var sw = el('span', 'sw'); sw.style.background = STATE_COLOURS[s]; item.appendChild(sw);
      item.appendChild(document.createTextNode(s + ' ' + fmtBytes(byState[k]))); legend.appendChild(item);
    });
    box.appendChild(legend);
    box.appendChild(el('p', 'hint', m.regions.map(function (r) { return r.name + ' at ' + r.start.replace(/^/, '0x') + ' (' + fmtBytes(r.size) + ')'; }).join(' · ')
      + ' · one pixel = ' + fmtBytes(bpp)));

    canvas.addEventListener('mousemove', function (ev) {
      var rect = canvas.getBoundingClientRect();
      var col = Math.floor((ev.clientX - rect.left) * W / rect.width);
      var row = Math.floor((ev.clientY - rect.top) * canvas.height / rect.height / rowH);
      var r = 0; while (r < R - 1 && rowStart[r + 1] <= row) r++;
      var byte = ((row - rowStart[r]) * W + col) * bpp + bpp / 2;
      if (byte >= regionBytes[r]) { hideTip(); return; }
      var lo = 0, hi = N - 1;
      while (lo < hi) {   /* the last chunk of region r laid out at or before byte */
        var mid = (lo + hi + 1) >> 1;
        if (m.region[mid] < r || (m.region[mid] === r && lay[mid] <= byte)) lo = mid; else hi = mid - 1;
      }
      var k = lo;
      var state = m.states[STATE_CODES.indexOf(m.state.charAt(k))];
      var lines = [m.regions[r].name, 'chunk ' + hex(addr[k]) + (m.count && m.count[k] > 1 ? ' (run of ' + m.count[k] + ' chunks)' : ''),
        'size  ' + fmtInt(m.size[k]) + ' bytes', 'state ' + state];
      if (m.call[k] > 0) lines.push('made by call ' + fmtInt(m.call[k]) + ', asked for ' + fmtInt(m.asked[k]) + ' bytes');
      if (bpp > 16) lines.push('(this pixel covers ' + fmtBytes(bpp) + ')');
      showTip(ev, lines.join('\n'));
    });
    canvas.addEventListener('mouseleave', hideTip);
  }

  var maps = REPORT.maps || [];
  drawBreakdown(maps);
  var mh = document.getElementById('maps');
  if (maps.length === 0) mh.appendChild(el('p', 'hint', 'No heap map (the process died before the end, or made no call).'));
  maps.forEach(function (m) { drawMap(m, mh); });
  /* for tests and the curious: where each drawing stands, and how long the page took to draw */
  function drawn() {
    var rects = [];
    document.querySelectorAll('.chart canvas, .map canvas').forEach(function (c) {
      var b = c.getBoundingClientRect();
      rects.push([Math.round(b.left + window.scrollX), Math.round(b.top + window.scrollY), Math.round(b.width), Math.round(b.height)].join(','));
    });
    document.body.setAttribute('data-drawings', rects.join(';'));
    document.body.setAttribute('data-draw-ms', String(Math.round(performance.now())));
    document.body.setAttribute('data-drawn', 'yes');
  }
  var S = REPORT.series;
  if (S && S.calls > 0) {
    var t0 = performance.now();
    decodeSeries(S).then(function (D) {
      document.body.setAttribute('data-decode-ms', String(Math.round(performance.now() - t0)));
      drawTimeline(D); drawn();
    }).catch(function (e) {
      window.mallocsimErrors.push(String(e));
      var p = document.getElementById('errors'); p.hidden = false; p.textContent = 'error: ' + window.mallocsimErrors.join('\nerror: ');
    });
  } else {
    document.getElementById('resolution').textContent = S ? 'The replay made no call.' : 'This replay kept no per-call values.';
    drawn();
  }
})();

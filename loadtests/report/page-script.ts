/**
 * The script report.html runs: it draws each chart of the embedded model with
 * uPlot (inlined beside it) and marks the chart `data-drawn` once uPlot has
 * drawn it, which the Chromium test waits for. Plain ES2017, no imports.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  var model = JSON.parse(document.getElementById('perflab-model').textContent);
  function annotate(marks) {
    return function (u) {
      var ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = '#495057';
      ctx.fillStyle = '#495057';
      ctx.setLineDash([4, 4]);
      ctx.font = (11 * devicePixelRatio) + 'px sans-serif';
      marks.forEach(function (m) {
        var x = Math.round(u.valToPos(m.x, 'x', true));
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.fillText(m.label, x + 4, u.bbox.top + 12 * devicePixelRatio);
      });
      ctx.restore();
    };
  }
  function pctLabel(v) {
    if (!(v >= 1)) return '';
    var p = 100 * (1 - 1 / v);
    return (p >= 99 ? p.toFixed(p >= 99.99 ? 3 : p >= 99.9 ? 2 : 1) : p.toFixed(0)) + '%';
  }
  model.charts.forEach(function (c) {
    var el = document.getElementById('chart-' + c.id);
    var width = Math.max(320, el.clientWidth || 800);
    var opts = {
      width: width,
      height: 260,
      scales: { x: c.logX ? { time: false, distr: 3 } : { time: false } },
      axes: [
        c.logX
          ? {
              label: c.xLabel,
              // One tick a decade of 1/(1-p): 0%, 90%, 99%, 99.9%, ...
              splits: function (u) {
                var out = [];
                for (var v = 1; v <= u.scales.x.max * 1.0001; v *= 10) out.push(v);
                return out;
              },
              values: function (u, vals) { return vals.map(pctLabel); },
            }
          : { label: c.xLabel },
        { label: c.yLabel },
      ],
      series: [{ label: c.xLabel }].concat(
        c.series.map(function (s) { return { label: s.label, stroke: s.color, width: 1.5, spanGaps: false }; })
      ),
      hooks: {
        draw: [
          annotate(c.marks),
          function () { el.setAttribute('data-drawn', '1'); },
        ],
      },
    };
    new uPlot(opts, c.data, el);
  });
})();
`;

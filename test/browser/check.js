// Reads every text element's box in each inlined chart (div.case > svg) and
// writes a JSON report into <pre id="report">: overlapping text pairs, text
// outside its chart, text over a data marker, annotation texts missing.
(function () {
  const cases = [];
  const box = (e) => e.getBoundingClientRect();
  const overlap = (a, b) => {
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > 0.5 && h > 0.5;
  };
  const squash = (s) => s.replace(/\s+/g, '');
  for (const div of document.querySelectorAll('div.case')) {
    const svg = div.querySelector('svg');
    const result = { name: div.dataset.name, overlaps: [], outside: [], on_data: [], missing: [], texts: 0 };
    cases.push(result);
    if (!svg) { result.missing.push('(no svg)'); continue; }
    const frame = box(svg);
    const texts = [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim() !== '');
    const boxes = texts.map(box);
    result.texts = texts.length;
    const markers = [...svg.querySelectorAll('.point, .signal')].map(box);
    for (let i = 0; i < texts.length; i++) {
      const a = boxes[i];
      if (a.left < frame.left - 0.5 || a.right > frame.right + 0.5 || a.top < frame.top - 0.5 || a.bottom > frame.bottom + 0.5)
        result.outside.push(texts[i].textContent);
      for (let j = i + 1; j < texts.length; j++)
        if (overlap(a, boxes[j]) && !texts[i].contains(texts[j]) && !texts[j].contains(texts[i]))
          result.overlaps.push([texts[i].textContent, texts[j].textContent]);
      for (const m of markers)
        if (overlap(a, m)) { result.on_data.push(texts[i].textContent); break; }
    }
    const shown = squash(texts.map((t) => t.textContent).join(''));
    for (const note of JSON.parse(div.dataset.annotations || '[]'))
      if (!shown.includes(squash(note))) result.missing.push(note);
  }
  const ids = new Map();
  for (const e of document.querySelectorAll('div.case svg [id]'))
    ids.set(e.id, (ids.get(e.id) || 0) + 1);
  const report = {
    charts: cases.length,
    texts: cases.reduce((n, c) => n + c.texts, 0),
    overlaps: cases.reduce((n, c) => n + c.overlaps.length, 0),
    outside: cases.reduce((n, c) => n + c.outside.length, 0),
    on_data: cases.reduce((n, c) => n + c.on_data.length, 0),
    missing_annotations: cases.reduce((n, c) => n + c.missing.length, 0),
    duplicate_ids: [...ids].filter(([, n]) => n > 1).length,
    failing: cases.filter((c) => c.overlaps.length + c.outside.length + c.on_data.length + c.missing.length > 0),
  };
  document.getElementById('report').textContent = JSON.stringify(report);
})();

// Charts as inline SVG, built with createElementNS from the API's JSON: no library,
// no markup from strings. Colours come from console.css by class (c-hard, c-soft, ...),
// so the charts follow the page's palette and need no inline style.
import { el } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';

function svgEl(tag, attrs, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

function number(value) {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

function chartFrame(title, svg, legend) {
  return el('figure', { class: 'chart' }, el('figcaption', null, title), svg, legend || null);
}

function legendOf(series) {
  return el('ul', { class: 'legend' },
    series.map((name) => el('li', null, el('span', { class: 'swatch c-' + name }), name)));
}

// Stacked bars, one per row (a day), one segment per series (a return class).
export function stackedBars(title, rows, xKey, series) {
  const width = 640, height = 240, left = 44, bottom = 26, top = 10;
  const plotW = width - left - 8, plotH = height - top - bottom;
  const totals = rows.map((r) => series.reduce((sum, s) => sum + number(r[s]), 0));
  const max = Math.max(1, ...totals);
  const svg = svgEl('svg', {
    viewBox: `0 0 ${width} ${height}`, class: 'chart-svg stacked', role: 'img', 'aria-label': title,
  });
  svg.appendChild(svgEl('line', { x1: left, y1: top + plotH, x2: width - 8, y2: top + plotH, class: 'axis' }));
  svg.appendChild(svgEl('text', { x: left - 6, y: top + 10, class: 'tick end' }, String(max)));
  svg.appendChild(svgEl('text', { x: left - 6, y: top + plotH, class: 'tick end' }, '0'));
  const step = plotW / Math.max(1, rows.length);
  const barW = Math.max(1, step * 0.8);
  rows.forEach((row, i) => {
    let y = top + plotH;
    const x = left + i * step + (step - barW) / 2;
    for (const s of series) {
      const h = (number(row[s]) / max) * plotH;
      if (h <= 0) continue;
      y -= h;
      svg.appendChild(svgEl('rect', { x: x.toFixed(1), y: y.toFixed(1), width: barW.toFixed(1), height: h.toFixed(1),
        class: 'bar c-' + s }, svgEl('title', null, `${row[xKey]}: ${s} ${row[s]}`)));
    }
  });
  const labels = rows.length <= 1 ? [0] : [0, Math.floor((rows.length - 1) / 2), rows.length - 1];
  for (const i of new Set(labels)) {
    if (!rows[i]) continue;
    svg.appendChild(svgEl('text', { x: (left + i * step + step / 2).toFixed(1), y: height - 6, class: 'tick mid' },
      String(rows[i][xKey])));
  }
  if (rows.length === 0) {
    svg.appendChild(svgEl('text', { x: width / 2, y: height / 2, class: 'tick mid' }, 'nothing in this window'));
  }
  return chartFrame(title, svg, legendOf(series));
}

// Horizontal bars, the largest first: one per row, labelled by label(row).
export function horizontalBars(title, rows, label, valueKey, unit, limit) {
  const picked = rows
    .map((r) => ({ label: label(r), value: number(r[valueKey]) }))
    .sort((a, b) => b.value - a.value)
    .slice(0, limit || 20);
  const width = 640, rowH = 34, top = 4;
  const height = top + Math.max(1, picked.length) * rowH + 4;
  const max = Math.max(...picked.map((p) => p.value), unit === '%' ? 1 : 1e-9);
  const svg = svgEl('svg', {
    viewBox: `0 0 ${width} ${height}`, class: 'chart-svg hbars', role: 'img', 'aria-label': title,
  });
  picked.forEach((p, i) => {
    const y = top + i * rowH;
    const w = Math.max(1, (p.value / max) * (width - 90));
    const shown = (unit === '%' ? p.value.toFixed(2) : String(p.value)) + (unit || '');
    svg.appendChild(svgEl('text', { x: 0, y: y + 11, class: 'tick' }, p.label));
    svg.appendChild(svgEl('rect', { x: 0, y: y + 15, width: w.toFixed(1), height: 14, class: 'bar c-value' },
      svgEl('title', null, `${p.label}: ${shown}`)));
    svg.appendChild(svgEl('text', { x: (w + 6).toFixed(1), y: y + 27, class: 'tick' }, shown));
  });
  if (picked.length === 0) {
    svg.appendChild(svgEl('text', { x: width / 2, y: 22, class: 'tick mid' }, 'nothing in this window'));
  }
  return chartFrame(title, svg, null);
}

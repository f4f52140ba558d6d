// DOM helpers. Everything on the page is built with createElement and textContent:
// addresses, diagnostics and reasons come from mail anyone can send, so no value is
// ever parsed as markup (and the Content-Security-Policy would block what slipped).

// el('a', {href: '#/lists', class: 'x'}, 'text', node, [more]) -> the element.
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

// A cell's text: null is an em dash, numbers as they are.
export function text(value) {
  if (value === null || value === undefined || value === '') return '\u2014';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

// table([{title, get(row) -> text or Node, cls}], rows, {cls, empty}): a table in a
// wrapper that scrolls sideways on a narrow screen rather than widening the page.
export function table(columns, rows, options = {}) {
  const head = el('tr', null, columns.map((c) => el('th', { scope: 'col', class: c.cls }, c.title)));
  const body = rows.map((row) =>
    el('tr', null, columns.map((c) => {
      const value = c.get(row);
      return el('td', { class: c.cls, 'data-label': c.title }, value instanceof Node ? value : text(value));
    })));
  if (rows.length === 0) {
    body.push(el('tr', null, el('td', { colspan: columns.length, class: 'empty' }, options.empty || 'Nothing to show.')));
  }
  return el('div', { class: 'table-wrap' },
    el('table', { class: options.cls }, el('thead', null, head), el('tbody', null, body)));
}

// A definition list of [label, value] pairs.
export function facts(pairs, cls) {
  return el('dl', { class: 'facts ' + (cls || '') },
    pairs.map(([label, value]) => [el('dt', null, label), el('dd', null, value instanceof Node ? value : text(value))]));
}

// The bounce badge of a member row: soft yellow, hard red, with the count.
export function badge(status, count) {
  if (status !== 'soft' && status !== 'hard') return el('span', { class: 'badge clean' }, 'clean');
  return el('span', { class: 'badge ' + status, title: status + ' bounces: ' + count },
    status + ' \u00d7' + text(count));
}

export function message(kind, words) {
  return el('p', { class: 'message ' + kind, role: kind === 'error' ? 'alert' : 'status' }, words);
}

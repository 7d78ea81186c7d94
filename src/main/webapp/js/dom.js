// Small helpers for building the page with DOM calls. Text always goes in as text nodes or
// textContent; nothing here parses a string as HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Creates an element. Props: `class`, `text` (textContent), `dataset`, `on<event>` handlers,
 * booleans (true sets an empty attribute, false/null skips it) and other attributes as strings.
 * Children may be nodes, strings (as text) or null/false (skipped).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

const ICONS = {
  trash: ['M4 7h16', 'M9 7V4h6v3', 'M6 7l1 13h10l1-13', 'M10 11v6', 'M14 11v6'],
  pencil: ['M4 20h4L19 9l-4-4L4 16z', 'M13.5 6.5l4 4'],
  plus: ['M12 5v14', 'M5 12h14'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
};

/** A decorative stroke icon (hidden from assistive technology; the button carries the name). */
export function icon(name) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'icon');
  for (const d of ICONS[name]) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    svg.appendChild(path);
  }
  return svg;
}

/** An icon-only button whose accessible name is `label` (also its tooltip). */
export function iconButton(name, label, onClick, props = {}) {
  return h('button', { type: 'button', class: 'icon-button', 'aria-label': label, title: label, onclick: onClick, ...props }, icon(name));
}

export function $(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error('missing #' + id);
  return el;
}

const numberFormat = new Intl.NumberFormat();
export const formatNumber = (n) => numberFormat.format(n);

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : timeFormat.format(date);
}
export function formatDateTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : dateTimeFormat.format(date);
}

/**
 * Replaces a list row with a small rename form. `save(value)` is called with the trimmed new text
 * (never empty); `done()` runs after saving, cancelling or Escape, and redraws the list.
 */
export function inlineRename(row, { value, label, save, done }) {
  const field = h('input', {
    type: 'text',
    class: 'rename-input',
    value,
    maxlength: '200',
    required: true,
    'aria-label': label,
    'data-testid': 'rename-input',
  });
  const form = h(
    'form',
    { class: 'rename-form' },
    field,
    h('button', { type: 'submit', class: 'small primary', text: 'Save' }),
    h('button', { type: 'button', class: 'small', text: 'Cancel', onclick: done }),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = field.value.trim();
    if (!text) {
      field.focus();
      return;
    }
    await save(text);
    done();
  });
  field.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') done();
  });
  row.replaceChildren(form);
  field.focus();
  field.select();
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Everything the page shows (messages, titles, sources, notes, provider names) comes from
// users or models, so no script may hand a string to an HTML parser. This keeps it so.
const webapp = fileURLToPath(new URL('../../main/webapp/', import.meta.url));
const SINKS = /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|srcdoc)\b|\beval\s*\(|new\s+Function\s*\(|setAttribute\(\s*['"]on/;

function scripts(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return scripts(full);
    return entry.name.endsWith('.js') || entry.name.endsWith('.html') ? [full] : [];
  });
}

test('no page script or markup uses an HTML-parsing sink', () => {
  const files = scripts(webapp);
  assert.ok(files.some((f) => f.endsWith(path.join('js', 'app.js'))), 'the page scripts are found');
  const offenders = files
    .flatMap((file) =>
      fs.readFileSync(file, 'utf8').split('\n').map((line, i) => [file, i + 1, line]),
    )
    .filter(([, , line]) => SINKS.test(line))
    .map(([file, n, line]) => `${path.relative(webapp, file)}:${n}: ${line.trim()}`);
  assert.deepEqual(offenders, []);
});

test('the page loads no script or style from another origin and has no inline script', () => {
  const html = fs.readFileSync(path.join(webapp, 'index.html'), 'utf8');
  const sources = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(sources, ['favicon.svg', 'css/app.css', 'js/app.js']);
  assert.deepEqual([...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>/g)].map((m) => m[0]), []);
  assert.match(html, /script-src 'self'/);
});

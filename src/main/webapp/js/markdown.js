// A small Markdown reader for chat answers: Markdown text in, a plain tree out.
//
// The tree holds only data ({type, children, text, href, ...}); it is turned into DOM nodes
// by markdown-dom.js with createElement and text nodes, so nothing in a message is ever
// parsed as HTML. Raw HTML in the input stays text. Links keep an href only when it is an
// absolute http:, https: or mailto: URL; any other link is shown as its plain text.
//
// Supported: paragraphs, line breaks (every newline inside a paragraph, as chat users
// expect), ATX headings, emphasis and strong emphasis, inline code, fenced code blocks
// (an unclosed fence runs to the end, so a code block being streamed shows as one),
// bullet and numbered lists (nested by indentation), block quotes, thematic breaks,
// [links](url), <autolinks> and bare http(s) URLs.
//
// Block nodes:  root, paragraph, heading{level}, code_block{lang, text},
//               list{ordered, start, tight}, list_item, blockquote, thematic_break
// Inline nodes: text{text}, strong, emphasis, code{text}, link{href}, break

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * The href to use for a link, or null when the link must not be clickable.
 * The URL is parsed with the same WHATWG URL parser a browser uses, so tabs, newlines or
 * odd casing inside "javascript:" cannot slip past the check.
 */
export function safeHref(raw) {
  if (typeof raw !== 'string') return null;
  let url;
  try {
    url = new URL(raw.trim());
  } catch {
    return null; // relative or malformed
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
}

/** Parses Markdown text into a tree: {type: 'root', children: [blocks]}. */
export function parseMarkdown(source) {
  const text = String(source ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(/\u0000/g, '\ufffd');
  const lines = text.split('\n').map(expandLeadingTabs);
  return { type: 'root', children: parseBlocks(lines, 0) };
}

// ---------------------------------------------------------------------------------------
// Blocks

const MAX_NESTING = 16; // quotes and lists nest; hostile input must not exhaust the stack

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const BLOCKQUOTE = /^ {0,3}> ?(.*)$/;
const LIST_ITEM = /^( {0,3})([-+*]|\d{1,9}[.)])(?:( +)(.*))?$/;

function expandLeadingTabs(line) {
  const m = /^[ \t]+/.exec(line);
  if (!m || !m[0].includes('\t')) return line;
  let width = 0;
  for (const c of m[0]) width = c === '\t' ? width + 4 - (width % 4) : width + 1;
  return ' '.repeat(width) + line.slice(m[0].length);
}

const isBlank = (line) => /^[ \t]*$/.test(line);
const indentOf = (line) => /^ */.exec(line)[0].length;

function openFence(line) {
  const m = FENCE_OPEN.exec(line);
  if (!m) return null;
  const info = m[3].trim();
  if (m[2][0] === '`' && info.includes('`')) return null;
  return { indent: m[1].length, char: m[2][0], length: m[2].length, info };
}

function listMarker(line) {
  const m = LIST_ITEM.exec(line);
  if (!m) return null;
  const marker = m[2];
  const ordered = /\d/.test(marker[0]);
  const spaces = m[3] ? m[3].length : 0;
  const rest = m[4] ?? '';
  // Five or more spaces after the marker: the content starts after one of them.
  const gap = rest === '' ? 1 : spaces > 4 ? 1 : spaces;
  const firstLine = spaces > 4 ? ' '.repeat(spaces - 1) + rest : rest;
  return {
    ordered,
    start: ordered ? Number.parseInt(marker, 10) : null,
    delimiter: ordered ? marker[marker.length - 1] : marker,
    contentIndent: m[1].length + marker.length + gap,
    firstLine,
    empty: rest.trim() === '',
  };
}

/** Whether a line begins a block that may interrupt a paragraph. */
function interruptsParagraph(line) {
  if (openFence(line) || HEADING.test(line) || THEMATIC_BREAK.test(line) || BLOCKQUOTE.test(line)) {
    return true;
  }
  const item = listMarker(line);
  return item !== null && !item.empty && (!item.ordered || item.start === 1);
}

function parseBlocks(lines, depth) {
  const blocks = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
      continue;
    }

    const fence = openFence(line);
    if (fence) {
      const body = [];
      i++;
      while (i < lines.length) {
        const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(lines[i]);
        if (close && close[1][0] === fence.char && close[1].length >= fence.length) {
          i++;
          break;
        }
        body.push(stripIndent(lines[i], fence.indent));
        i++;
      }
      const lang = fence.info.split(/\s+/)[0];
      blocks.push({ type: 'code_block', lang, text: body.join('\n') });
      continue;
    }

    const heading = HEADING.exec(line);
    if (heading) {
      const content = (heading[2] ?? '').replace(/(?:^|[ \t]+)#+[ \t]*$/, '');
      blocks.push({ type: 'heading', level: heading[1].length, children: parseInline(content.trim()) });
      i++;
      continue;
    }

    if (THEMATIC_BREAK.test(line)) {
      blocks.push({ type: 'thematic_break' });
      i++;
      continue;
    }

    if (BLOCKQUOTE.test(line)) {
      const inner = [];
      let lastWasText = false;
      while (i < lines.length) {
        const quoted = BLOCKQUOTE.exec(lines[i]);
        if (quoted) {
          inner.push(quoted[1]);
          lastWasText = !isBlank(quoted[1]);
        } else if (lastWasText && !isBlank(lines[i]) && !interruptsParagraph(lines[i])) {
          inner.push(lines[i]); // lazy continuation of a quoted paragraph
        } else {
          break;
        }
        i++;
      }
      blocks.push({ type: 'blockquote', children: nested(inner, depth) });
      continue;
    }

    const item = listMarker(line);
    if (item) {
      const parsed = parseList(lines, i, item, depth);
      blocks.push(parsed.list);
      i = parsed.next;
      continue;
    }

    // A paragraph: runs until a blank line or a line that starts another block.
    const paragraph = [line.trim()];
    i++;
    while (i < lines.length && !isBlank(lines[i]) && !interruptsParagraph(lines[i])) {
      paragraph.push(lines[i].trim());
      i++;
    }
    blocks.push({ type: 'paragraph', children: parseInline(paragraph.join('\n')) });
  }
  return blocks;
}

function nested(lines, depth) {
  if (depth >= MAX_NESTING) {
    return [{ type: 'paragraph', children: parseInline(lines.map((l) => l.trim()).join('\n')) }];
  }
  return parseBlocks(lines, depth + 1);
}

function stripIndent(line, count) {
  const have = indentOf(line);
  return line.slice(Math.min(have, count));
}

function sameList(a, b) {
  return a.ordered === b.ordered && a.delimiter === b.delimiter;
}

function parseList(lines, startIndex, first, depth) {
  const list = { type: 'list', ordered: first.ordered, start: first.start, tight: true, children: [] };
  let i = startIndex;
  let marker = first;
  let blankBetweenItems = false;
  while (marker) {
    const itemLines = [marker.firstLine];
    let sawBlank = false;
    let inFence = openFence(marker.firstLine);
    i++;
    while (i < lines.length) {
      const line = lines[i];
      if (isBlank(line)) {
        itemLines.push('');
        sawBlank = true;
        i++;
        continue;
      }
      if (indentOf(line) >= marker.contentIndent) {
        const content = line.slice(marker.contentIndent);
        itemLines.push(content);
        if (inFence) {
          if (/^ {0,3}(`{3,}|~{3,})[ \t]*$/.test(content)) inFence = null;
        } else {
          inFence = openFence(content);
        }
        i++;
        continue;
      }
      const previous = itemLines[itemLines.length - 1];
      if (!inFence && previous !== '' && !interruptsParagraph(line) && !listMarker(line)) {
        itemLines.push(line.trim()); // lazy continuation of the item's paragraph
        i++;
        continue;
      }
      break;
    }
    // Blank lines at the end of an item separate it from the next one; they are not its own.
    let trailingBlanks = 0;
    while (itemLines.length > 1 && itemLines[itemLines.length - 1] === '') {
      itemLines.pop();
      trailingBlanks++;
    }
    const children = nested(itemLines, depth);
    // A blank line between two blocks of one item makes the whole list loose.
    if (sawBlank && itemLines.includes('') && children.length > 1) list.tight = false;
    list.children.push({ type: 'list_item', children });

    const next = i < lines.length ? listMarker(lines[i]) : null;
    if (next && sameList(next, first)) {
      if (trailingBlanks > 0) blankBetweenItems = true;
      marker = next;
    } else {
      // Give back the blank lines so the caller sees the list's end where it is.
      i -= trailingBlanks;
      marker = null;
    }
  }
  if (blankBetweenItems) list.tight = false;
  if (!list.ordered) delete list.start;
  return { list, next: i };
}

// ---------------------------------------------------------------------------------------
// Inlines

const ASCII_PUNCTUATION = /[!-\/:-@\[-`{-~]/;
const PUNCTUATION = /[\p{P}\p{S}]/u;
const WHITESPACE = /\s/u;

/** Parses inline Markdown into a list of inline nodes. */
export function parseInline(text, options = {}) {
  const allowLinks = options.links !== false;
  const scan = {
    text,
    backtickMisses: new Map(),
    lastBracket: text.lastIndexOf(']'),
    lastParen: text.lastIndexOf(')'),
  };
  const items = []; // inline nodes plus delimiter runs of * and _ waiting to be paired
  let buffer = '';
  const flush = () => {
    if (buffer) {
      items.push({ type: 'text', text: buffer });
      buffer = '';
    }
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i];

    if (c === '\\') {
      const next = text[i + 1];
      if (next === '\n') {
        flush();
        items.push({ type: 'break' });
        i += 2;
        continue;
      }
      if (next !== undefined && ASCII_PUNCTUATION.test(next)) {
        buffer += next;
        i += 2;
        continue;
      }
      buffer += c;
      i++;
      continue;
    }

    if (c === '`') {
      const run = /^`+/.exec(text.slice(i))[0];
      const close = findClosingBackticks(scan, i + run.length, run.length);
      if (close === -1) {
        buffer += run;
        i += run.length;
        continue;
      }
      let code = text.slice(i + run.length, close).replace(/\n/g, ' ');
      if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') {
        code = code.slice(1, -1);
      }
      flush();
      items.push({ type: 'code', text: code });
      i = close + run.length;
      continue;
    }

    if (c === '\n') {
      buffer = buffer.replace(/[ \t]+$/, '');
      flush();
      items.push({ type: 'break' });
      i++;
      while (text[i] === ' ' || text[i] === '\t') i++;
      continue;
    }

    if (c === '[' && allowLinks) {
      const link = i < scan.lastBracket ? readLink(scan, i) : null;
      if (link) {
        flush();
        const label = parseInline(link.label, { links: false });
        const href = safeHref(link.destination);
        if (href) items.push({ type: 'link', href, children: label.length ? label : [{ type: 'text', text: href }] });
        else items.push(...label); // not a link we open: its words stay as plain text
        i = link.end;
        continue;
      }
    }

    if (c === '<' && allowLinks) {
      const auto = /^<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*)>/.exec(text.slice(i));
      const email = /^<([a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)>/.exec(
        text.slice(i),
      );
      const href = auto ? safeHref(auto[1]) : email ? safeHref('mailto:' + email[1]) : null;
      if (href) {
        flush();
        const shown = auto ? auto[1] : email[1];
        items.push({ type: 'link', href, children: [{ type: 'text', text: shown }] });
        i += (auto ?? email)[0].length;
        continue;
      }
    }

    if ((c === 'h' || c === 'H') && allowLinks && (i === 0 || !/[\p{L}\p{N}]/u.test(text[i - 1]))) {
      const bare = readBareUrl(text, i);
      if (bare) {
        const href = safeHref(bare);
        if (href) {
          flush();
          items.push({ type: 'link', href, children: [{ type: 'text', text: bare }] });
          i += bare.length;
          continue;
        }
      }
    }

    if (c === '*' || c === '_') {
      let end = i;
      while (text[end] === c) end++;
      const before = i === 0 ? ' ' : text[i - 1];
      const after = end >= text.length ? ' ' : text[end];
      const leftFlanking =
        !WHITESPACE.test(after) && (!PUNCTUATION.test(after) || WHITESPACE.test(before) || PUNCTUATION.test(before));
      const rightFlanking =
        !WHITESPACE.test(before) && (!PUNCTUATION.test(before) || WHITESPACE.test(after) || PUNCTUATION.test(after));
      let canOpen = leftFlanking;
      let canClose = rightFlanking;
      if (c === '_') {
        // snake_case_names are not emphasis
        canOpen = leftFlanking && (!rightFlanking || PUNCTUATION.test(before));
        canClose = rightFlanking && (!leftFlanking || PUNCTUATION.test(after));
      }
      flush();
      items.push({ type: 'delimiter', char: c, count: end - i, original: end - i, canOpen, canClose });
      i = end;
      continue;
    }

    buffer += c;
    i++;
  }
  flush();
  return finish(pairEmphasis(items));
}

/**
 * The start of the closing backtick run of the given length at or after `from`, or -1.
 * Misses are remembered per text, so a text full of unmatched backticks is not scanned
 * again and again (which would take quadratic time on every streamed frame).
 */
function findClosingBackticks(scan, from, length) {
  const missFrom = scan.backtickMisses.get(length);
  if (missFrom !== undefined && missFrom <= from) return -1;
  const found = scanClosingBackticks(scan.text, from, length);
  if (found === -1) scan.backtickMisses.set(length, Math.min(from, missFrom ?? from));
  return found;
}

function scanClosingBackticks(text, from, length) {
  let i = from;
  while (i < text.length) {
    const next = text.indexOf('`', i);
    if (next === -1) return -1;
    let end = next;
    while (text[end] === '`') end++;
    if (end - next === length) return next;
    i = end;
  }
  return -1;
}

// Longer labels or destinations are not read as links: this bounds the work per '['.
const MAX_LABEL = 1000;
const MAX_DESTINATION = 4096;

/** Reads `[label](destination "title")` at text[start] === '['; null when it is not a link. */
function readLink(scan, start) {
  const text = scan.text;
  let depth = 0;
  let i = start + 1;
  let labelEnd = -1;
  const limit = Math.min(text.length, start + 1 + MAX_LABEL);
  while (i < limit) {
    const c = text[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '`') {
      const run = /^`+/.exec(text.slice(i))[0];
      const close = findClosingBackticks(scan, i + run.length, run.length);
      i = close === -1 ? i + run.length : close + run.length;
      continue;
    }
    if (c === '[') depth++;
    if (c === ']') {
      if (depth === 0) {
        labelEnd = i;
        break;
      }
      depth--;
    }
    i++;
  }
  if (labelEnd === -1 || text[labelEnd + 1] !== '(' || labelEnd + 1 > scan.lastParen) return null;

  i = labelEnd + 2;
  while (text[i] === ' ' || text[i] === '\n') i++;
  let destination = '';
  if (text[i] === '<') {
    const close = text.indexOf('>', i);
    if (close === -1 || text.slice(i, close).includes('\n')) return null;
    destination = text.slice(i + 1, close);
    i = close + 1;
  } else {
    let parens = 0;
    const from = i;
    const destinationLimit = Math.min(text.length, from + MAX_DESTINATION);
    while (i < destinationLimit) {
      const c = text[i];
      if (c === '\\' && i + 1 < text.length && ASCII_PUNCTUATION.test(text[i + 1])) {
        i += 2;
        continue;
      }
      if (WHITESPACE.test(c)) break;
      if (c === '(') parens++;
      if (c === ')') {
        if (parens === 0) break;
        parens--;
      }
      i++;
    }
    if (i === destinationLimit && i < text.length) return null;
    destination = text.slice(from, i).replace(/\\([!-\/:-@\[-`{-~])/g, '$1');
  }
  while (text[i] === ' ' || text[i] === '\n') i++;
  const quote = text[i];
  if (quote === '"' || quote === "'" || quote === '(') {
    const closer = quote === '(' ? ')' : quote;
    i++;
    while (i < text.length && text[i] !== closer) i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) return null;
    i++;
    while (text[i] === ' ' || text[i] === '\n') i++;
  }
  if (text[i] !== ')') return null;
  return { label: text.slice(start + 1, labelEnd), destination, end: i + 1 };
}

/** A bare http(s) URL at text[start], without the punctuation that ends a sentence. */
function readBareUrl(text, start) {
  const m = /^https?:\/\/[^\s<>"`]+/i.exec(text.slice(start, start + 4096));
  if (!m) return null;
  let url = m[0];
  for (;;) {
    const last = url[url.length - 1];
    if (/[?!.,:;*_~'"]/.test(last)) {
      url = url.slice(0, -1);
    } else if (last === ')') {
      const opened = url.split('(').length - 1;
      const closed = url.split(')').length - 1;
      if (closed > opened) url = url.slice(0, -1);
      else break;
    } else {
      break;
    }
  }
  return /^https?:\/\/[^/?#]/i.test(url) ? url : null;
}

/**
 * Pairs runs of * and _ into emphasis (one character) and strong emphasis (two), following
 * the CommonMark delimiter rules closely enough for chat text.
 */
function pairEmphasis(items) {
  for (let closer = 0; closer < items.length; closer++) {
    const close = items[closer];
    if (close.type !== 'delimiter' || !close.canClose) continue;
    while (close.count > 0) {
      let opener = -1;
      for (let j = closer - 1; j >= 0; j--) {
        const open = items[j];
        if (open.type !== 'delimiter' || open.char !== close.char || !open.canOpen || open.count === 0) continue;
        const oddMatch =
          (open.canClose || close.canOpen) &&
          (open.original + close.original) % 3 === 0 &&
          !(open.original % 3 === 0 && close.original % 3 === 0);
        if (oddMatch) continue;
        opener = j;
        break;
      }
      if (opener === -1) break;
      const open = items[opener];
      const use = open.count >= 2 && close.count >= 2 ? 2 : 1;
      const inner = finish(items.slice(opener + 1, closer));
      const node = { type: use === 2 ? 'strong' : 'emphasis', children: inner };
      items.splice(opener + 1, closer - opener - 1, node);
      open.count -= use;
      close.count -= use;
      closer = opener + 2;
    }
  }
  return items;
}

/** Turns unpaired delimiters back into text and merges neighbouring text nodes. */
function finish(items) {
  const out = [];
  for (const item of items) {
    const node = item.type === 'delimiter' ? { type: 'text', text: item.char.repeat(item.count) } : item;
    if (node.type === 'text') {
      if (node.text === '') continue;
      const last = out[out.length - 1];
      if (last && last.type === 'text') {
        out[out.length - 1] = { type: 'text', text: last.text + node.text };
        continue;
      }
    }
    out.push(node);
  }
  return out;
}

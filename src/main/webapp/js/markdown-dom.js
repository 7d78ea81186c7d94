// Builds DOM nodes from the tree of markdown.js.
//
// Only createElement, createTextNode, setAttribute and appendChild are used: text always
// lands in text nodes, so a message can never inject markup, whatever it contains.

import { parseMarkdown, safeHref } from './markdown.js';

const BLOCK_TAGS = {
  paragraph: 'p',
  blockquote: 'blockquote',
  list_item: 'li',
};

/**
 * Renders Markdown text as a DocumentFragment.
 * @param {string} text
 * @param {Document} [doc] anything with createElement, createTextNode and createDocumentFragment
 */
export function renderMarkdown(text, doc = globalThis.document) {
  return buildFragment(parseMarkdown(text), doc);
}

/** Builds a DocumentFragment from a parsed tree (its root node). */
export function buildFragment(root, doc = globalThis.document) {
  const fragment = doc.createDocumentFragment();
  appendBlocks(fragment, root.children, doc, false);
  return fragment;
}

function appendBlocks(parent, blocks, doc, tight) {
  for (const block of blocks) {
    if (tight && block.type === 'paragraph') {
      appendInlines(parent, block.children, doc); // a tight list shows no paragraph gaps
      continue;
    }
    parent.appendChild(buildBlock(block, doc));
  }
}

function buildBlock(block, doc) {
  switch (block.type) {
    case 'heading': {
      const el = doc.createElement('h' + block.level);
      appendInlines(el, block.children, doc);
      return el;
    }
    case 'code_block': {
      const pre = doc.createElement('pre');
      const code = doc.createElement('code');
      if (/^[A-Za-z0-9_+#.-]{1,40}$/.test(block.lang)) {
        code.setAttribute('class', 'language-' + block.lang);
        code.setAttribute('data-lang', block.lang);
      }
      code.appendChild(doc.createTextNode(block.text));
      pre.appendChild(code);
      return pre;
    }
    case 'list': {
      const el = doc.createElement(block.ordered ? 'ol' : 'ul');
      if (block.ordered && block.start !== 1) el.setAttribute('start', String(block.start));
      for (const item of block.children) {
        const li = doc.createElement('li');
        appendBlocks(li, item.children, doc, block.tight);
        el.appendChild(li);
      }
      return el;
    }
    case 'thematic_break':
      return doc.createElement('hr');
    case 'paragraph':
    case 'blockquote':
    case 'list_item': {
      const el = doc.createElement(BLOCK_TAGS[block.type]);
      if (block.type === 'paragraph') appendInlines(el, block.children, doc);
      else appendBlocks(el, block.children, doc, false);
      return el;
    }
    default:
      throw new Error('unknown block ' + block.type);
  }
}

function appendInlines(parent, inlines, doc) {
  for (const node of inlines) parent.appendChild(buildInline(node, doc));
}

function buildInline(node, doc) {
  switch (node.type) {
    case 'text':
      return doc.createTextNode(node.text);
    case 'break':
      return doc.createElement('br');
    case 'code': {
      const el = doc.createElement('code');
      el.appendChild(doc.createTextNode(node.text));
      return el;
    }
    case 'strong':
    case 'emphasis': {
      const el = doc.createElement(node.type === 'strong' ? 'strong' : 'em');
      appendInlines(el, node.children, doc);
      return el;
    }
    case 'link': {
      const href = safeHref(node.href); // checked again: a tree may come from elsewhere
      if (href === null) {
        const span = doc.createElement('span');
        appendInlines(span, node.children, doc);
        return span;
      }
      const el = doc.createElement('a');
      el.setAttribute('href', href);
      el.setAttribute('rel', 'noopener noreferrer');
      el.setAttribute('target', '_blank');
      appendInlines(el, node.children, doc);
      return el;
    }
    default:
      throw new Error('unknown inline ' + node.type);
  }
}

// Just enough of a Document for the page's DOM builders to run in node, and a serializer
// that writes the result as HTML (text escaped), so tests can compare exact output.
//
// Deliberately missing: innerHTML, outerHTML, insertAdjacentHTML. Code that reached for
// them would fail here.

class FakeText {
  constructor(data) {
    this.nodeType = 3;
    this.data = String(data);
  }
  get textContent() {
    return this.data;
  }
}

class FakeElement {
  constructor(tagName, doc) {
    this.nodeType = 1;
    this.tagName = tagName.toLowerCase();
    this.attributes = new Map();
    this.childNodes = [];
    this.ownerDocument = doc;
  }
  setAttribute(name, value) {
    this.attributes.set(String(name), String(value));
  }
  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }
  appendChild(node) {
    if (node.nodeType === 11) {
      this.childNodes.push(...node.childNodes);
      node.childNodes = [];
    } else {
      this.childNodes.push(node);
    }
    return node;
  }
  get textContent() {
    return this.childNodes.map((n) => n.textContent).join('');
  }
  set textContent(value) {
    this.childNodes = [new FakeText(value)];
  }
}

class FakeFragment extends FakeElement {
  constructor(doc) {
    super('#fragment', doc);
    this.nodeType = 11;
  }
}

export function fakeDocument() {
  const doc = {
    created: [],
    createElement(tag) {
      const el = new FakeElement(tag, doc);
      doc.created.push(el);
      return el;
    },
    createTextNode(data) {
      return new FakeText(data);
    },
    createDocumentFragment() {
      return new FakeFragment(doc);
    },
  };
  return doc;
}

const VOID = new Set(['br', 'hr', 'img', 'input']);
const escapeText = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

export function serialize(node) {
  if (node.nodeType === 3) return escapeText(node.data);
  const inner = node.childNodes.map(serialize).join('');
  if (node.nodeType === 11) return inner;
  const attributes = [...node.attributes].map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join('');
  if (VOID.has(node.tagName)) return `<${node.tagName}${attributes}>`;
  return `<${node.tagName}${attributes}>${inner}</${node.tagName}>`;
}

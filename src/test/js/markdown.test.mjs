import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMarkdown, parseInline, safeHref } from '../../main/webapp/js/markdown.js';
import { renderMarkdown } from '../../main/webapp/js/markdown-dom.js';
import { fakeDocument, serialize } from './fake-dom.mjs';

const text = (t) => ({ type: 'text', text: t });
const br = { type: 'break' };
const p = (...children) => ({ type: 'paragraph', children });
const blocks = (markdown) => parseMarkdown(markdown).children;
/** Markdown rendered through the DOM builder, serialized as HTML-like text. */
const html = (markdown) => {
  const doc = fakeDocument();
  return serialize(renderMarkdown(markdown, doc));
};

// --- the tree ---------------------------------------------------------------------------

test('paragraphs are separated by blank lines', () => {
  assert.deepEqual(blocks('one\n\n\ntwo'), [p(text('one')), p(text('two'))]);
});

test('every newline inside a paragraph is a line break', () => {
  assert.deepEqual(blocks('Name: Ada  \nRole: engineer\\\nDone'), [
    p(text('Name: Ada'), br, text('Role: engineer'), br, text('Done')),
  ]);
});

test('CRLF and CR input read like LF', () => {
  assert.deepEqual(blocks('a\r\nb\rc\r\n\r\nd'), [p(text('a'), br, text('b'), br, text('c')), p(text('d'))]);
});

test('ATX headings, levels 1 to 6, closing hashes dropped', () => {
  assert.deepEqual(blocks('# One\n## Two ##\n###### Six\n####### seven\n#hashtag\nC# stays'), [
    { type: 'heading', level: 1, children: [text('One')] },
    { type: 'heading', level: 2, children: [text('Two')] },
    { type: 'heading', level: 6, children: [text('Six')] },
    p(text('####### seven'), br, text('#hashtag'), br, text('C# stays')),
  ]);
});

test('bold, italic and both', () => {
  assert.deepEqual(parseInline('**bold**, __strong__, *it*, _em_ and ***both***'), [
    { type: 'strong', children: [text('bold')] },
    text(', '),
    { type: 'strong', children: [text('strong')] },
    text(', '),
    { type: 'emphasis', children: [text('it')] },
    text(', '),
    { type: 'emphasis', children: [text('em')] },
    text(' and '),
    { type: 'emphasis', children: [{ type: 'strong', children: [text('both')] }] },
  ]);
});

test('nested emphasis', () => {
  assert.deepEqual(parseInline('**bold *and italic* text**'), [
    {
      type: 'strong',
      children: [text('bold '), { type: 'emphasis', children: [text('and italic')] }, text(' text')],
    },
  ]);
});

test('underscores inside words and lone stars are not emphasis', () => {
  assert.deepEqual(parseInline('snake_case_name, 2 * 3 * 4, a * b'), [text('snake_case_name, 2 * 3 * 4, a * b')]);
});

test('unclosed emphasis, as while an answer streams in, stays literal', () => {
  assert.deepEqual(parseInline('this is **half'), [text('this is **half')]);
  assert.deepEqual(parseInline('this is *half'), [text('this is *half')]);
});

test('inline code keeps its content literal', () => {
  assert.deepEqual(parseInline('run `a *b* <i>` or ``x ` y`` or ` z `'), [
    text('run '),
    { type: 'code', text: 'a *b* <i>' },
    text(' or '),
    { type: 'code', text: 'x ` y' },
    text(' or '),
    { type: 'code', text: 'z' },
  ]);
  assert.deepEqual(parseInline('an `unclosed span'), [text('an `unclosed span')]);
});

test('backslash escapes', () => {
  assert.deepEqual(parseInline('\\*not em\\* and \\[not link\\] and C:\\path'), [
    text('*not em* and [not link] and C:\\path'),
  ]);
});

test('fenced code blocks with and without a language', () => {
  assert.deepEqual(blocks('```js\nconst a = 1;\n\nif (a < 2) {}\n```\n~~~\n**raw**\n~~~'), [
    { type: 'code_block', lang: 'js', text: 'const a = 1;\n\nif (a < 2) {}' },
    { type: 'code_block', lang: '', text: '**raw**' },
  ]);
});

test('a fence closes only with the same character, at least as long', () => {
  assert.deepEqual(blocks('````\n```\n~~~\n````'), [{ type: 'code_block', lang: '', text: '```\n~~~' }]);
});

test('an unclosed fence runs to the end of the text', () => {
  assert.deepEqual(blocks('Intro\n```py\nprint(1)\n'), [
    p(text('Intro')),
    { type: 'code_block', lang: 'py', text: 'print(1)\n' },
  ]);
});

test('bullet lists, tight', () => {
  assert.deepEqual(blocks('- one\n* two\n\nafter'), [
    { type: 'list', ordered: false, tight: true, children: [{ type: 'list_item', children: [p(text('one'))] }] },
    { type: 'list', ordered: false, tight: true, children: [{ type: 'list_item', children: [p(text('two'))] }] },
    p(text('after')),
  ]);
});

test('numbered lists keep their start number', () => {
  assert.deepEqual(blocks('Steps:\n1. first\n2. second\n\n7) seventh'), [
    p(text('Steps:')),
    {
      type: 'list',
      ordered: true,
      start: 1,
      tight: true,
      children: [
        { type: 'list_item', children: [p(text('first'))] },
        { type: 'list_item', children: [p(text('second'))] },
      ],
    },
    {
      type: 'list',
      ordered: true,
      start: 7,
      tight: true,
      children: [{ type: 'list_item', children: [p(text('seventh'))] }],
    },
  ]);
});

test('a number other than 1 does not interrupt a paragraph', () => {
  assert.deepEqual(blocks('In\n2024. It rained'), [p(text('In'), br, text('2024. It rained'))]);
});

test('nested lists and continuation lines', () => {
  assert.deepEqual(blocks('- a\n  continued\n  - b\n    - c\n- d'), [
    {
      type: 'list',
      ordered: false,
      tight: true,
      children: [
        {
          type: 'list_item',
          children: [
            p(text('a'), br, text('continued')),
            {
              type: 'list',
              ordered: false,
              tight: true,
              children: [
                {
                  type: 'list_item',
                  children: [
                    p(text('b')),
                    {
                      type: 'list',
                      ordered: false,
                      tight: true,
                      children: [{ type: 'list_item', children: [p(text('c'))] }],
                    },
                  ],
                },
              ],
            },
          ],
        },
        { type: 'list_item', children: [p(text('d'))] },
      ],
    },
  ]);
});

test('blank lines between items make a loose list', () => {
  assert.deepEqual(blocks('- a\n\n- b'), [
    {
      type: 'list',
      ordered: false,
      tight: false,
      children: [
        { type: 'list_item', children: [p(text('a'))] },
        { type: 'list_item', children: [p(text('b'))] },
      ],
    },
  ]);
});

test('a code block inside a list item', () => {
  assert.deepEqual(blocks('1. Run:\n   ```sh\n   make\n   ```\n2. Done'), [
    {
      type: 'list',
      ordered: true,
      start: 1,
      tight: true,
      children: [
        { type: 'list_item', children: [p(text('Run:')), { type: 'code_block', lang: 'sh', text: 'make' }] },
        { type: 'list_item', children: [p(text('Done'))] },
      ],
    },
  ]);
});

test('block quotes, nested, with lazy continuation', () => {
  assert.deepEqual(blocks('> quoted\nlazy\n> > inner\n\nout'), [
    {
      type: 'blockquote',
      children: [
        p(text('quoted'), br, text('lazy')),
        { type: 'blockquote', children: [p(text('inner'))] },
      ],
    },
    p(text('out')),
  ]);
});

test('thematic breaks', () => {
  assert.deepEqual(blocks('a\n***\n- - -\n___'), [
    p(text('a')),
    { type: 'thematic_break' },
    { type: 'thematic_break' },
    { type: 'thematic_break' },
  ]);
});

test('links: inline, titled, autolinks, e-mail and bare URLs', () => {
  assert.deepEqual(
    parseInline('[docs](https://example.com/a?b=1 "Docs"), <http://x.org>, <ada@example.org>, see https://example.com/x_(y).'),
    [
      { type: 'link', href: 'https://example.com/a?b=1', children: [text('docs')] },
      text(', '),
      { type: 'link', href: 'http://x.org/', children: [text('http://x.org')] },
      text(', '),
      { type: 'link', href: 'mailto:ada@example.org', children: [text('ada@example.org')] },
      text(', see '),
      { type: 'link', href: 'https://example.com/x_(y)', children: [text('https://example.com/x_(y)')] },
      text('.'),
    ],
  );
});

test('a link label may hold emphasis and code but no further link', () => {
  assert.deepEqual(parseInline('[**b** `c` https://n.example](mailto:a@b.c)'), [
    {
      type: 'link',
      href: 'mailto:a@b.c',
      children: [{ type: 'strong', children: [text('b')] }, text(' '), { type: 'code', text: 'c' }, text(' https://n.example')],
    },
  ]);
});

test('safeHref accepts http, https and mailto only', () => {
  assert.equal(safeHref('https://example.com'), 'https://example.com/');
  assert.equal(safeHref('HTTP://EXAMPLE.com/A'), 'http://example.com/A');
  assert.equal(safeHref('mailto:a@b.c'), 'mailto:a@b.c');
  assert.equal(safeHref('javascript:alert(1)'), null);
  assert.equal(safeHref(' JaVaScRiPt:alert(1)'), null);
  assert.equal(safeHref('java\nscript:alert(1)'), null);
  assert.equal(safeHref('java\tscript:alert(1)'), null);
  assert.equal(safeHref('\u0001javascript:alert(1)'), null);
  assert.equal(safeHref('vbscript:msgbox(1)'), null);
  assert.equal(safeHref('data:text/html,<script>alert(1)</script>'), null);
  assert.equal(safeHref('file:///etc/passwd'), null);
  assert.equal(safeHref('/relative/path'), null);
  assert.equal(safeHref('//evil.example/x'), null);
  assert.equal(safeHref(undefined), null);
});

// --- hostile input ----------------------------------------------------------------------

test('raw HTML is text', () => {
  assert.deepEqual(blocks('<script>alert(1)</script>\n<img src=x onerror=alert(1)>'), [
    p(text('<script>alert(1)</script>'), br, text('<img src=x onerror=alert(1)>')),
  ]);
});

test('a javascript: link keeps only its words', () => {
  assert.deepEqual(parseInline('[x](javascript:alert(1))'), [text('x')]);
  assert.deepEqual(parseInline('[click](JAVASCRIPT:alert(document.cookie)) now'), [text('click now')]);
  assert.deepEqual(parseInline('[x](data:text/html;base64,PHNjcmlwdD4=)'), [text('x')]);
  assert.deepEqual(parseInline('<javascript:alert(1)>'), [text('<javascript:alert(1)>')]);
});

test('a javascript: link split by a tab or an entity is not a link either', () => {
  assert.deepEqual(parseInline('[x](java\tscript:alert(1))'), [text('[x](java\tscript:alert(1))')]);
  assert.deepEqual(parseInline('[x](javascript&#58;alert(1))'), [text('x')]);
});

// --- the DOM ---------------------------------------------------------------------------

test('DOM: paragraphs, breaks, headings, emphasis, code', () => {
  assert.equal(
    html('# Title\nSome **bold** and *it*\nwith `x < y`'),
    '<h1>Title</h1><p>Some <strong>bold</strong> and <em>it</em><br>with <code>x &lt; y</code></p>',
  );
});

test('DOM: fenced code keeps its text and names its language', () => {
  assert.equal(
    html('```html\n<b>hi</b>\n```'),
    '<pre><code class="language-html" data-lang="html">&lt;b&gt;hi&lt;/b&gt;</code></pre>',
  );
  assert.equal(html('```"><x\ncode\n```'), '<pre><code>code</code></pre>');
});

test('DOM: tight lists have no paragraphs, loose ones do', () => {
  assert.equal(html('- a\n- b'), '<ul><li>a</li><li>b</li></ul>');
  assert.equal(html('3. a\n\n4. b'), '<ol start="3"><li><p>a</p></li><li><p>b</p></li></ol>');
});

test('DOM: block quotes and rules', () => {
  assert.equal(html('> a\n\n---'), '<blockquote><p>a</p></blockquote><hr>');
});

test('DOM: links open in a new tab without an opener', () => {
  assert.equal(
    html('[site](https://example.com)'),
    '<p><a href="https://example.com/" rel="noopener noreferrer" target="_blank">site</a></p>',
  );
});

test('DOM: hostile input stays inert', () => {
  const inputs = {
    '<script>alert(1)</script>': '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    '<img src=x onerror=alert(1)>': '<p>&lt;img src=x onerror=alert(1)&gt;</p>',
    '[x](javascript:alert(1))': '<p>x</p>',
    '<a href="javascript:alert(1)">y</a>': '<p>&lt;a href="javascript:alert(1)"&gt;y&lt;/a&gt;</p>',
    '[x](https://ok.example "a\\" onclick=\\"alert(1)")': '<p><a href="https://ok.example/" rel="noopener noreferrer" target="_blank">x</a></p>',
    '**<iframe src=//evil.example>**': '<p><strong>&lt;iframe src=//evil.example&gt;</strong></p>',
    '```\n</code></pre><script>alert(1)</script>\n```': '<pre><code>&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;</code></pre>',
  };
  for (const [input, expected] of Object.entries(inputs)) {
    assert.equal(html(input), expected, input);
  }
});

test('DOM: no element other than the expected ones, and only safe attributes', () => {
  const doc = fakeDocument();
  renderMarkdown(
    '<script>x</script> [a](javascript:x) <img src=x onerror=y> ![i](https://e.x/i.png) ' +
      '<style>*{}</style> [b](vbscript:x) <javascript:x> https://ok.example',
    doc,
  );
  assert.deepEqual([...new Set(doc.created.map((el) => el.tagName))].sort(), ['a', 'p']);
  const attributes = doc.created.flatMap((el) => [...el.attributes.keys()]);
  assert.deepEqual([...new Set(attributes)].sort(), ['href', 'rel', 'target']);
  assert.deepEqual(
    doc.created.filter((el) => el.tagName === 'a').map((a) => a.attributes.get('href')),
    ['https://e.x/i.png', 'https://ok.example/'],
  );
});

test('very deep nesting does not overflow the stack', () => {
  const quote = '>'.repeat(5000) + ' deep';
  const list = Array.from({ length: 500 }, (_, i) => ' '.repeat(i * 2) + '- item').join('\n');
  assert.doesNotThrow(() => html(quote));
  assert.doesNotThrow(() => html(list));
});

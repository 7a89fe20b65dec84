// labels.mjs renders a Mermaid flowchart with the real Mermaid library in
// Node.js (jsdom standing in for the browser) and prints, as JSON, the text
// lines of each node's label by node id, as a reader would see them.
//
// Usage: OVSYNC_MERMAID_MODULES=/path/to/node_modules node labels.mjs FILE.mmd
// (node_modules holding mermaid and jsdom). Used by TestEscapingThroughMermaid.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const modules = process.env.OVSYNC_MERMAID_MODULES;
const load = (p) => import(pathToFileURL(path.join(modules, p)).href);
const { JSDOM } = await load('jsdom/lib/api.js');
const dom = new JSDOM('<!DOCTYPE html><body></body>', { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const k of ['Element', 'HTMLElement', 'Node', 'DOMParser', 'SVGElement', 'MutationObserver',
  'CSSStyleSheet', 'getComputedStyle', 'XMLSerializer']) {
  globalThis[k] = dom.window[k];
}
// jsdom does no layout: give every element a size so that rendering ends.
dom.window.SVGElement.prototype.getBBox = () => ({ x: 0, y: 0, width: 100, height: 20 });
dom.window.SVGElement.prototype.getComputedTextLength = () => 100;
dom.window.HTMLElement.prototype.getBoundingClientRect = () =>
  ({ x: 0, y: 0, width: 100, height: 20, top: 0, left: 0, right: 100, bottom: 20 });

const mermaid = (await load('mermaid/dist/mermaid.core.mjs')).default;
mermaid.initialize({ startOnLoad: false });
const { svg } = await mermaid.render('g', fs.readFileSync(process.argv[2], 'utf8'));

const doc = new dom.window.DOMParser().parseFromString(svg, 'text/html');
const out = {};
for (const g of doc.querySelectorAll('g.node')) {
  const m = /^g-flowchart-(.+)-\d+$/.exec(g.getAttribute('id') || '');
  const label = g.querySelector('.nodeLabel p') || g.querySelector('.nodeLabel');
  if (!m || m[1].match(/^l\d+$/) || !label) continue;
  const lines = [];
  let cur = '';
  for (const n of label.childNodes) {
    if (n.nodeName.toLowerCase() === 'br') { lines.push(cur); cur = ''; } else { cur += n.textContent; }
  }
  lines.push(cur);
  out[m[1]] = lines;
}
process.stdout.write(JSON.stringify(out));

// parse.mjs parses Mermaid files with the real Mermaid library in Node.js
// (jsdom standing in for the browser, which Mermaid's sanitiser needs) and
// prints, as JSON, one result per file: the diagram type Mermaid read, or
// its parse error.
//
// Usage: node parse.mjs FILE.mmd... (mermaid and jsdom are the versions
// pinned in package.json beside it, installed with "npm ci"; or
// OVSYNC_MERMAID_MODULES names another node_modules folder). Used by
// TestGoldenMermaidParses.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = process.env.OVSYNC_MERMAID_MODULES || path.join(here, 'node_modules');
const load = (p) => import(pathToFileURL(path.join(modules, p)).href);
const { JSDOM } = await load('jsdom/lib/api.js');
const dom = new JSDOM('<!DOCTYPE html><body></body>', { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const k of ['Element', 'HTMLElement', 'Node', 'DOMParser', 'SVGElement', 'MutationObserver']) {
  globalThis[k] = dom.window[k];
}
const mermaid = (await load('mermaid/dist/mermaid.core.mjs')).default;
mermaid.initialize({ startOnLoad: false });

const out = {};
for (const f of process.argv.slice(2)) {
  try {
    const r = await mermaid.parse(fs.readFileSync(f, 'utf8'));
    out[f] = { type: r.diagramType };
  } catch (e) {
    out[f] = { error: String(e && e.message ? e.message : e) };
  }
}
process.stdout.write(JSON.stringify(out));

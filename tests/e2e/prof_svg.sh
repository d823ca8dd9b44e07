#!/bin/bash
# The flamegraph's script, run by node against the frames of a real SVG
# (profgen's synthetic profile) in a small stand-in for the browser's DOM:
# hover, click to zoom, reset, search with its matched share, Escape.
. "$SRCDIR/tests/e2e/lib.sh"
need python3 node

gen=$FIXTURES/profgen
out=$TMP/out
mkdir "$out"
check "profgen writes the SVG" "$gen" "$out"
printf 'main;a 30\nmain;b;b;b 50\nmain;c;libc.so.6+0x2a1f0 20\n' > "$TMP/old.folded"
check "profgen writes the differential SVG" \
    "$gen" -d "$TMP/old.folded" "$out/p.folded" "$out/diff.svg"

# The script and every element it touches, as JSON for node.
svg_json()
{
	python3 - "$1" <<'PY'
import json, sys
import xml.etree.ElementTree as ET
NS = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
frames, ids = [], {}
for g in root.iter(NS + "g"):
    if g.get("class") != "fr":
        continue
    rect, text = g.find(NS + "rect"), g.find(NS + "text")
    frames.append({"attrs": dict(g.attrib), "rect": dict(rect.attrib),
                   "text": dict(text.attrib), "label": text.text or ""})
for e in root.iter(NS + "text"):
    if e.get("id"):
        ids[e.get("id")] = e.text or ""
script = next(root.iter(NS + "script")).text
print(json.dumps({"script": script, "frames": frames, "ids": ids,
                  "onload": root.get("onload")}))
PY
}
svg_json "$out/p.svg" > "$TMP/p.json"
svg_json "$out/diff.svg" > "$TMP/diff.json"

cat > "$TMP/run.js" <<'JS'
// A stand-in for the few DOM calls the flamegraph's script makes.
const fs = require('fs'), vm = require('vm');
const doc = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const results = [];
function t(desc, cond, got) {
  results.push((cond ? 'PASS ' : 'FAIL ') + desc + (cond ? '' : ' (got ' + JSON.stringify(got) + ')'));
}
class El {
  constructor(tag, attrs) {
    this.tag = tag; this.attrs = Object.assign({}, attrs || {});
    this.style = {}; this.textContent = ''; this.kids = []; this.on = {};
    const cls = new Set((this.attrs['class'] || '').split(/\s+/).filter(Boolean));
    this.cls = cls;
    this.classList = {
      add: c => cls.add(c), remove: c => cls.delete(c),
      contains: c => cls.has(c),
      toggle: (c, f) => { if (f === undefined) f = !cls.has(c); if (f) cls.add(c); else cls.delete(c); return f; }
    };
  }
  getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; }
  setAttribute(k, v) { this.attrs[k] = String(v); }
  addEventListener(type, f) { (this.on[type] = this.on[type] || []).push(f); }
  fire(type, e) { (this.on[type] || []).forEach(f => f(e || { preventDefault() {} })); }
  getElementsByTagName(tag) { return this.kids.filter(k => k.tag === tag); }
}
const frames = doc.frames.map(f => {
  const g = new El('g', f.attrs), r = new El('rect', f.rect), x = new El('text', f.text);
  x.textContent = f.label; g.kids.push(r, x); g.label0 = f.label; return g;
});
const byId = {};
for (const id in doc.ids) { byId[id] = new El('text', { id: id }); byId[id].textContent = doc.ids[id]; }
const document = new El('document');
document.getElementById = id => byId[id] || null;
document.getElementsByClassName = c => frames.filter(g => g.cls.has(c));
let answer = null;
const sandbox = { document: document, prompt: () => answer, Math: Math, console: console };
vm.createContext(sandbox);
vm.runInContext(doc.script, sandbox);
t('the svg runs init() on load', doc.onload === 'init()', doc.onload);
sandbox.init();

const named = n => frames.filter(g => g.attrs['data-name'] === n);
const one = n => named(n)[0];
const width = g => +g.kids[0].attrs.width, x = g => +g.kids[0].attrs.x;
const shown = g => g.style.display !== 'none';
const det = byId.details, mat = byId.matched, unz = byId.unzoom;
const key = k => document.fire('keydown', { key: k, ctrlKey: false, preventDefault() {} });

if (process.argv[3] === 'diff') {
  one('a').fire('mouseover');
  t('diff: hover shows the self share now and before',
    det.textContent === 'a (60 samples, 60.00%); self 60.00% was 30.00%', det.textContent);
} else {
  t('every frame is shown at first', frames.every(shown), frames.filter(g => !shown(g)).length);
  t('the root spans the width', width(one('all')) === 1180, width(one('all')));
  t('a is 60% of the width', Math.abs(width(one('a')) - 708) < 0.01, width(one('a')));
  t('the labels the script cuts are the ones written in the file',
    frames.every(g => g.kids[1].textContent === g.label0),
    frames.filter(g => g.kids[1].textContent !== g.label0).map(g => [g.label0, g.kids[1].textContent]));
  t('a narrow frame has its name cut with ..',
    frames.some(g => g.kids[1].textContent.endsWith('..')), null);

  one('a').fire('mouseover');
  t('hover shows name, samples and percentage', det.textContent === 'a (60 samples, 60.00%)', det.textContent);
  one('a').fire('mouseout');
  t('leaving the frame clears the details', det.textContent.trim() === '', det.textContent);

  t('reset zoom is dimmed before any zoom', unz.style.opacity === 0.3, unz.style.opacity);
  one('c').fire('click');
  t('zoom: the clicked frame spans the width', width(one('c')) === 1180 && x(one('c')) === 10,
    [x(one('c')), width(one('c'))]);
  t('zoom: its child too', width(one('libc.so.6+0x2a1f0')) === 1180, width(one('libc.so.6+0x2a1f0')));
  t('zoom: frames outside it are hidden', !shown(one('a')) && named('b').every(g => !shown(g)), null);
  t('zoom: its callers stay, dimmed', shown(one('main')) && one('main').classList.contains('parent') &&
    width(one('main')) === 1180, null);
  t('zoom: reset zoom is offered', unz.style.opacity === 1, unz.style.opacity);
  unz.fire('click');
  t('reset: every frame is back', frames.every(shown) && Math.abs(width(one('a')) - 708) < 0.01 &&
    !one('main').classList.contains('parent'), null);

  answer = '^b$';
  key('/');
  t('search: the matched share counts nested matches once',
    mat.textContent === 'Matched: 20.00% (3 frames)', mat.textContent);
  t('search: matches are highlighted, others not',
    named('b').every(g => g.classList.contains('match')) && !one('a').classList.contains('match'), null);
  answer = 'main|^a$';
  byId.search.fire('click');
  t('search: the Search button asks too; main covers a', mat.textContent === 'Matched: 100.00% (2 frames)',
    mat.textContent);
  answer = '(';
  key('/');
  t('search: a bad expression is said so', mat.textContent === 'bad regular expression', mat.textContent);
  answer = 'Worker';
  key('/');
  t('search: a Python frame by name', mat.textContent === 'Matched: 6.00% (1 frame)', mat.textContent);
  one('c').fire('click');
  key('Escape');
  t('Escape clears the search and the zoom',
    frames.every(g => !g.classList.contains('match')) && frames.every(shown) && mat.textContent.trim() === '',
    mat.textContent);
}
console.log(results.join('\n'));
JS

run_js()
{
	local line
	while IFS= read -r line; do
		case $line in
		PASS\ *) ok "${line#PASS }" ;;
		FAIL\ *) not_ok "${line#FAIL }" ;;
		*) diag "$line" ;;
		esac
	done < <(timeout 60 node "$TMP/run.js" "$@" 2>&1 || echo "FAIL node ran the script")
}
run_js "$TMP/p.json"
run_js "$TMP/diff.json" diff

done_testing

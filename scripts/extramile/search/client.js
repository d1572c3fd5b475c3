/* Extra Mile search: reads the index written by extramile/search/index.py (published as search/search.js).
 *
 * The subset of Pagefind's JS API that browse.js uses, with the same names and shapes:
 *   options({baseUrl, excerptLength}), init(), filters(),
 *   search(term | null, {filters: {facet: "v" | ["v", ...] | {any: [...]} | {all: [...]}}, sort: {date}})
 *     -> {results: [{id, score, data()}], filters: {facet: {value: count}}}
 *   data() -> {url, meta, filters, excerpt}; the excerpt is HTML-escaped text with <mark> around matched words.
 * Every word must match (AND); the last also matches as the start of a word ("deliv" finds "delivery"); CJK
 * text is matched by pairs of neighbouring characters (see units below).
 * Results rank by BM25 (the index holds each story's term-frequency part, this adds the idf); without words,
 * newest first. A query downloads index.json, the term chunks its words fall in and the stories it shows;
 * facet counts also need the facets file, loaded by filters() or by a search with filters.
 *
 * The tokenizer and stemmer mirror extramile/search/tokenize.py and stemmer.py (tests/search/test_tokenizer.py
 * and test_stemmer.py hold them together).
 */

const FORMAT = 1;
const TOKENIZER = 2;
const PREFIX_MIN = 3; // a shorter last word matches whole words only: "th" would fetch half the index
const PREFIX_FACTOR = 0.5; // a word that only starts with the typed one counts half
const DROPPED = /[\u0300-\u036f'\u2019\u02bc]+/g;
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
// tokenize.py's CJK_RANGES: scripts written without spaces, split into pairs of characters.
const CJK_CLASS = "\u1100-\u11ff\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c\u3041-\u30ff"
  + "\u3131-\u318e\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff66-\uffdc"
  + "\u{1b000}-\u{1b16f}\u{20000}-\u{323af}";
const CJK = new RegExp(`[${CJK_CLASS}]`, "u");
const CJK_OR_NOT = new RegExp(`[${CJK_CLASS}]+|[^${CJK_CLASS}]+`, "gu");
const [WORDS, PAIR, TAIL, SINGLE] = [0, 1, 2, 3]; // what a unit of a text is (units below)

export function fold(text) {
  return text.normalize("NFKD").toLowerCase().replace(DROPPED, "").normalize("NFC").replace(/_/g, " ");
}

/* [unit, kind]: the words of a text, each CJK run as its pairs of characters and then its last one alone. */
function units(text) {
  const out = [];
  for (const word of fold(text).match(WORD) || []) {
    for (const piece of CJK.test(word) ? word.match(CJK_OR_NOT) : [word]) {
      if (!CJK.test(piece)) {
        out.push([piece, WORDS]);
        continue;
      }
      const characters = Array.from(piece); // by code point, as Python: an ideograph may be two UTF-16 units
      for (let i = 0; i + 1 < characters.length; i++) out.push([characters[i] + characters[i + 1], PAIR]);
      out.push([characters[characters.length - 1], characters.length > 1 ? TAIL : SINGLE]);
    }
  }
  return out;
}

export function words(text) {
  return units(text).map(([unit]) => unit);
}

/* stemmer.py, rule for rule: Porter2's steps 1a, 1b, 1c and 5 (see there for why). */
const VOWELS = "aeiouy";
const EXCEPTIONS = {
  skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", sky: "sky", news: "news", howe: "howe",
  atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes", evening: "evening", evenings: "evening",
  wedding: "wedding", weddings: "wedding", paste: "paste", pastes: "paste", pasted: "paste", pasting: "paste",
  range: "range", ranges: "range", ranged: "range", ranging: "range",
};
const KEPT_AFTER_1A = new Set(["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"]);
const R1_PREFIXES = ["gener", "commun", "arsen"];
const DOUBLES = /(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/;
const STEP_1B = ["eedly", "ingly", "edly", "eed", "ing", "ed"];
const isVowel = (letter) => letter !== undefined && VOWELS.includes(letter);
const hasVowel = (text) => /[aeiouy]/.test(text);

function afterSyllable(word, start) {
  for (let at = start + 1; at < word.length; at++) if (!isVowel(word[at]) && isVowel(word[at - 1])) return at + 1;
  return word.length;
}

function shortSyllable(word) {
  const n = word.length;
  if (n === 2) return isVowel(word[0]) && !isVowel(word[1]);
  return n > 2 && !isVowel(word[n - 1]) && !"wxY".includes(word[n - 1]) && isVowel(word[n - 2]) && !isVowel(word[n - 3]);
}

export function stem(word) {
  if (!/^[a-z]{3,}$/.test(word)) return word;
  if (Object.hasOwn(EXCEPTIONS, word)) return EXCEPTIONS[word];
  const letters = Array.from(word);
  letters.forEach((letter, at) => {
    if (letter === "y" && (at === 0 || isVowel(letters[at - 1]))) letters[at] = "Y";
  });
  word = letters.join("");
  const prefix = R1_PREFIXES.find((p) => word.startsWith(p));
  const r1 = prefix ? prefix.length : afterSyllable(word, 0);
  const r2 = afterSyllable(word, r1);

  if (word.endsWith("sses")) word = word.slice(0, -2);
  else if (word.endsWith("ied") || word.endsWith("ies")) word = word.slice(0, -3) + (word.length > 4 ? "i" : "ie");
  else if (word.endsWith("us") || word.endsWith("ss")) { /* kept */ }
  else if (word.endsWith("s") && hasVowel(word.slice(0, -2))) word = word.slice(0, -1);
  if (KEPT_AFTER_1A.has(word)) return word;

  const ending = STEP_1B.find((suffix) => word.endsWith(suffix));
  if (ending === "eed" || ending === "eedly") {
    if (word.length - ending.length >= r1) word = `${word.slice(0, -ending.length)}ee`;
  } else if (ending !== undefined && hasVowel(word.slice(0, -ending.length))) {
    word = word.slice(0, -ending.length);
    if (/(at|bl|iz)$/.test(word)) word += "e";
    else if (DOUBLES.test(word)) word = word.slice(0, -1);
    else if (word.length === r1 && shortSyllable(word)) word += "e";
  }

  if (word.length > 2 && "yY".includes(word[word.length - 1]) && !isVowel(word[word.length - 2])) {
    word = `${word.slice(0, -1)}i`;
  }

  if (word.endsWith("e")) {
    const at = word.length - 1;
    if (at >= r2 || (at >= r1 && !shortSyllable(word.slice(0, -1)))) word = word.slice(0, -1);
  } else if (word.endsWith("ll") && word.length - 1 >= r2) {
    word = word.slice(0, -1);
  }
  return word.replace(/Y/g, "y");
}

export function terms(text) {
  return words(text).map(stem);
}

/* ---------------------------------------------------------------------------------------------------------- */

const settings = { baseUrl: "/", excerptLength: 30 };
let root = new URL(".", import.meta.url);
let loadedIndex = null;
let loadedFacets = null;
const files = new Map();

export async function options(given) {
  Object.assign(settings, given || {});
  if (given && given.basePath) {
    root = new URL(given.basePath.endsWith("/") ? given.basePath : `${given.basePath}/`, document.baseURI);
    loadedIndex = loadedFacets = null;
    files.clear();
  }
}

async function gunzipJSON(name) {
  if (!files.has(name)) {
    files.set(name, (async () => {
      const response = await fetch(new URL(name, root));
      if (!response.ok) throw new Error(`search: ${name}: HTTP ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      // A server that sent it with Content-Encoding: gzip has had it decompressed by the browser already.
      if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return JSON.parse(new TextDecoder().decode(bytes));
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      return JSON.parse(await new Response(stream).text());
    })());
    files.get(name).catch(() => files.delete(name)); // a failed download is tried again next time
  }
  return files.get(name);
}

function index() {
  if (!loadedIndex) {
    // Revalidated on every page: the only file that changes in place, and it names every other one.
    loadedIndex = fetch(new URL("index.json", root), { cache: "no-cache" }).then(async (response) => {
      if (!response.ok) throw new Error(`search: index.json: HTTP ${response.status}`);
      const data = await response.json();
      if (data.version !== FORMAT || data.tokenizer !== TOKENIZER) throw new Error("search: index format mismatch");
      return data;
    });
    loadedIndex.catch(() => { loadedIndex = null; });
  }
  return loadedIndex;
}

export async function init() {
  await index();
}

function undelta(deltas) {
  const numbers = new Int32Array(deltas.length);
  let number = 0;
  for (let i = 0; i < deltas.length; i++) numbers[i] = number += deltas[i];
  return numbers;
}

/* A facet with one value per story is a column, one character per story: the value's place in `values`. */
const COLUMN_ALPHABET = Array.from({ length: 0x7f - 0x23 }, (_, i) => String.fromCharCode(0x23 + i))
  .filter((c) => c !== "\\").join("");

function uncolumn(values, column) {
  const members = values.map(() => []);
  for (let number = 0; number < column.length; number++) members[COLUMN_ALPHABET.indexOf(column[number])].push(number);
  return Object.fromEntries(values.map((value, place) => [value, Int32Array.from(members[place])]));
}

function facets() {
  if (!loadedFacets) {
    loadedFacets = index().then((data) => gunzipJSON(data.facets)).then((content) => {
      const decoded = {};
      for (const [facet, stored] of Object.entries(content)) {
        if (stored.column !== undefined) {
          decoded[facet] = uncolumn(stored.values, stored.column);
          continue;
        }
        decoded[facet] = {};
        for (const [value, deltas] of Object.entries(stored.lists)) decoded[facet][value] = undelta(deltas);
      }
      return decoded;
    });
    loadedFacets.catch(() => { loadedFacets = null; });
  }
  return loadedFacets;
}

/* Every facet value and its number of stories; also loads the facets file, so that searches count. */
export async function filters() {
  await facets();
  return structuredClone((await index()).totals);
}

/* What a query looks up: its units, each once, and whether it also stands for the terms it starts. The last
 * word may be the start of a word; a CJK character alone is the start of the pairs it begins (and ends a run
 * itself where no pair starts with it); a run's last character is dropped, its last pair holds it already. */
function queryUnits(text) {
  const found = new Map();
  const all = units(text).filter(([, kind]) => kind !== TAIL);
  all.forEach(([unit, kind], i) => {
    const prefix = kind === SINGLE || (kind === WORDS && i === all.length - 1 && unit.length >= PREFIX_MIN);
    found.set(unit, { unit, single: kind === SINGLE, prefix: prefix || (found.get(unit)?.prefix ?? false) });
  });
  return [...found.values()];
}

/* A query unit's matching terms: its stem, and if it is a prefix every term that starts with it. */
async function lookup(data, word, asPrefix) {
  const exact = stem(word);
  const prefix = asPrefix ? word : null;
  const wanted = data.chunks.filter(([first, final]) => (first <= exact && exact <= final)
    || (prefix && final >= prefix && first <= `${prefix}\uffff`));
  const chunks = await Promise.all(wanted.map(([, , name]) => gunzipJSON(name)));
  const found = [];
  for (const chunk of chunks) {
    if (Object.hasOwn(chunk, exact)) found.push([exact, 1, chunk[exact]]);
    if (!prefix) continue;
    for (const term of Object.keys(chunk)) {
      if (term !== exact && term.startsWith(prefix)) found.push([term, PREFIX_FACTOR, chunk[term]]);
    }
  }
  return found;
}

function wantedValues(spec) {
  if (typeof spec === "string") return { all: [spec], any: [] };
  if (Array.isArray(spec)) return { all: spec, any: [] };
  return { all: (spec && spec.all) || [], any: (spec && spec.any) || [] };
}

/* The stories the filters allow (1 in a mask of all), or null when nothing is filtered. */
function filterMask(spec, lists, count) {
  let mask = null;
  const keep = (numbers) => {
    const next = new Uint8Array(count);
    for (const number of numbers) if (!mask || mask[number]) next[number] = 1;
    mask = next;
  };
  for (const [facet, given] of Object.entries(spec || {})) {
    const values = lists[facet] || {};
    const { all, any } = wantedValues(given);
    for (const value of all) keep(values[value] || []);
    if (any.length) keep(any.flatMap((value) => Array.from(values[value] || [])));
  }
  return mask;
}

function escapeHTML(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/* The text as shown, in tokens: the words between spaces, and each CJK character one of its own, glued to
 * the one before it (no space between). */
function displayTokens(paragraphs) {
  const tokens = [];
  for (const chunk of paragraphs.join(" ").split(/\s+/).filter(Boolean)) {
    (CJK.test(chunk) ? chunk.match(CJK_OR_NOT) : [chunk]).forEach((piece, p) => {
      const cjk = CJK.test(piece);
      (cjk ? Array.from(piece) : [piece]).forEach((text, c) => tokens.push({ text, cjk, glued: p + c > 0 }));
    });
  }
  return tokens;
}

/* Whether each token is part of what the query matched: a word by its stem; a CJK character by a matched pair
 * it is in, or alone (a character searched for by itself). */
function matchedTokens(tokens, matched) {
  if (matched.size === 0) return tokens.map(() => false);
  return tokens.map((token, i) => {
    if (!token.cjk) return words(token.text).some((word) => matched.has(stem(word)));
    const here = fold(token.text);
    const before = token.glued && tokens[i - 1].cjk ? fold(tokens[i - 1].text) : null;
    const after = tokens[i + 1] && tokens[i + 1].glued && tokens[i + 1].cjk ? fold(tokens[i + 1].text) : null;
    return matched.has(here) || (before !== null && matched.has(before + here))
      || (after !== null && matched.has(here + after));
  });
}

/* About `length` tokens of the text around the densest run of matched ones; the start without any. */
function makeExcerpt(paragraphs, matched, length) {
  const tokens = displayTokens(paragraphs);
  const hits = matchedTokens(tokens, matched);
  let start = 0;
  let best = 0;
  hits.forEach((hit, position) => {
    if (!hit) return;
    const from = Math.max(0, Math.min(position - Math.floor(length / 3), tokens.length - length));
    let count = 0;
    for (let i = from; i < from + length && i < tokens.length; i++) count += hits[i] ? 1 : 0;
    if (count > best) [best, start] = [count, from];
  });
  // Neighbouring matched characters of one CJK run share one <mark>; words between spaces have one each.
  let html = "";
  tokens.slice(start, start + length).forEach((token, i) => {
    const text = escapeHTML(token.text);
    const hit = hits[start + i];
    if (hit && i > 0 && token.glued && hits[start + i - 1]) html = `${html.slice(0, -"</mark>".length)}${text}</mark>`;
    else html += (i > 0 && !token.glued ? " " : "") + (hit ? `<mark>${text}</mark>` : text);
  });
  return html;
}

async function documentData(data, number, matched) {
  const document = await gunzipJSON(`${data.documents}/${number}.gz`);
  const base = settings.baseUrl.endsWith("/") ? settings.baseUrl : `${settings.baseUrl}/`;
  return {
    url: base + document.url.replace(/^\//, ""),
    meta: { ...document.meta },
    filters: structuredClone(document.filters),
    excerpt: makeExcerpt(document.text, matched, settings.excerptLength),
  };
}

export async function search(term, given = {}) {
  const data = await index();
  const count = data.count;
  const queryWords = term === null || term === undefined ? null : queryUnits(String(term));
  const filtering = Object.keys(given.filters || {}).length > 0;
  const lists = filtering || loadedFacets ? await facets() : null;
  const mask = filtering ? filterMask(given.filters, lists, count) : null;

  let numbers;
  let scores = null;
  const matched = new Set();
  if (queryWords === null) {
    numbers = [];
    for (let number = 0; number < count; number++) if (!mask || mask[number]) numbers.push(number);
  } else {
    const found = await Promise.all(queryWords.map(({ unit, prefix }) => lookup(data, unit, prefix)));
    scores = new Float64Array(count);
    const hits = new Uint8Array(count);
    for (const [place, postings] of found.entries()) {
      const best = new Float64Array(count);
      // A CJK character searched for alone is marked alone in the excerpt, not the pairs it starts.
      const { unit, single } = queryWords[place];
      if (single) matched.add(unit);
      for (const [foundTerm, factor, encoded] of postings) {
        if (!single) matched.add(foundTerm);
        const df = encoded.length / 2; // df story numbers (as deltas), then their df weights
        const idf = Math.log(1 + (count - df + 0.5) / (df + 0.5));
        let number = 0;
        for (let i = 0; i < df; i++) {
          number += encoded[i];
          const score = (factor * idf * encoded[df + i]) / data.weightScale;
          if (score > best[number]) best[number] = score;
        }
      }
      for (let number = 0; number < count; number++) {
        if (best[number] > 0) {
          hits[number]++;
          scores[number] += best[number];
        }
      }
    }
    numbers = [];
    const needed = queryWords.length;
    for (let number = 0; number < count; number++) {
      if (needed && hits[number] === needed && (!mask || mask[number])) numbers.push(number);
    }
    const byDate = given.sort && given.sort.date;
    if (!byDate) numbers.sort((a, b) => scores[b] - scores[a] || a - b);
  }
  if (given.sort && given.sort.date === "asc") numbers.reverse();

  const counts = {};
  if (lists) {
    const inResults = new Uint8Array(count);
    for (const number of numbers) inResults[number] = 1;
    for (const [facet, values] of Object.entries(lists)) {
      counts[facet] = {};
      for (const [value, members] of Object.entries(values)) {
        let n = 0;
        for (const number of members) n += inResults[number];
        counts[facet][value] = n;
      }
    }
  }
  return {
    results: numbers.map((number) => ({
      id: number,
      score: scores ? scores[number] : 0,
      data: () => documentData(data, number, matched),
    })),
    filters: counts,
  };
}

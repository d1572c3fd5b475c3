/* Extra Mile search: reads the index written by extramile/search/index.py (published as search/search.js).
 *
 * The subset of Pagefind's JS API that browse.js uses, with the same names and shapes:
 *   options({baseUrl, excerptLength}), init(), filters(),
 *   search(term | null, {filters: {facet: "v" | ["v", ...] | {any: [...]} | {all: [...]}}, sort: {date}})
 *     -> {results: [{id, score, data()}], filters: {facet: {value: count}}}
 *   data() -> {url, meta, filters, excerpt}; the excerpt is HTML-escaped text with <mark> around matched words.
 * Every word must match (AND); the last also matches as the start of a word ("deliv" finds "delivery").
 * Results rank by BM25 (the index holds each story's term-frequency part, this adds the idf); without words,
 * newest first. A query downloads index.json, the term chunks its words fall in and the stories it shows;
 * facet counts also need the facets file, loaded by filters() or by a search with filters.
 *
 * The tokenizer mirrors extramile/search/tokenize.py (tests/search/test_tokenizer.py holds them together).
 */

const FORMAT = 1;
const TOKENIZER = 1;
const PREFIX_MIN = 3; // a shorter last word matches whole words only: "th" would fetch half the index
const PREFIX_FACTOR = 0.5; // a word that only starts with the typed one counts half
const DROPPED = /[\u0300-\u036f'\u2019\u02bc]+/g;
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

export function fold(text) {
  return text.normalize("NFKD").toLowerCase().replace(DROPPED, "").normalize("NFC").replace(/_/g, " ");
}

export function words(text) {
  return fold(text).match(WORD) || [];
}

const hasVowel = (text) => /[aeiouy]/.test(text);

function undouble(word) {
  const last = word[word.length - 1];
  return word.length >= 2 && last === word[word.length - 2] && !"aeioulsz".includes(last) ? word.slice(0, -1) : word;
}

export function stem(word) {
  if (word.length < 3 || !/^[a-z]+$/.test(word)) return word;
  if (word.endsWith("sses")) word = word.slice(0, -2);
  else if (word.endsWith("ies")) word = word.slice(0, -2);
  else if (word.endsWith("s") && !/(ss|us|is)$/.test(word)) word = word.slice(0, -1);
  if (word.endsWith("eed")) {
    if (hasVowel(word.slice(0, -3))) word = word.slice(0, -1);
  } else if (word.endsWith("ed") && hasVowel(word.slice(0, -2))) {
    word = undouble(word.slice(0, -2));
  } else if (word.endsWith("ing") && hasVowel(word.slice(0, -3))) {
    word = undouble(word.slice(0, -3));
  }
  if (word.length > 2 && word.endsWith("y") && hasVowel(word.slice(0, -1))) word = `${word.slice(0, -1)}i`;
  if (word.length >= 3 && word.endsWith("e")) word = word.slice(0, -1);
  return word;
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

/* A query word's matching terms: its stem, and for the last word every term that starts with it. */
async function lookup(data, word, last) {
  const exact = stem(word);
  const prefix = last && word.length >= PREFIX_MIN ? word : null;
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

/* About `length` words of the text around the densest run of matched words; the start without any. */
function makeExcerpt(paragraphs, matched, length) {
  const tokens = paragraphs.join(" ").split(/\s+/).filter(Boolean);
  const hits = tokens.map((token) => matched.size > 0 && words(token).some((word) => matched.has(stem(word))));
  let start = 0;
  let best = 0;
  hits.forEach((hit, position) => {
    if (!hit) return;
    const from = Math.max(0, Math.min(position - Math.floor(length / 3), tokens.length - length));
    let count = 0;
    for (let i = from; i < from + length && i < tokens.length; i++) count += hits[i] ? 1 : 0;
    if (count > best) [best, start] = [count, from];
  });
  return tokens.slice(start, start + length)
    .map((token, i) => (hits[start + i] ? `<mark>${escapeHTML(token)}</mark>` : escapeHTML(token))).join(" ");
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
  const queryWords = term === null || term === undefined ? null : [...new Set(words(String(term)))];
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
    const found = await Promise.all(queryWords.map((word, i) => lookup(data, word, i === queryWords.length - 1)));
    scores = new Float64Array(count);
    const hits = new Uint8Array(count);
    for (const postings of found) {
      const best = new Float64Array(count);
      for (const [foundTerm, factor, encoded] of postings) {
        matched.add(foundTerm);
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

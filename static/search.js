// Site search: the front end of /search/ (templates/search.html), on Pagefind's JS API.
//
// The archive is indexed in parts, one Pagefind bundle each: the newest day, the rest of its
// month and of its year, then each older year, listed newest first in the page's data-bundles (their names in
// data-parts, their years in data-years); the newest is Pagefind's primary instance and the
// others are merged into it.
// The query, filters and sort are kept in the URL (?q=…&author=…&section=…&year=…&sort=date)
// so that a search can be shared and the back button steps through searches.

const app = document.querySelector(".search-app");
const form = app.querySelector("form");
const input = form.elements.q;
const refine = form.querySelector(".search-refine");
const count = app.querySelector(".search-count");
const hint = app.querySelector(".search-hint");
const list = app.querySelector(".search-results");
const more = app.querySelector(".search-more");
const browse = document.querySelector(".search-browse");
const bundles = app.dataset.bundles.split(" ").filter(Boolean);
const years = (app.dataset.years || "").split(" ").filter(Boolean); // the bundles' years
const parts = (app.dataset.parts || "").split(" ").filter(Boolean); // and names

const FACETS = ["author", "section", "year"];
const PARAMS = ["q", ...FACETS, "sort"];
const BATCH = 10;
const number = new Intl.NumberFormat(document.documentElement.lang || undefined);
// An article's day as the site's calendar has it: the date part of its ISO time, which is
// written in the site's time zone (so never shifted to the reader's).
const dayFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: "long", timeZone: "UTC" });
const day = (iso) => dayFormat.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`));
const title = document.title;

let state = fromURL(); // what the page shows, as in its URL
let view = null;       // the results shown: { id, total, next, shown, busy }
let searches = 0;      // numbers each search, so that one finishing after a newer one is dropped
let typing = false;    // the current history entry was made by typing: more typing replaces it
let timer = 0;
let pagefind = null;

function load() {
  pagefind ??= (async () => {
    // An archive without articles has no bundle: every search finds nothing.
    if (!bundles.length) return { search: async () => ({ results: [], filters: {} }) };
    const pf = await import(app.dataset.script);
    // Result URLs are indexed whole (base path included): baseUrl "/" keeps them as they are.
    // Each bundle's year and name are filters of all its pages, given here (mergeFilter)
    // rather than stored in the index, where they would list every page.
    const year = (i) => ({ mergeFilter: { year: years[i], part: parts[i] } });
    await pf.options({ basePath: bundles[0], baseUrl: "/", excerptLength: 30, ...year(0) });
    // The other years share the primary's WebAssembly and load only their own entry and
    // metadata. Not awaited one by one: filters() below waits for every instance.
    bundles.slice(1).forEach((b, i) => pf.mergeIndex(b, { baseUrl: "/", excerptLength: 30, ...year(i + 1) }).catch(() => {}));
    // Loads every year's filter index: without it, a search returns no filter counts.
    await pf.filters();
    return pf;
  })();
  return pagefind;
}

function fromURL() {
  const p = new URLSearchParams(location.search);
  const s = Object.fromEntries(PARAMS.map((k) => [k, (p.get(k) || "").trim()]));
  if (s.sort !== "date") s.sort = "";
  return s;
}

function toURL(s) {
  const query = String(new URLSearchParams(PARAMS.filter((k) => s[k]).map((k) => [k, s[k]])));
  return location.pathname + (query && `?${query}`);
}

// Shows the search `next`, in a new history entry unless `replace`.
function go(next, replace) {
  const url = toURL(next);
  if (url !== location.pathname + location.search) history[replace ? "replaceState" : "pushState"](null, "", url);
  else if (view) return; // shown already (a failed search is tried again)
  state = next;
  run();
}

async function run(shown = BATCH) {
  const id = ++searches;
  const s = state;
  document.title = s.q ? `${s.q} – ${title}` : title;
  form.elements.sort.value = s.sort;
  if (!s.q) return reset();
  list.setAttribute("aria-busy", "true");
  try {
    const pf = await load();
    const filters = Object.fromEntries(FACETS.filter((f) => s[f]).map((f) => [f, s[f]]));
    const q = terms(s.q);
    const found = await pf.search(q, { filters });
    // A facet lists its values with the counts of the search under the other facets' choices
    // only, so that choosing an author still offers the others (with what each would give).
    const counts = await Promise.all(FACETS.map(async (f) => {
      if (!s[f]) return found.filters[f];
      const { [f]: _, ...others } = filters;
      return (await pf.search(q, { filters: others })).filters[f];
    }));
    if (id !== searches) return;
    const total = found.results.length;
    const filtered = Object.keys(filters).length > 0;
    FACETS.forEach((f, i) => fill(form.elements[f], counts[i] || {}, s[f]));
    refine.hidden = !total && !filtered;
    view = { id, total, shown: 0, next: s.sort ? byDate(pf, q, filters, found.filters.part) : byScore(found.results) };
    await show(Math.max(shown, BATCH));
    if (id !== searches) return;
    count.textContent = total ? `${number.format(total)} result${total === 1 ? "" : "s"} for “${s.q}”` : "No results";
    hint.hidden = browse.hidden = total > 0;
    if (!total) {
      hint.textContent = `Nothing in the archive matches “${s.q}”${filtered ? " with these filters" : ""}. Check the spelling, or try fewer or other words.`;
      if (filtered) hint.append(" ", clearButton);
    }
  } catch (e) {
    if (id === searches) fail(e);
  }
}

// Chinese and Japanese are written without spaces, and Pagefind keeps such a run as one
// word (on a site in another language), found only by its beginning. Each article's title
// is also indexed as the overlapping pairs of characters of its CJK runs (東京で首脳会談:
// 東京 京で で首 首脳 脳会 会談, the `cjk` metadata), so a query's CJK runs are searched as
// their pairs too: a word from anywhere in a title finds it.
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]{2,}/gu;
function terms(q) {
  return q.replace(CJK, (run) => {
    const chars = [...run];
    return chars.slice(1).map((c, i) => chars[i] + c).join(" ");
  });
}

// Relevance: Pagefind has already merged the years' results by score.
function byScore(results) {
  return async (n) => results.splice(0, n);
}

// Newest first. Pagefind merges its instances' results by score, and a search sorted by date
// scores each result by its place in its own bundle, so one sorted search over the merged
// bundles would interleave the years. Pagefind 1.6 runs its instances in a web worker and
// does not expose them, but a search filtered on a bundle's name (`part`) finds nothing in
// the other bundles, so its results all come from one bundle, in date order. So search bundle
// by bundle, newest first (names sort so: 2026-07-01, 2026-07, 2026, 2025), only as far as the results
// shown need. `counts` holds the number of results in each bundle, from the search by relevance.
function byDate(pf, q, filters, counts = {}) {
  const queue = Object.keys(counts).filter((p) => counts[p]).sort().reverse();
  const ready = [];
  return async (n) => {
    while (ready.length < n && queue.length) {
      const part = queue.shift();
      const found = await pf.search(q, { filters: { ...filters, part }, sort: { date: "desc" } });
      ready.push(...found.results);
    }
    return ready.splice(0, n);
  };
}

// Adds the next `n` results of the view to the list (replacing the list for a new search).
// Only these results' data (their fragments) is downloaded.
async function show(n, focus = false) {
  const v = view;
  if (v.busy) return;
  v.busy = true;
  list.setAttribute("aria-busy", "true");
  try {
    const results = await v.next(n);
    const cards = (await Promise.all(results.map((r) => r.data()))).map(card);
    if (v.id !== searches) return;
    if (v.shown) list.append(...cards);
    else list.replaceChildren(...cards);
    v.shown += cards.length;
    more.hidden = results.length < n || v.shown >= v.total;
    history.replaceState({ shown: v.shown }, "");
    // Focus the first new result, so that reading goes on there and focus is not lost
    // when the button disappears.
    if (focus && cards.length) cards[0].querySelector("a").focus();
  } finally {
    v.busy = false;
    if (v.id === searches) list.removeAttribute("aria-busy");
  }
}

function card(d) {
  const m = d.meta || {};
  const li = el("li");
  const article = li.appendChild(el("article", "card"));
  const link = article.appendChild(el("h2", "card-title")).appendChild(el("a", "", m.title || d.url));
  link.href = d.url;
  const meta = [];
  if (m.iso) {
    const time = el("time", "", day(m.iso));
    time.dateTime = m.iso;
    meta.push(time);
  }
  if (m.byline) meta.push(el("span", "by", m.byline));
  if (m.section) meta.push(el("span", "section", m.section));
  const p = article.appendChild(el("p", "meta"));
  meta.forEach((part, i) => p.append(i ? " · " : "", part));
  article.appendChild(el("p", "summary")).append(excerpt(d.excerpt || ""));
  return li;
}

// Pagefind's excerpt is the page's text, escaped, with <mark> around the words found.
// It is parsed inert, and anything but those marks is kept as text only.
function excerpt(html) {
  const t = document.createElement("template");
  t.innerHTML = html;
  for (const e of t.content.querySelectorAll(":not(mark)")) e.replaceWith(e.textContent);
  return t.content;
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text) e.textContent = text;
  return e;
}

// Lists a facet's values that have results (and the chosen one, even without), with counts.
function fill(select, counts, value) {
  const values = Object.keys(counts).filter((v) => counts[v] > 0 || v === value);
  if (value && !values.includes(value)) values.push(value);
  values.sort(select.name === "year" ? (a, b) => b - a : (a, b) => a.localeCompare(b));
  const options = values.map((v) => new Option(`${v} (${number.format(counts[v] || 0)})`, v));
  select.replaceChildren(select.options[0], ...options);
  select.value = value;
  select.parentElement.hidden = !values.length;
}

function reset() {
  view = null;
  count.textContent = "";
  hint.hidden = refine.hidden = more.hidden = true;
  browse.hidden = false;
  list.replaceChildren();
  list.removeAttribute("aria-busy");
}

function fail(e) {
  console.error(e);
  reset();
  count.textContent = "Search is not available right now.";
}

const clearButton = el("button", "search-clear", "Clear the filters");
clearButton.type = "button";
clearButton.addEventListener("click", () => {
  input.focus(); // the button goes away with the hint
  go({ ...state, author: "", section: "", year: "" });
});

input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    go({ ...state, q: input.value.trim() }, typing);
    typing = true;
  }, 250);
});

form.addEventListener("submit", (e) => {
  e.preventDefault();
  clearTimeout(timer);
  go({ ...state, q: input.value.trim() }, typing);
  typing = false;
});

form.addEventListener("change", (e) => {
  if (e.target === input) return; // "change" on leaving the box: typing has searched already
  typing = false;
  go({ ...state, [e.target.name]: e.target.value });
});

more.addEventListener("click", () => show(BATCH, true).catch(fail));

addEventListener("popstate", () => {
  clearTimeout(timer);
  typing = false;
  state = fromURL();
  input.value = state.q;
  run(history.state?.shown);
});

input.value = state.q;
if (state.q) run(history.state?.shown);
else {
  reset();
  input.focus();
  load().catch(fail); // so that the first search does not wait for it
}

/* Extra Mile search, shared by both engines: the header's search box and the Browse page.
 *
 * Both read the search index (search/, written by the build) through its small client module
 * (search/search.js, with Pagefind's API names), which loads only the pieces of the index a query needs.
 * Without JavaScript the header box is a plain form to the Browse page, and the Browse page says that its
 * search needs JavaScript and lists the tag, teller and year pages and all the stories instead. On a narrow
 * screen the Browse page's filters are folded under the results; on a wide one they stand open beside them.
 *
 * Browse state lives in the URL: ?q=words&tag=a&tag=b&perspective=customer&industry=…&channel=…&year=2011.
 * Tags combine with AND (stories that carry every chosen tag); the other facets hold one value per story, so
 * values of one facet combine with OR; facets combine with AND. A count is how many stories a value would
 * show with everything else that is chosen.
 */
(() => {
  "use strict";

  const FACETS = ["tag", "perspective", "industry", "channel", "year"];
  const ANY_OF = new Set(["perspective", "industry", "channel", "year"]); // one value per story: OR
  const PAGE_SIZE = 10;
  const loaded = new Map();

  function siteRoot(element) {
    return new URL(".", new URL(element.dataset.root || "index.html", document.baseURI));
  }

  /* The search module, loaded once per page, with result URLs made relative to the site's root. */
  function engineFor(element) {
    const source = new URL(element.dataset.search, document.baseURI).href;
    if (!loaded.has(source)) {
      const engine = import(source).then(async (search) => {
        await search.options({ baseUrl: siteRoot(element).pathname, excerptLength: 30 });
        await search.init();
        return search;
      });
      engine.catch(() => loaded.delete(source)); // a failed download is tried again on the next query
      loaded.set(source, engine);
    }
    return loaded.get(source);
  }

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* The excerpt is HTML with <mark> around the matched words: keep the text and the marks, nothing else. */
  function excerptNodes(html) {
    const fragment = document.createDocumentFragment();
    const parsed = new DOMParser().parseFromString(`<body>${html || ""}</body>`, "text/html");
    for (const node of parsed.body.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        fragment.append(document.createTextNode(node.textContent));
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        const keep = node.tagName === "MARK" ? make("mark", "", node.textContent) : document.createTextNode(node.textContent);
        fragment.append(keep);
      }
    }
    return fragment;
  }

  /* ------------------------------------------------------------------------------------------------------ */
  /* The header's search box, an ARIA 1.2 combobox: the first results in a listbox under the box as you type;  */
  /* the arrow keys choose one (aria-activedescendant: the focus stays in the box), Enter opens it, Escape     */
  /* closes the list. Enter with none chosen sends the form: the Browse page with every result (?q=…).         */
  /* ------------------------------------------------------------------------------------------------------ */

  function searchBox(form) {
    const input = form.querySelector("input[name=q]");
    const panel = form.querySelector("[data-em-search-results]");
    const listbox = form.querySelector("[data-em-search-list]");
    const status = form.querySelector("[data-em-search-status]");
    let asked = 0;
    let timer = 0;
    let active = -1;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("aria-expanded", "false");

    const options = () => [...listbox.querySelectorAll("[role=option]")];

    function choose(place) { // an option's place (past the last wraps to the first), or -1 for none
      const all = options();
      active = place >= 0 && all.length ? place % all.length : -1;
      all.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
      if (active < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function open(isOpen) {
      panel.hidden = !isOpen;
      input.setAttribute("aria-expanded", String(isOpen));
      if (!isOpen) choose(-1);
    }

    function close() {
      open(false);
      listbox.replaceChildren();
      status.textContent = "";
    }

    function option(className, href, id) {
      const link = make("a", className);
      link.href = href;
      link.id = `em-search-option-${id}`;
      link.tabIndex = -1; // the options are reached with the arrow keys, not Tab
      link.setAttribute("role", "option");
      link.setAttribute("aria-selected", "false");
      return link;
    }

    async function show(query) {
      const number = ++asked;
      const engine = await engineFor(form);
      const search = await engine.search(query);
      const top = await Promise.all(search.results.slice(0, 5).map((result) => result.data()));
      if (number !== asked) return; // a newer query has been typed
      const found = search.results.length;
      const items = top.map((data, i) => {
        const link = option("em-search__link", data.url, i);
        link.append(make("span", "em-search__title", data.meta.title));
        const excerpt = make("span", "em-search__excerpt");
        excerpt.append(excerptNodes(data.excerpt));
        link.append(excerpt);
        return link;
      });
      const all = option("em-search__all", `${form.action}?q=${encodeURIComponent(query)}`, "all");
      all.textContent = found === 0 ? "No story matches: browse them all →"
        : found === 1 ? "See it on the Browse page →" : `All ${found} stories on the Browse page →`;
      listbox.replaceChildren(...items, all);
      active = -1;
      open(true);
      const listed = found > top.length ? `, the first ${top.length} listed` : "";
      status.textContent = found === 0 ? "No story matches."
        : `${found} ${found === 1 ? "story" : "stories"} found${listed}.`;
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      choose(-1); // typing leaves the list: the choice was in results about to be replaced
      const query = input.value.trim();
      if (query.length < 2 && query < "\u2e80") { // one letter is too few; one CJK character (U+2E80 on) is a word
        asked++;
        close();
        return;
      }
      timer = setTimeout(() => show(query).catch(() => close()), 150);
    });
    input.addEventListener("focus", () => engineFor(form).catch(() => {}), { once: true });
    input.addEventListener("keydown", (event) => {
      const count = options().length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!count) return;
        event.preventDefault(); // the caret stays where it is
        if (panel.hidden) open(true);
        choose(event.key === "ArrowDown" ? active + 1 : (active <= 0 ? count : active) - 1); // both wrap around
      } else if (event.key === "Enter" && !panel.hidden && active >= 0) {
        event.preventDefault();
        options()[active].click();
      } else if (event.key === "Escape" && !panel.hidden) {
        event.preventDefault(); // without this, Escape would also empty the box (type=search)
        open(false);
      }
    });
    form.addEventListener("focusout", (event) => {
      if (!form.contains(event.relatedTarget)) open(false);
    });
    document.addEventListener("click", (event) => {
      if (!form.contains(event.target)) open(false);
    });
  }

  /* ------------------------------------------------------------------------------------------------------ */
  /* The Browse page                                                                                        */
  /* ------------------------------------------------------------------------------------------------------ */

  function readState(params) {
    const state = { q: (params.get("q") || "").trim() };
    for (const facet of FACETS) state[facet] = new Set(params.getAll(facet).filter(Boolean));
    return state;
  }

  function stateQuery(state) {
    const params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    for (const facet of FACETS) for (const value of [...state[facet]].sort()) params.append(facet, value);
    const text = params.toString();
    return text ? `?${text}` : "";
  }

  function searchFilters(state, except) {
    const filters = {};
    for (const facet of FACETS) {
      if (facet === except || !state[facet].size) continue;
      const values = [...state[facet]];
      filters[facet] = ANY_OF.has(facet) ? { any: values } : { all: values };
    }
    return filters;
  }

  function searchOptions(state, except) {
    const options = { filters: searchFilters(state, except) };
    if (!state.q) options.sort = { date: "desc" }; // no words to rank by: newest first
    return options;
  }

  function browse(root) {
    const form = root.querySelector("[data-em-browse-form]");
    const input = form.querySelector("input[name=q]");
    const status = form.querySelector("[data-em-status]");
    const list = form.querySelector("[data-em-results]");
    const more = form.querySelector("[data-em-more]");
    let state = readState(new URLSearchParams(location.search));
    let asked = 0;
    let results = [];
    let shown = 0;
    let timer = 0;
    let facetsLoaded = null;

    function showState() {
      input.value = state.q;
      for (const box of form.querySelectorAll(".em-facet input[type=checkbox]")) {
        box.checked = state[box.name].has(box.value);
      }
    }

    function card(data) {
      const item = make("li", "em-result");
      const heading = make("h2", "em-result__title");
      const link = make("a", "", data.meta.title);
      link.href = data.url;
      heading.append(link);
      const facts = make("p", "em-result__meta");
      const teller = make("span", `em-badge em-badge--${data.meta.perspective || "customer"}`, data.meta.told || "");
      facts.append(teller, make("span", "em-result__badge", data.meta.industry || ""),
        make("span", "em-result__badge", data.meta.channel || ""));
      if (data.meta.date) {
        const time = make("time", "em-result__date", data.meta.date);
        time.dateTime = data.meta.date;
        facts.append(time);
      }
      // With words, the passage that matched them; without, the story's own one-line description.
      const excerpt = make("p", "em-result__excerpt");
      if (state.q || !data.meta.description) excerpt.append(excerptNodes(data.excerpt));
      else excerpt.textContent = data.meta.description;
      item.append(heading, facts, excerpt);
      return item;
    }

    async function showMore() {
      const number = asked;
      const page = await Promise.all(results.slice(shown, shown + PAGE_SIZE).map((result) => result.data()));
      if (number !== asked) return;
      list.append(...page.map(card));
      shown += page.length;
      more.hidden = shown >= results.length;
    }

    function showCounts(counts) {
      for (const fieldset of form.querySelectorAll(".em-facet")) {
        const facet = fieldset.dataset.facet;
        const values = counts[facet] || {};
        let visible = 0;
        for (const option of fieldset.querySelectorAll(".em-facet__option")) {
          const count = values[option.dataset.value] || 0;
          const box = option.querySelector("input");
          option.querySelector("[data-count]").textContent = String(count);
          option.hidden = count === 0 && !box.checked;
          if (!option.hidden) visible++;
        }
        fieldset.hidden = visible === 0;
      }
    }

    async function run() {
      const number = ++asked;
      // How many filters are chosen, on the filters' fold: a phone shows it folded.
      const chosen = FACETS.reduce((sum, facet) => sum + state[facet].size, 0);
      form.querySelector("[data-em-chosen]").textContent = chosen ? ` (${chosen} chosen)` : "";
      const engine = await engineFor(root);
      // Searches count facet values once the facets file is loaded (the header box never needs it): load it.
      facetsLoaded = facetsLoaded || engine.filters();
      await facetsLoaded;
      const search = await engine.search(state.q || null, searchOptions(state));
      // A facet whose values combine with OR is counted without its own choice, so that its other values
      // say how many stories they would add.
      const counts = { ...search.filters };
      await Promise.all(FACETS.filter((facet) => ANY_OF.has(facet) && state[facet].size).map(async (facet) => {
        const without = await engine.search(state.q || null, searchOptions(state, facet));
        counts[facet] = without.filters[facet] || {};
      }));
      if (number !== asked) return;
      results = search.results;
      shown = 0;
      list.replaceChildren();
      showCounts(counts);
      await showMore();
      if (number !== asked) return;
      // Last, once the view is complete: the status line is what screen readers announce (and tests await).
      const total = results.length;
      status.textContent = total === 0 ? "No story matches."
        : `${total} ${total === 1 ? "story" : "stories"}${state.q ? ` for “${state.q}”` : ""}`;
    }

    function update(replace) {
      const address = `${location.pathname}${stateQuery(state)}${location.hash}`;
      if (replace) history.replaceState(null, "", address);
      else history.pushState(null, "", address);
      run().catch(failed);
    }

    function failed(error) {
      // The form is hidden: say so above the pages that list every story, with the words that were asked for.
      const title = root.querySelector("[data-em-notice-title]");
      title.textContent = state.q ? `Your search for “${state.q}” could not be run`
        : "Search is not available right now";
      title.parentElement.replaceChildren(title, ": the search index did not load. Try again later.");
      root.querySelector("[data-em-pages]").hidden = false;
      form.hidden = true;
      console.error(error);
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearTimeout(timer);
      state.q = input.value.trim();
      update(false);
    });
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        state.q = input.value.trim();
        update(true);
      }, 200);
    });
    form.addEventListener("change", (event) => {
      const box = event.target;
      if (!box.matches(".em-facet input[type=checkbox]")) return;
      if (box.checked) state[box.name].add(box.value);
      else state[box.name].delete(box.value);
      update(false);
    });
    form.querySelector("[data-em-clear]").addEventListener("click", () => {
      state = readState(new URLSearchParams());
      showState();
      update(false);
    });
    more.addEventListener("click", () => showMore().catch(failed));
    window.addEventListener("popstate", () => {
      state = readState(new URLSearchParams(location.search));
      showState();
      run().catch(failed);
    });

    // On a phone the results come first and the filters are folded under them; beside them they stand open.
    const filters = form.querySelector("[data-em-filters]");
    const wide = window.matchMedia("(min-width: 45em)");
    filters.open = wide.matches;
    wide.addEventListener("change", () => { filters.open = wide.matches; });
    form.hidden = false;
    root.querySelector("[data-em-pages]").hidden = true;
    root.classList.add("em-browse--ready");
    showState();
    run().catch(failed);
  }

  function start() {
    for (const form of document.querySelectorAll("[data-em-search]")) searchBox(form);
    for (const root of document.querySelectorAll("[data-em-browse]")) browse(root);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

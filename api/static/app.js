// tracuu web page: plain JS, no build step. Document text is only ever set with textContent / text nodes.
"use strict";

const PAGE = 10;
// Very common syllables (folded) that would light up every passage if highlighted.
// Only syllables whose folded form is not also a common content word (mã, độ, tư, đề stay highlightable).
const STOP = new Set(["va", "cua", "la", "cac", "nhung", "cho", "voi", "trong", "nao", "gi", "duoc", "mot", "nay",
  "thi", "khi", "da", "se", "hay", "hoac"]);

const state = { mode: "search", offset: 0, query: "", features: { ask: true, quotes: true }, run: 0 };
const $ = (id) => document.getElementById(id);

/** Compare text without diacritics: NFD, strip combining marks, đ -> d, lowercase. */
function fold(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
}

function queryTerms(query) {
  return new Set((fold(query).match(/[\p{L}\p{N}]+/gu) || []).filter((t) => !STOP.has(t)));
}

/** Append `text` to `parent`, wrapping words whose folded form is a query term in <mark>. */
function appendHighlighted(parent, text, terms) {
  const words = /[\p{L}\p{N}]+/gu;
  let last = 0;
  for (const m of text.matchAll(words)) {
    if (!terms.has(fold(m[0]))) continue;
    if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
    const mark = document.createElement("mark");
    mark.textContent = m[0];
    parent.appendChild(mark);
    last = m.index + m[0].length;
  }
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// -- talking to the API ------------------------------------------------------------------------------------------
async function api(path, options = {}, retried = false) {
  const headers = Object.assign({ Accept: "application/json" }, options.headers || {});
  const token = sessionStorage.getItem("tracuu-token");
  if (token) headers.Authorization = "Bearer " + token;
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401 && !retried) {
    const given = window.prompt("Máy chủ yêu cầu mã truy cập (token):");
    if (given) {
      sessionStorage.setItem("tracuu-token", given.trim());
      return api(path, options, true);
    }
  }
  let body = null;
  try { body = await response.json(); } catch (_) { body = null; }
  if (!response.ok) {
    const message = body && body.error ? body.error : "Lỗi máy chủ (" + response.status + ")";
    const error = new Error(message);
    error.fix = body && body.fix;
    error.status = response.status;
    throw error;
  }
  return body;
}

function filterParams(params) {
  const type = $("doc-type").value, from = $("date-from").value, to = $("date-to").value;
  if (type) params.set("doc_type", type);
  if (from) params.set("date_from", from);
  if (to) params.set("date_to", to);
  return params;
}

// -- rendering ---------------------------------------------------------------------------------------------------
function citationLine(text, citation) {
  const where = citation && (citation.text || citation);
  return "“" + text.trim() + "”" + (where ? " (" + where + ")" : "");
}

function metaChips(doc) {
  const chips = el("ul", "chips");
  const meta = (doc && doc.metadata) || {};
  const parts = [meta.doc_type_name, meta.number ? "Số " + meta.number : "", meta.issuer, meta.date];
  for (const part of parts) if (part) chips.appendChild(el("li", "chip", part));
  return chips;
}

/** The label of a non-official passage (commentary, a web page's introduction): {official: false, note}. */
function noteLabel(item) {
  if (!item || item.official !== false) return null;
  return el("div", "note", item.note || "Không phải văn bản chính thức");
}

function copyButton(getText) {
  const wrap = el("div", "actions");
  const button = el("button", "copy", "Sao chép trích dẫn");
  button.type = "button";
  const done = el("span", "copied");
  done.setAttribute("role", "status");
  button.addEventListener("click", async () => {
    const ok = await copyText(getText());
    done.textContent = ok ? "Đã sao chép" : "Không sao chép được: hãy chọn và sao chép thủ công";
  });
  wrap.append(button, done);
  return wrap;
}

async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch (_) { /* fall back below: permission denied, unfocused page, old browser */ }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.left = "-9999px";
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand("copy"); } catch (_) { ok = false; }
  area.remove();
  return ok;
}

function renderHit(hit, terms) {
  const item = el("li", "result");
  item.dataset.passage = hit.passage.id;
  item.appendChild(el("div", "doc-title", hit.document.title || hit.document.id));
  item.appendChild(metaChips(hit.document));
  if (hit.passage.section_path) item.appendChild(el("div", "section", hit.passage.section_path));
  const note = noteLabel(hit);
  if (note) item.appendChild(note);
  const text = el("p", "text");
  appendHighlighted(text, hit.text, terms);
  item.appendChild(text);
  item.appendChild(el("div", "cite", hit.citation.text));
  // The same words indexed from other files (a resolution alone and in a compilation): one hit, every source.
  const copies = (hit.also_in || []).map((c) => c.document_id).join("; ");
  if (copies) item.appendChild(el("div", "also-in", "Cũng có trong: " + copies));
  item.appendChild(copyButton(() => citationLine(hit.text, hit.citation)));
  return item;
}

/** A DocumentHits.to_dict(): {rank, document, count, related, official, best: hits}: which texts say it. */
function renderGroup(group, terms, query) {
  const item = el("li", "result group");
  item.appendChild(el("div", "doc-title", group.document.title || group.document.id));
  item.appendChild(metaChips(group.document));
  const note = noteLabel(group);
  if (note) item.appendChild(note);
  item.appendChild(el("div", "group-count", group.count + " đoạn có đủ các từ “" + query + "” · " + group.related +
    " đoạn liên quan trong kết quả"));
  const list = el("ol", "group-hits");
  (group.best || []).forEach((h) => list.appendChild(renderHit(h, terms)));
  item.appendChild(list);
  return item;
}

/** A Quote.to_dict(): {quote, document, section, citation (the ready-to-paste line), speaker?}. */
function renderQuote(quote, terms) {
  const item = el("li", "result quote");
  const text = quote.clean || quote.quote || quote.text || "";  // clean: without the source's markup
  const where = typeof quote.citation === "string" ? quote.citation : (quote.citation || {}).text || "";
  const doc = quote.document || {};
  if (doc.title || doc.id) item.appendChild(el("div", "doc-title", doc.title || doc.id));
  item.appendChild(metaChips(doc));
  if (quote.section) item.appendChild(el("div", "section", quote.section));
  const note = noteLabel(quote);
  if (note) item.appendChild(note);
  const p = el("p", "text");
  appendHighlighted(p, "“" + text + "”", terms);
  item.appendChild(p);
  if (quote.speaker) item.appendChild(el("div", "section", "— " + quote.speaker));
  if (where) item.appendChild(el("div", "cite", where));
  item.appendChild(copyButton(() => citationLine(text, where)));
  return item;
}

/** An Answer.to_dict(): {answer or null with message, status, confidence, citations: quotes}. */
function renderAnswer(answer, terms) {
  const box = $("answer");
  box.replaceChildren();
  box.hidden = false;
  const low = answer.status === "low_confidence";
  box.appendChild(el("h2", null, low ? "Trả lời (độ tin cậy thấp)" : "Trả lời"));
  if (low) box.appendChild(el("div", "section", answer.message));
  const p = el("p", "text");
  if (answer.answer) appendHighlighted(p, answer.answer, terms);
  else p.textContent = answer.message || "Không tìm thấy thông tin đủ tin cậy.";
  box.appendChild(p);
  const citations = answer.citations || [];
  if (citations.length) {
    box.appendChild(el("div", "section", answer.answer ? "Căn cứ:" : "Các đoạn gần nhất:"));
  }
  citations.forEach((c) => $("results").appendChild(renderQuote(c, terms)));
}

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").classList.toggle("error", !!isError);
}

// -- actions -----------------------------------------------------------------------------------------------------
async function run(more) {
  const query = $("q").value.trim();
  if (!query) return;
  const ticket = ++state.run;  // a slower, older request must not overwrite a newer one's results
  const current = () => ticket === state.run;
  if (!more) {
    state.offset = 0;
    state.query = query;
    $("results").replaceChildren();
    $("answer").replaceChildren();
    $("answer").hidden = true;
  }
  $("more").hidden = true;
  const terms = queryTerms(state.query);
  setStatus("Đang tìm…");
  try {
    if (state.mode === "search" && $("by-document").checked) {
      const params = filterParams(new URLSearchParams({ q: state.query, k: PAGE }));
      const data = await api("/search/documents?" + params);
      if (!current()) return;
      data.documents.forEach((g) => $("results").appendChild(renderGroup(g, terms, state.query)));
      setStatus(data.documents.length ? "Các văn bản có nội dung này (" + data.documents.length + ")"
        : "Không tìm thấy văn bản nào phù hợp.");
    } else if (state.mode === "search") {
      const params = filterParams(new URLSearchParams({ q: state.query, k: PAGE, offset: state.offset }));
      const data = await api("/search?" + params);
      if (!current()) return;
      data.hits.forEach((h) => $("results").appendChild(renderHit(h, terms)));
      const shown = $("results").children.length;
      setStatus(shown ? "Các đoạn phù hợp nhất (" + shown + ")" : "Không tìm thấy đoạn nào phù hợp.");
      state.offset += data.hits.length;
      $("more").hidden = data.hits.length < PAGE || state.offset >= 900;
    } else if (state.mode === "ask") {
      const data = await api("/ask", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question: state.query, k: 5, include_commentary: $("commentary").checked }),
      });
      if (!current()) return;
      renderAnswer(data, terms);
      setStatus("");
    } else {
      const params = filterParams(new URLSearchParams({ topic: state.query, k: PAGE }));
      if ($("commentary").checked) params.set("include_commentary", "true");
      const data = await api("/quotes?" + params);
      if (!current()) return;
      data.quotes.forEach((q) => $("results").appendChild(renderQuote(q, terms)));
      setStatus(data.quotes.length ? "Câu trích dẫn (" + data.quotes.length + ")" : "Không có câu nào trong văn bản nói đúng chủ đề này; thử cách diễn đạt khác.");
    }
  } catch (error) {
    if (current()) setStatus(error.message + (error.fix ? " — " + error.fix : ""), true);
  }
}

function setMode(mode) {
  state.mode = mode;
  for (const tab of document.querySelectorAll(".mode")) {
    tab.setAttribute("aria-selected", String(tab.dataset.mode === mode));
  }
  $("go").textContent = { search: "Tìm", ask: "Hỏi", quotes: "Tìm câu" }[mode];
  $("by-document-box").hidden = mode !== "search";
  $("q").placeholder = {
    search: "Ví dụ: nghi quyet dai hoi ve chuyen doi so",
    ask: "Ví dụ: Ban Chỉ đạo phải làm gì?",
    quotes: "Chủ đề, ví dụ: chuyển đổi số",
  }[mode];
  if ($("q").value.trim()) run(false);
}

async function loadInfo() {
  try {
    const info = await api("/info");
    state.features = info.features || state.features;
    for (const type of info.doc_types || []) {
      const option = el("option", null, type);
      option.value = type;
      $("doc-type").appendChild(option);
    }
    $("index-info").textContent = info.documents + " văn bản, " + info.passages + " đoạn";
    for (const tab of document.querySelectorAll(".mode")) {
      const name = tab.dataset.mode;
      if (name !== "search" && state.features[name] === false) {
        tab.disabled = true;
        tab.title = "Máy chủ chưa hỗ trợ chế độ này";
      }
    }
  } catch (error) {
    setStatus(error.message, true);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("form").addEventListener("submit", (event) => { event.preventDefault(); run(false); });
  $("more").addEventListener("click", () => run(true));
  $("by-document").addEventListener("change", () => { if ($("q").value.trim()) run(false); });
  for (const tab of document.querySelectorAll(".mode")) {
    tab.addEventListener("click", () => setMode(tab.dataset.mode));
  }
  loadInfo();
});

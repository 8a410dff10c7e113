// Shared by the peer pages (issue 7): fetching the dataset's rows (not timed) and the
// bookkeeping of a job the harness polls for. The rows are those IdbStore wrote up to schema 7:
// events {id, subject, json}, views {key, kind, status?, unit?, assignee?, due?, search[], json}
// (one row per view with its state; since schema 8 ours keeps the state in a second store).
"use strict";
window.rowsCache = {};
window.fetchRows = async function (url) {
  if (!rowsCache[url]) {
    const r = await fetch(url);
    if (!r.ok) throw new Error(url + ": " + r.status);
    rowsCache[url] = await r.json();
  }
  return rowsCache[url];
};
// The same post-processing as IdbStore::query with a prefix: one row per view, in key order,
// each view's JSON parsed (our store decodes every row it returns).
window.finishRows = function (rows) {
  const unique = new Map();
  for (const r of rows) unique.set(r.key, r);
  const keys = Array.from(unique.keys()).sort();
  return keys.map((k) => JSON.parse(unique.get(k).json));
};
window.prefixBounds = function (kind, prefix) {
  const lower = kind + "|" + prefix.toLowerCase();
  return [lower, lower + "\uffff"];
};

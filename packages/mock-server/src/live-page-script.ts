/**
 * The live page's only script, inlined in the page (no build step, nothing from another origin).
 * It polls `GET /_mock/state.json` every 500 ms and writes what it reads with `textContent`, never
 * as HTML: a path, a method or an account name cannot inject markup.
 *
 * `<html data-polls>` counts the answers shown, so a test can wait for a poll that started after
 * its own calls ended.
 */
export const LIVE_PAGE_SCRIPT = `
'use strict';
const POLL_MS = 500;
const root = document.documentElement;
const statusLine = document.getElementById('status');
const windowRows = document.getElementById('window-rows');
const requestRows = document.getElementById('request-rows');
let polls = 0;

function valueAt(object, path) {
  let value = object;
  for (const key of path.split('.')) value = value == null ? undefined : value[key];
  return value === undefined ? 0 : value;
}

function row(cells, attributes) {
  const tr = document.createElement('tr');
  for (const [name, value] of Object.entries(attributes)) tr.setAttribute(name, String(value));
  for (const [name, text] of cells) {
    const td = document.createElement('td');
    td.className = name;
    td.textContent = String(text);
    tr.append(td);
  }
  return tr;
}

function clockTime(ms) {
  return new Date(ms).toISOString().slice(11, 23);
}

function showWindows(windows) {
  if (windows.length === 0) {
    windowRows.replaceChildren(row([['off', 'rate limiting is off']], {}));
    return;
  }
  windowRows.replaceChildren(
    ...windows.map((w) => {
      const reset = w.used === 0 ? 'full' : 'in ' + w.resetSeconds + ' s';
      const tr = row(
        [
          ['account', w.accountName],
          ['level', w.level + ' (' + w.mode + ')'],
          ['used', w.used],
          ['limit', w.limit],
          ['remaining', w.remaining],
          ['reset', reset],
        ],
        { 'data-account': w.accountName, 'data-level': w.level },
      );
      const bar = document.createElement('meter');
      bar.min = 0;
      bar.max = w.limit;
      bar.value = w.used;
      const cell = document.createElement('td');
      cell.append(bar);
      tr.append(cell);
      return tr;
    }),
  );
}

function showRequests(requests) {
  requestRows.replaceChildren(
    ...requests.map((r) =>
      row(
        [
          ['time', clockTime(r.at)],
          ['method', r.method],
          ['path', r.path],
          ['status', r.status === 0 ? 'no answer' : r.status],
          ['authorization', r.authorization === undefined ? '—' : r.authorization],
        ],
        { 'data-status': r.status },
      ),
    ),
  );
}

async function poll() {
  try {
    const response = await fetch('/_mock/state.json', { cache: 'no-store' });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    const state = await response.json();
    for (const cell of document.querySelectorAll('[data-key]')) {
      cell.textContent = String(valueAt(state, cell.dataset.key));
    }
    showWindows(state.windows);
    showRequests(state.requests);
    polls += 1;
    root.dataset.polls = String(polls);
    statusLine.textContent = 'Live · mock clock ' + new Date(state.now).toISOString();
    statusLine.className = 'ok';
  } catch (error) {
    statusLine.textContent = 'Not reachable (' + error.message + '), retrying';
    statusLine.className = 'down';
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
`;

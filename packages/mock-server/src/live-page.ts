import { createHash } from 'node:crypto';
import { LIVE_PAGE_SCRIPT } from './live-page-script.ts';

/** A number on the page: `key` is its path in `GET /_mock/state.json` (e.g. `counters.token.total`). */
interface Tile {
  title: string;
  /** What the big number counts. */
  caption: string;
  key: string;
  details: Array<[label: string, key: string]>;
}

const TILES: Tile[] = [
  {
    title: 'Password grants',
    caption: 'tokens issued',
    key: 'counters.token.password.ok',
    details: [
      ['rejected', 'counters.token.password.rejected'],
      ['blocked by policy', 'counters.token.password.blocked'],
      ['malformed', 'counters.token.password.invalid'],
    ],
  },
  {
    title: 'Refreshes',
    caption: 'tokens issued',
    key: 'counters.token.refresh.ok',
    details: [
      ['rejected', 'counters.token.refresh.rejected'],
      ['blocked by policy', 'counters.token.refresh.blocked'],
      ['malformed', 'counters.token.refresh.invalid'],
    ],
  },
  {
    title: 'Reused refresh tokens',
    caption: 'sent a second time',
    key: 'counters.token.refreshReused',
    details: [['sessions ended', 'counters.token.sessionsEnded']],
  },
  {
    title: 'Revokes',
    caption: 'sessions revoked',
    key: 'counters.revoke.ok',
    details: [
      ['rejected', 'counters.revoke.rejected'],
      ['all revoke calls', 'counters.revoke.total'],
    ],
  },
  {
    title: '429s',
    caption: 'calls refused by the rate limit',
    key: 'summary.rateLimited',
    details: [
      ['token calls', 'counters.token.rateLimited'],
      ['revokes', 'counters.revoke.rateLimited'],
      ['resources', 'counters.resources.byStatus.429'],
    ],
  },
  {
    title: 'Lockouts',
    caption: 'logins locked',
    key: 'counters.token.lockouts',
    details: [['answered "locked"', 'counters.token.lockedOut']],
  },
  {
    title: 'Resource calls',
    caption: 'answered',
    key: 'counters.resources.total',
    details: [
      ['with a dead token', 'counters.resources.deadToken'],
      ['all token calls', 'counters.token.total'],
      ['injected faults', 'summary.faulted'],
    ],
  },
];

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d232a; background: #f6f7f9; }
h1 { font-size: 1.3rem; margin: 0; } h2 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
#status.ok { color: #1b7f3b; } #status.down { color: #b3261e; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: .75rem; }
.tile { background: #fff; border: 1px solid #d8dde3; border-radius: 6px; padding: .6rem .8rem; }
.tile h3 { font-size: .85rem; margin: 0; color: #4a5561; }
.tile .big { font-size: 1.8rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.tile dl { display: grid; grid-template-columns: 1fr auto; margin: .3rem 0 0; font-size: .8rem; }
.tile dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; background: #fff; width: 100%; font-size: .85rem; }
th, td { border-bottom: 1px solid #e3e7eb; padding: .25rem .5rem; text-align: left; }
td.path, td.authorization { font-family: ui-monospace, monospace; word-break: break-all; }
tr[data-status^="4"] td.status, tr[data-status^="5"] td.status { color: #b3261e; font-weight: 600; }
meter { width: 6rem; vertical-align: middle; }
`;

function tileHtml(tile: Tile): string {
  const details = tile.details.map(([label, key]) => `<dt>${label}</dt><dd data-key="${key}">–</dd>`);
  return `<section class="tile"><h3>${tile.title}</h3><div class="big" data-key="${tile.key}">–</div>
<small>${tile.caption}</small><dl>${details.join('')}</dl></section>`;
}

/** The page: static HTML; every value on it comes from the script, written as text. */
export const LIVE_PAGE_HTML = `<!doctype html>
<html lang="en" data-polls="0">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zenoti-mock · live</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header><h1>zenoti-mock · live</h1><p id="status">Connecting…</p></header>
<h2>Rate-limit windows</h2>
<table><thead><tr><th>organisation</th><th>level</th><th>used</th><th>limit</th><th>remaining</th><th>full again</th><th></th></tr></thead>
<tbody id="window-rows"></tbody></table>
<h2>Counters</h2>
<div class="tiles">
${TILES.map(tileHtml).join('\n')}
</div>
<h2>Last 50 requests <small>(newest first; authorization redacted, no query strings, no bodies)</small></h2>
<table><thead><tr><th>time (mock clock, UTC)</th><th>method</th><th>path</th><th>status</th><th>authorization</th></tr></thead>
<tbody id="request-rows"></tbody></table>
<script>${LIVE_PAGE_SCRIPT}</script>
</body>
</html>
`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * Headers of the page. The content security policy allows only the page's own inline script and
 * style (by hash) and fetches from its own origin: nothing loads from anywhere else.
 */
export const LIVE_PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': [
    "default-src 'none'",
    `script-src ${sha256(LIVE_PAGE_SCRIPT)}`,
    `style-src ${sha256(STYLE)}`,
    "connect-src 'self'",
    // The empty `data:` icon keeps the browser from asking the mock for /favicon.ico.
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

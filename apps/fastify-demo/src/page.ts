/** The demo page. It talks only to this server: /api/zenoti/* (proxy), /auth/*, /me. */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zenoti-auth · Fastify demo</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
  section { border: 1px solid #d0d7de; border-radius: 8px; padding: 0 1rem 1rem; margin-top: 1rem; }
  label { display: block; margin: .5rem 0; } input { font: inherit; padding: .3rem; width: 16rem; }
  button { font: inherit; padding: .3rem .9rem; margin-right: .5rem; }
  #status { color: #57606a; min-height: 1.5em; } .hidden { display: none; }
</style>
</head>
<body>
<h1>zenoti-auth · Fastify demo</h1>
<p>The browser never sees a Zenoti credential: the server adds them.</p>

<section>
  <h2>Centres <small>(through the proxy, with the server's API key)</small></h2>
  <ul id="centres"><li>Loading…</li></ul>
</section>

<section>
  <h2>Guest</h2>
  <p id="status"></p>
  <form id="sign-in" method="post" action="/auth/login">
    <label>User name <input name="username" autocomplete="username" required></label>
    <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit">Sign in</button>
  </form>
  <div id="signed-in" class="hidden">
    <button id="profile-button" type="button">My profile</button>
    <button id="sign-out" type="button">Sign out</button>
    <dl id="profile"></dl>
  </div>
</section>
<script src="/app.js"></script>
</body>
</html>
`;

/** The page's script: plain DOM, textContent only (nothing from Zenoti is parsed as HTML). */
export const SCRIPT = `'use strict';
const $ = (id) => document.getElementById(id);
const say = (text) => { $('status').textContent = text; };

function signedIn(yes) {
  $('sign-in').classList.toggle('hidden', yes);
  $('signed-in').classList.toggle('hidden', !yes);
  if (!yes) $('profile').replaceChildren();
}

async function loadCentres() {
  const res = await fetch('/api/zenoti/v1/centers?size=10');
  const list = $('centres');
  if (!res.ok) { list.replaceChildren(item('Could not load centres (' + res.status + ').')); return; }
  const { centers } = await res.json();
  list.replaceChildren(...centers.map((c) => item(c.name + (c.address_info && c.address_info.city ? ' — ' + c.address_info.city : ''))));
}

function item(text) { const li = document.createElement('li'); li.textContent = text; return li; }

async function errorOf(res) {
  try { return (await res.json()).error.message; } catch { return 'Error ' + res.status; }
}

async function loadProfile() {
  const res = await fetch('/me');
  if (res.status === 401) { signedIn(false); say('Please sign in.'); return; }
  if (!res.ok) { say(await errorOf(res)); return; }
  const me = await res.json();
  const rows = [['Name', me.firstName + ' ' + me.lastName], ['E-mail', me.email], ['Guest id', me.id]];
  $('profile').replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = v;
    return [dt, dd];
  }));
  say('Signed in as ' + me.firstName + '.');
}

$('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const res = await fetch('/auth/login', { method: 'POST', body: new URLSearchParams(new FormData(form)) });
  form.reset();
  if (!res.ok) { say(await errorOf(res)); return; }
  const { userType } = await res.json();
  signedIn(true);
  say('Signed in (' + userType + ').');
});

$('profile-button').addEventListener('click', () => { loadProfile(); });

$('sign-out').addEventListener('click', async () => {
  const res = await fetch('/auth/logout', { method: 'POST' });
  signedIn(false);
  if (!res.ok) { say(await errorOf(res)); return; }
  const { revoked } = await res.json();
  say(revoked ? 'Signed out; Zenoti revoked the session.' : 'Signed out.');
});

loadCentres();
// Already signed in (a session cookie from earlier)? Every body is read, so no response is left open.
fetch('/me').then(async (res) => {
  const body = await res.json();
  if (res.ok) { signedIn(true); say('Signed in as ' + body.firstName + '.'); }
});
`;

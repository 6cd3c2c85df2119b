/** The demo page. It talks only to this server: /api/zenoti/* (proxy), /auth/*, /me. */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zenoti-auth · Express demo</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
  section { border: 1px solid #d0d7de; border-radius: 8px; padding: 0 1rem 1rem; margin-top: 1rem; }
  label { display: block; margin: .5rem 0; } .hidden { display: none; }
</style>
</head>
<body>
<h1>zenoti-auth · Express demo</h1>
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
const item = (text) => { const li = document.createElement('li'); li.textContent = text; return li; };
const errorOf = async (res) => { try { return (await res.json()).error.message; } catch { return 'Error ' + res.status; } };

function signedIn(yes) {
  $('sign-in').classList.toggle('hidden', yes);
  $('signed-in').classList.toggle('hidden', !yes);
  if (!yes) $('profile').replaceChildren();
}

async function loadCentres() {
  const res = await fetch('/api/zenoti/v1/centers?size=10');
  if (!res.ok) { $('centres').replaceChildren(item('Could not load centres (' + res.status + ').')); return; }
  $('centres').replaceChildren(...(await res.json()).centers.map((c) => item(c.name)));
}

async function loadProfile() {
  const res = await fetch('/me');
  if (res.status === 401) { signedIn(false); say('Please sign in.'); return; }
  if (!res.ok) { say(await errorOf(res)); return; }
  const me = await res.json();
  $('profile').replaceChildren(...[['Name', me.firstName + ' ' + me.lastName], ['E-mail', me.email]].flatMap(([k, v]) => {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = v;
    return [dt, dd];
  }));
}

$('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const res = await fetch('/auth/login', { method: 'POST', body: new URLSearchParams(new FormData(form)) });
  form.reset();
  if (!res.ok) { say(await errorOf(res)); return; }
  signedIn(true);
  say('Signed in.');
});
$('profile-button').addEventListener('click', () => { loadProfile(); });
$('sign-out').addEventListener('click', async () => {
  const res = await fetch('/auth/logout', { method: 'POST' });
  signedIn(false);
  say(res.ok ? 'Signed out.' : await errorOf(res));
});
loadCentres();
`;

// The console's shell: hash routing between pages, the connection indicator and the token dialog.
import {fill, h, number} from './dom.js';
import {setToken, token} from './api.js';
import * as overview from './overview.js';
import * as streams from './streams.js';
import * as projections from './projections.js';
import * as cdc from './cdc.js';
import * as processors from './processors.js';
import * as aggregates from './aggregates.js';

// Each page exports mount(root, params) and returns a function that stops its timers and streams.
const routes = [
  [/^#?\/?$/, 'overview', overview.mount],
  [/^#\/streams\/?$/, 'streams', streams.mountList],
  [/^#\/streams\/(.+)$/, 'streams', streams.mountStream],
  [/^#\/projections\/?$/, 'projections', projections.mount],
  [/^#\/cdc\/?$/, 'cdc', cdc.mount],
  [/^#\/processors\/?$/, 'processors', processors.mount],
  [/^#\/aggregates\/?$/, 'aggregates', aggregates.mountList],
  [/^#\/aggregates\/([^/]+)\/(.+)$/, 'aggregates', aggregates.mountInstance],
];

const main = document.getElementById('main');
let unmount = () => {};

function route() {
  unmount();
  unmount = () => {};
  const hash = (location.hash || '#/').split('?')[0];
  for (const [pattern, page, mount] of routes) {
    const match = hash.match(pattern);
    if (match) {
      for (const link of document.querySelectorAll('#nav a')) {
        link.classList.toggle('active', link.dataset.page === page);
      }
      fill(main);
      const params = match.slice(1).map(decodeURIComponent);
      unmount = mount(main, ...params) || (() => {});
      return;
    }
  }
  fill(main, h('section', {class: 'empty'}, h('h3', {}, 'No such page'), h('p', {}, h('a', {href: '#/'}, 'Back to the overview'))));
}

// ---- connection: /health needs no token, so it also works before one is given ----
const connection = document.getElementById('connection');
async function health() {
  try {
    const response = await fetch('/health', {cache: 'no-store'});
    const body = await response.json();
    connection.dataset.state = 'up';
    connection.textContent = 'connected · head ' + number(body.headPosition);
  } catch (e) {
    connection.dataset.state = 'down';
    connection.textContent = 'server unreachable';
  }
}

// ---- token ----
const dialog = document.getElementById('token-dialog');
const input = document.getElementById('token-input');
const reason = document.getElementById('token-reason');

function askForToken(message) {
  if (dialog.open) return;
  reason.textContent = message;
  input.value = token();
  dialog.showModal();
  input.focus();
}

document.getElementById('token-form').addEventListener('submit', () => {
  setToken(input.value.trim());
  route();
});
document.getElementById('token-clear').addEventListener('click', () => {
  setToken('');
  input.value = '';
  dialog.close();
  route();
});
document.getElementById('token-button').addEventListener('click', () =>
  askForToken('The bearer token this server was started with (--auth-token); leave empty if it has none.'));
window.addEventListener('tributary:unauthorized', () =>
  askForToken(token() ? 'The server did not accept this token. Enter the right one.'
    : 'This server requires a bearer token (it was started with --auth-token). Enter it to continue.'));

window.addEventListener('hashchange', route);
health();
setInterval(health, 3000);
route();

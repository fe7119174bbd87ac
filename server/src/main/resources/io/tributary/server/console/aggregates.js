// Event-sourced aggregates (GET /aggregates): pick an instance, read its audit trail as a timeline
// (each event with the state right after it) and travel in time — a slider over its versions, or an
// instant — to see the state as it was then. The state shown is the server's own time-travel load
// (GET /aggregates/{name}/{id}?version=|asOf=), not recomputed here.
import {emptyState, errorBox, fill, h, pretty, time} from './dom.js';
import {get, segment, subscribe} from './api.js';

const RECENT = 200;
const SHOWN = 24;

/** #/aggregates — the served aggregates, each with its recently changed instances and an id box. */
export function mountList(root) {
  const body = h('div', {id: 'aggregates'});
  const problem = h('div');
  fill(root,
    h('h1', {}, 'Aggregates'),
    h('p', {class: 'muted'}, 'Event-sourced state: every change is an event, so the full history of an instance is kept — '
      + 'open one to see its audit trail and what it looked like at any version or moment.'),
    problem, body);
  const panels = new Map();

  async function poll() {
    try {
      const list = await get('/aggregates');
      fill(problem);
      if (list.length === 0) {
        panels.clear();
        fill(body, emptyState('No aggregates on this server',
          'An aggregate is state built by replaying its events through a decider (an order, a bank account).',
          'Aggregates are registered with the server through its Java API: server.serve(ServedAggregate.of("orders", "order", '
          + 'repository, codec)). They then appear here with their audit trail and time travel.'));
        return;
      }
      for (const a of list) {
        let panel = panels.get(a.name);
        if (!panel) {
          panel = aggregatePanel(a);
          panels.set(a.name, panel);
          body.append(panel.element);
        }
        await panel.refresh();
      }
    } catch (e) {
      fill(problem, errorBox(e));
    }
  }
  poll();
  const timer = setInterval(poll, 3000);
  return () => clearInterval(timer);
}

function aggregatePanel(a) {
  const recent = h('ul', {class: 'instances', 'data-role': 'instances'});
  const id = h('input', {type: 'search', placeholder: 'id', 'data-role': 'id'});
  const element = h('section', {class: 'panel', 'data-aggregate': a.name},
    h('h2', {}, a.name, h('span', {class: 'muted small'}, 'streams ' + a.category + '-<id>')),
    h('p', {class: 'muted small'}, 'Events: ' + a.eventTypes.join(', ')),
    h('h3', {}, 'Recently changed'), recent,
    h('form', {class: 'lookup', onsubmit: e => {
      e.preventDefault();
      if (id.value.trim()) location.hash = '#/aggregates/' + segment(a.name) + '/' + segment(id.value.trim());
    }}, h('label', {}, 'Open an instance by id: ', id), h('button', {type: 'submit', class: 'quiet'}, 'Open')));
  return {
    element,
    async refresh() {
      const page = await get('/all?direction=backward&limit=' + RECENT + '&category=' + segment(a.category));
      const ids = [];
      for (const e of page.events) {
        const instance = e.stream.slice(a.category.length + 1);
        if (!ids.includes(instance)) ids.push(instance);
        if (ids.length === SHOWN) break;
      }
      if (ids.length === 0) {
        fill(recent, h('li', {class: 'muted'}, 'No instance yet.'));
        return;
      }
      fill(recent, ids.map(i => h('li', {}, h('a', {href: '#/aggregates/' + segment(a.name) + '/' + segment(i),
        'data-instance': i}, i))));
    },
  };
}

/** #/aggregates/{name}/{id} — the audit trail as a timeline, and time travel by version or instant. */
export function mountInstance(root, name, id) {
  const base = '/aggregates/' + segment(name) + '/' + segment(id);
  const problem = h('div');
  const timeline = h('ol', {class: 'timeline', 'data-role': 'timeline'});
  const slider = h('input', {type: 'range', min: 0, max: 0, step: 1, value: 0, 'data-role': 'version-slider',
    'aria-label': 'version'});
  const sliderLabel = h('span', {class: 'mono', 'data-role': 'version-label'});
  const asOf = h('input', {type: 'text', class: 'mono', size: 26, placeholder: '2026-11-28T10:15:30.123Z', 'data-role': 'as-of'});
  const caption = h('p', {class: 'small', 'data-role': 'state-caption'});
  const state = h('pre', {class: 'json', 'data-role': 'state'});
  const event = h('pre', {class: 'json', 'data-role': 'event'});
  const live = h('span', {class: 'badge', 'data-state': 'reconnecting'}, 'connecting');
  fill(root,
    h('p', {class: 'crumbs'}, h('a', {href: '#/aggregates'}, 'Aggregates'), ' / ', name),
    h('h1', {class: 'stream-name'}, id),
    problem,
    h('div', {class: 'split'},
      h('section', {class: 'panel'}, h('h2', {}, 'Audit trail', live),
        h('p', {class: 'muted small'}, 'Every event of this instance, oldest first, with the state right after it. Click one to see it.'),
        timeline),
      h('section', {class: 'panel'}, h('h2', {}, 'Time travel'),
        h('label', {class: 'travel'}, 'Version ', slider, ' ', sliderLabel),
        h('form', {class: 'lookup', onsubmit: e => {
          e.preventDefault();
          showAsOf(asOf.value.trim());
        }}, h('label', {}, 'As of ', asOf), h('button', {type: 'submit', class: 'quiet', 'data-action': 'as-of'}, 'Show')),
        caption, state,
        h('h3', {}, 'The event'), event)));

  let entries = [];
  let following = true;   // the slider stays on the newest version until the user moves it
  let request = 0;

  async function loadTrail() {
    try {
      const trail = await get(base + '/audit?limit=10000');
      entries = trail.entries;
      fill(problem);
      drawTimeline();
      slider.max = String(Math.max(0, trail.lastVersion));
      if (following) {
        slider.value = slider.max;
        await showVersion(Number(slider.value));
      }
      return trail.stream;
    } catch (e) {
      fill(problem, errorBox(e));
      return null;
    }
  }

  function drawTimeline() {
    fill(timeline, entries.map(e => h('li', {'data-version': e.version, onclick: () => pick(e.version)},
      h('span', {class: 'pos'}, 'v' + e.version),
      h('span', {class: 'type'}, e.type),
      h('time', {datetime: e.timestamp, title: e.timestamp}, time(e.timestamp)),
      h('span', {class: 'preview'}, summary(e.stateType, e.state)))));
    mark(Number(slider.value));
  }

  function mark(version) {
    for (const li of timeline.children) {
      const v = Number(li.dataset.version);
      li.classList.toggle('selected', v === version);
      li.classList.toggle('future', v > version);
    }
  }

  function pick(version) {
    following = version === entries.length - 1;
    slider.value = String(version);
    showVersion(version);
  }

  async function showVersion(version) {
    mark(version);
    const entry = entries.find(e => e.version === version);
    sliderLabel.textContent = 'v' + version + ' of ' + slider.max;
    if (entry) asOf.value = entry.timestamp;
    await show(base + '?version=' + version, s =>
      `State at version ${s.version}` + (entry ? `, after ${entry.type} at ${entry.timestamp}` : ''), entry);
  }

  async function showAsOf(instant) {
    if (!instant) return;
    following = false;
    await show(base + '?asOf=' + segment(instant), s => {
      slider.value = String(Math.max(0, s.version));
      sliderLabel.textContent = 'v' + s.version + ' of ' + slider.max;
      mark(s.version);
      return s.version < 0 ? `As of ${s.asOf} there was no event yet`
        : `State as of ${s.asOf}: version ${s.version}`;
    }, null);
  }

  async function show(path, describe, entry) {
    const mine = ++request;
    try {
      const s = await get(path);
      if (mine !== request) return;   // a newer request is on its way
      caption.textContent = describe(s);
      caption.dataset.version = s.version;
      state.textContent = pretty(s.state);
      const shown = entry || entries.find(e => e.version === s.version);
      event.textContent = shown ? pretty({type: shown.type, timestamp: shown.timestamp, event: shown.event}) : '–';
    } catch (e) {
      if (mine !== request) return;
      caption.textContent = e.message;
      state.textContent = '';
    }
  }

  slider.addEventListener('input', () => {
    following = Number(slider.value) === Number(slider.max);
    showVersion(Number(slider.value));
  });

  // New events of this instance extend the trail as they happen; the stream is named by the first answer.
  let reloadTimer = null;
  let subscription = null;
  function follow(stream) {
    subscription = subscribe('/subscribe/streams/' + segment(stream),
      () => {
        if (!reloadTimer) reloadTimer = setTimeout(() => { reloadTimer = null; loadTrail(); }, 200);
      },
      (s, detail) => {
        live.dataset.state = s;
        live.textContent = s;
        if (detail) live.title = detail;
      });
  }
  let unmounted = false;
  loadTrail().then(stream => {
    if (stream && !unmounted) follow(stream);
  });
  return () => {
    unmounted = true;
    if (subscription) subscription.close();
    clearTimeout(reloadTimer);
  };
}

/** A one-line summary of a state: its type and a few of its fields. */
function summary(type, value) {
  if (value === null || typeof value !== 'object') return type + ' ' + JSON.stringify(value);
  const fields = Object.entries(value).filter(([, v]) => v === null || typeof v !== 'object')
    .slice(0, 4).map(([k, v]) => k + ' ' + v);
  return type + (fields.length ? ' · ' + fields.join(' · ') : '');
}

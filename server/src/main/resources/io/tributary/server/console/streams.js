// Streams and categories: browse the log, open an event, and watch events arrive (live tail).
import {emptyState, errorBox, fill, h, number, pretty, time} from './dom.js';
import {ApiError, get, segment, subscribe} from './api.js';

const LIST_LIMIT = 1000;
const PAGE = 50;
const TAIL_SIZE = 200;

const categoryOf = name => (name.indexOf('-') < 0 ? name : name.slice(0, name.indexOf('-')));

/** #/streams — categories, stream list, and a live tail of the selected category (or of everything). */
export function mountList(root) {
  let category = new URLSearchParams(location.hash.split('?')[1] || '').get('category') || '';
  const categories = h('div', {class: 'chips', id: 'categories'});
  const prefix = h('input', {type: 'search', placeholder: 'Filter by name prefix', id: 'stream-prefix'});
  const table = h('tbody', {id: 'stream-rows'});
  const more = h('p', {class: 'muted small'});
  const problem = h('div');
  // A stream the list does not know yet shows up as soon as the tail sees its first event.
  let reloadTimer = null;
  const tail = tailPanel(event => {
    if (!reloadTimer && !all.some(s => s.stream === event.stream)) {
      reloadTimer = setTimeout(() => { reloadTimer = null; load(); }, 300);
    }
  });
  fill(root,
    h('h1', {}, 'Streams'),
    problem,
    h('section', {class: 'panel'}, h('h2', {}, 'Categories'),
      h('p', {class: 'muted small'}, 'A stream named category-id (account-42) belongs to its category (account).'),
      categories),
    h('div', {class: 'split'},
      h('section', {class: 'panel'}, h('h2', {}, 'Streams'),
        h('p', {class: 'muted small'}, 'Most recently written first.'), prefix,
        h('table', {class: 'grid'}, h('thead', {}, h('tr', {}, h('th', {}, 'Stream'), h('th', {class: 'num'}, 'Events'),
          h('th', {class: 'num'}, 'Last position'))), table),
        more),
      tail.element));

  let all = [];
  async function load() {
    try {
      const page = await get('/streams?limit=' + LIST_LIMIT);
      all = page.streams;
      fill(problem);
      more.textContent = page.next ? `Showing the first ${LIST_LIMIT} streams; filter by prefix to find others.` : '';
      drawCategories();
      drawStreams();
    } catch (e) {
      fill(problem, errorBox(e));
    }
  }

  function drawCategories() {
    const counts = new Map();
    for (const s of all) counts.set(categoryOf(s.stream), (counts.get(categoryOf(s.stream)) || 0) + 1);
    const chip = (name, label, count) => h('button', {type: 'button', class: 'chip' + (category === name ? ' active' : ''),
      'data-category': name, onclick: () => select(name)}, label, h('span', {class: 'count'}, number(count)));
    fill(categories, chip('', 'All', all.length), [...counts.keys()].sort().map(c => chip(c, c, counts.get(c))));
  }

  async function drawStreams() {
    let streams = all;
    const p = prefix.value.trim();
    if (p && all.length >= LIST_LIMIT) {
      streams = (await get('/streams?limit=' + LIST_LIMIT + '&prefix=' + encodeURIComponent(p))).streams;
    }
    streams = streams.filter(s => (!category || categoryOf(s.stream) === category) && s.stream.startsWith(p))
      .sort((a, b) => b.lastPosition - a.lastPosition);
    if (streams.length === 0) {
      fill(table, h('tr', {}, h('td', {colspan: 3, class: 'muted'},
        all.length === 0 ? 'The log is empty: append an event (POST /streams/{stream}) and it appears here.' : 'No stream matches.')));
      return;
    }
    fill(table, streams.map(s => h('tr', {'data-stream': s.stream},
      h('td', {}, h('a', {href: '#/streams/' + segment(s.stream)}, s.stream)),
      h('td', {class: 'num'}, number(s.lastVersion + 1)),
      h('td', {class: 'num'}, number(s.lastPosition)))));
  }

  function select(name) {
    category = name;
    drawCategories();
    drawStreams();
    tail.follow(name ? '/subscribe/all?category=' + encodeURIComponent(name) : '/subscribe/all',
      name ? `category ${name}` : 'all streams');
  }

  prefix.addEventListener('input', drawStreams);
  load();
  const timer = setInterval(load, 5000);
  tail.follow(category ? '/subscribe/all?category=' + encodeURIComponent(category) : '/subscribe/all',
    category ? `category ${category}` : 'all streams');
  return () => {
    clearInterval(timer);
    clearTimeout(reloadTimer);
    tail.close();
  };
}

/** #/streams/{name} — a stream's events, newest first, one event's detail, and its live tail. */
export function mountStream(root, name) {
  const rows = h('tbody', {id: 'event-rows'});
  const detail = h('section', {class: 'panel detail', id: 'event-detail'},
    h('h2', {}, 'Event'), h('p', {class: 'muted'}, 'Select an event to see its data and metadata.'));
  const olderButton = h('button', {type: 'button', class: 'quiet', id: 'older'}, 'Older events');
  const summary = h('p', {class: 'muted'});
  const liveState = h('span', {class: 'badge', id: 'tail-state'}, 'connecting');
  const problem = h('div');
  fill(root,
    h('p', {class: 'crumbs'}, h('a', {href: '#/streams'}, 'Streams'), ' / ', h('a', {href: '#/streams?category=' + encodeURIComponent(categoryOf(name))}, categoryOf(name))),
    h('h1', {class: 'stream-name'}, name),
    summary,
    problem,
    h('div', {class: 'split'},
      h('section', {class: 'panel'},
        h('h2', {}, 'Events ', liveState),
        h('p', {class: 'muted small'}, 'Newest first. New events appear at the top as they are appended.'),
        h('table', {class: 'grid clickable'}, h('thead', {}, h('tr', {},
          h('th', {class: 'num'}, 'Version'), h('th', {class: 'num'}, 'Position'), h('th', {}, 'Type'), h('th', {}, 'Time'))), rows),
        olderButton),
      detail));

  let next = null;
  let newest = -1;
  function row(event, fresh) {
    const tr = h('tr', {class: fresh ? 'fresh' : '', 'data-version': event.version, tabindex: 0,
      onclick: () => show(event, tr), onkeydown: e => { if (e.key === 'Enter') show(event, tr); }},
    h('td', {class: 'num'}, number(event.version)), h('td', {class: 'num'}, number(event.position)),
    h('td', {}, event.type), h('td', {}, h('time', {datetime: event.timestamp}, time(event.timestamp))));
    return tr;
  }

  function show(event, tr) {
    for (const selected of rows.querySelectorAll('tr.selected')) selected.classList.remove('selected');
    tr.classList.add('selected');
    fill(detail,
      h('h2', {}, event.type),
      h('dl', {class: 'facts'},
        h('dt', {}, 'Stream'), h('dd', {}, event.stream),
        h('dt', {}, 'Version'), h('dd', {}, number(event.version)),
        h('dt', {}, 'Position'), h('dd', {}, number(event.position)),
        h('dt', {}, 'Event id'), h('dd', {class: 'mono'}, event.eventId),
        h('dt', {}, 'Timestamp'), h('dd', {}, event.timestamp)),
      h('h3', {}, 'Data'), h('pre', {class: 'json', id: 'event-data'}, pretty(event.data)),
      h('h3', {}, 'Metadata'), h('pre', {class: 'json', id: 'event-metadata'}, pretty(event.metadata)));
  }

  async function loadPage(from) {
    try {
      const query = '?direction=backward&limit=' + PAGE + (from === null ? '' : '&from=' + from);
      const slice = await get('/streams/' + segment(name) + query);
      summary.textContent = `${number(slice.lastVersion + 1)} events · category ${categoryOf(name)}`;
      for (const event of slice.events) {
        rows.append(row(event, false));
        newest = Math.max(newest, event.version);
      }
      next = slice.next;
      olderButton.hidden = next === null;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        fill(problem, emptyState('No events yet', 'This stream has no events (or was deleted). Events appended to it appear here live.'));
        olderButton.hidden = true;
      } else {
        fill(problem, errorBox(e));
      }
    }
  }

  olderButton.addEventListener('click', () => loadPage(next));
  let subscription = null;
  loadPage(null).then(() => {
    subscription = subscribe('/subscribe/streams/' + segment(name) + '?from=' + (newest + 1), event => {
      if (event.version <= newest) return;
      newest = event.version;
      fill(problem);
      rows.prepend(row(event, true));
      summary.textContent = `${number(event.version + 1)} events · category ${categoryOf(name)}`;
    }, state => {
      liveState.textContent = state;
      liveState.dataset.state = state;
    });
  });
  return () => subscription && subscription.close();
}

/** A live tail: the events of a subscription as they arrive, newest on top. */
function tailPanel(onEvent = () => {}) {
  const list = h('ol', {class: 'feed', id: 'tail'});
  const what = h('span');
  const state = h('span', {class: 'badge', id: 'tail-state'}, 'connecting');
  const pause = h('button', {type: 'button', class: 'quiet', id: 'tail-pause'}, 'Pause');
  let paused = false;
  let subscription = null;
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
  });
  const element = h('section', {class: 'panel'},
    h('h2', {}, 'Live tail ', state, ' ', pause),
    h('p', {class: 'muted small'}, 'Events of ', what, ' as they are appended.'),
    list);
  return {
    element,
    follow(path, label) {
      if (subscription) subscription.close();
      fill(list);
      what.textContent = label;
      state.textContent = 'connecting';
      state.dataset.state = 'connecting';
      subscription = subscribe(path, event => {
        onEvent(event);
        if (paused) return;
        list.prepend(h('li', {class: 'fresh'},
          h('span', {class: 'pos'}, '#' + number(event.position)),
          h('a', {href: '#/streams/' + segment(event.stream)}, event.stream),
          h('span', {class: 'type'}, event.type),
          h('time', {}, time(event.timestamp)),
          h('code', {class: 'preview'}, JSON.stringify(event.data).slice(0, 120))));
        while (list.children.length > TAIL_SIZE) list.lastElementChild.remove();
      }, s => {
        state.textContent = s;
        state.dataset.state = s;
      });
    },
    close() {
      if (subscription) subscription.close();
    },
  };
}

// Overview: head position, append rate, storage, and the newest events as they arrive.
import {bytes, duration, errorBox, fill, h, number, time} from './dom.js';
import {get, segment, subscribe} from './api.js';
import {timeSeries} from './chart.js';

const FEED_SIZE = 15;

export function mount(root) {
  const cards = {
    head: card('Head position', 'the newest event in the log'),
    rate: card('Append rate', 'events per second, last second'),
    storage: card('Data directory', 'size of its files (log segments are preallocated)'),
    events: card('Events appended', 'since the server started'),
    subscriptions: card('Subscriptions', 'open SSE streams'),
    uptime: card('Uptime', ''),
  };
  const chart = timeSeries({title: 'Events appended per second', capacity: 120, unit: '/s',
    format: v => (v >= 100 ? Math.round(v) : v.toFixed(1)).toLocaleString('en-US')});
  const feed = h('ol', {class: 'feed', id: 'live-feed'});
  const feedState = h('span', {class: 'badge', id: 'feed-state'}, 'connecting');
  const problem = h('div');
  fill(root,
    h('h1', {}, 'Overview'),
    problem,
    h('div', {class: 'cards'}, Object.values(cards).map(c => c.element)),
    chart.element,
    h('section', {class: 'panel'},
      h('h2', {}, 'Live: newest events ', feedState),
      h('p', {class: 'muted small'}, 'Every event appended from now on, as it is written (Server-Sent Events on /subscribe/all).'),
      feed,
      h('p', {class: 'muted small feed-empty'}, 'Waiting for the next append…')));

  let previous = null;
  async function poll() {
    try {
      const stats = await get('/stats');
      fill(problem);
      const now = performance.now();
      cards.head.set(number(stats.headPosition));
      cards.storage.set(bytes(stats.storageBytes));
      cards.events.set(number(stats.eventsAppended));
      cards.subscriptions.set(number(stats.subscriptions));
      cards.uptime.set(duration(stats.uptimeMs));
      if (previous) {
        const rate = Math.max(0, (stats.eventsAppended - previous.stats.eventsAppended) / ((now - previous.at) / 1000));
        cards.rate.set((rate >= 100 ? Math.round(rate) : rate.toFixed(1)).toLocaleString('en-US') + ' /s');
        chart.push(rate);
      }
      previous = {stats, at: now};
    } catch (e) {
      fill(problem, errorBox(e));
    }
  }
  poll();
  const timer = setInterval(poll, 1000);

  const subscription = subscribe('/subscribe/all', event => {
    root.querySelector('.feed-empty')?.remove();
    feed.prepend(h('li', {class: 'fresh'},
      h('span', {class: 'pos'}, '#' + number(event.position)),
      h('a', {href: '#/streams/' + segment(event.stream)}, event.stream),
      h('span', {class: 'type'}, event.type),
      h('time', {}, time(event.timestamp))));
    while (feed.children.length > FEED_SIZE) feed.lastElementChild.remove();
  }, state => {
    feedState.textContent = state;
    feedState.dataset.state = state;
  });

  return () => {
    clearInterval(timer);
    subscription.close();
  };
}

function card(title, hint) {
  const value = h('div', {class: 'card-value'}, '–');
  const element = h('div', {class: 'card', 'data-card': title}, h('div', {class: 'card-title'}, title), value,
    hint ? h('div', {class: 'card-hint'}, hint) : null);
  return {element, set: text => { value.textContent = text; }};
}

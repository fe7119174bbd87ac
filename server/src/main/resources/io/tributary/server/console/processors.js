// Stream processors: throughput, watermark, late events and a state-store look-up (GET /processors).
import {emptyState, errorBox, fill, h, number, pretty} from './dom.js';
import {get, segment} from './api.js';

export function mount(root) {
  const body = h('div', {id: 'processors'});
  const lookup = h('div');
  fill(root, h('h1', {}, 'Stream processors'), body, lookup);
  let shown = '';
  async function poll() {
    try {
      const processors = await get('/processors');
      if (processors.length === 0) {
        fill(body, emptyState('No stream processors on this server',
          'A stream processor reads the log continuously and computes from it: filters, joins, aggregates over time windows '
          + '(sales per minute), alerts (many failed payments in a short window). Its results go back to the log or into state stores.',
          'This server runs no stream processor. A processor that runs in the server shows here with its throughput, '
          + 'watermark and late events, and its state stores can be looked up by key. How to write and run one: the README, '
          + 'sections Stream processing and Server.'));
        fill(lookup);
        shown = '';
        return;
      }
      fill(body, h('table', {class: 'grid'},
        h('thead', {}, h('tr', {}, h('th', {}, 'Processor'), h('th', {}, 'Status'), h('th', {class: 'num'}, 'Input position'),
          h('th', {}, 'Watermark'), h('th', {class: 'num'}, 'Late events'), h('th', {class: 'num'}, 'Events/s'))),
        h('tbody', {}, processors.map(p => h('tr', {'data-processor': p.name},
          h('td', {}, h('strong', {}, p.name)), h('td', {}, h('span', {class: 'badge', 'data-state': p.status}, p.status)),
          h('td', {class: 'num'}, number(p.inputPosition)), h('td', {}, String(p.watermark ?? '–')),
          h('td', {class: 'num'}, number(p.lateEvents)), h('td', {class: 'num'}, number(p.eventsPerSecond)))))));
      const names = processors.map(p => p.name).join(',');
      if (names !== shown) {
        shown = names;
        fill(lookup, stateForm(processors.map(p => p.name)));
      }
    } catch (e) {
      fill(body, errorBox(e));
    }
  }
  poll();
  const timer = setInterval(poll, 2000);
  return () => clearInterval(timer);
}

function stateForm(names) {
  const processor = h('select', {}, names.map(n => h('option', {value: n}, n)));
  const store = h('input', {type: 'text', placeholder: 'state store'});
  const key = h('input', {type: 'text', placeholder: 'key'});
  const result = h('pre', {class: 'json', hidden: true});
  return h('section', {class: 'panel'}, h('h2', {}, 'State look-up'),
    h('form', {class: 'lookup', onsubmit: async e => {
      e.preventDefault();
      result.hidden = false;
      try {
        result.textContent = pretty(await get('/processors/' + segment(processor.value) + '/state/'
          + segment(store.value.trim()) + '/' + segment(key.value.trim())));
      } catch (error) {
        result.textContent = error.message;
      }
    }}, processor, store, key, h('button', {type: 'submit', class: 'quiet'}, 'Look up')),
    result);
}

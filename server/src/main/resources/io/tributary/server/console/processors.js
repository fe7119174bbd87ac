// Stream processors: throughput (with a sparkline of its recent history), input position, lag,
// watermark, late events, and a state-store look-up (GET /processors, GET /processors/{name}/state/{store}/{key}).
import {emptyState, errorBox, fill, h, number, pretty, time} from './dom.js';
import {get, segment} from './api.js';
import {sparkline} from './chart.js';

const HISTORY = 60;

export function mount(root) {
  const body = h('div', {id: 'processors'});
  const lookup = h('div');
  fill(root, h('h1', {}, 'Stream processors'),
    h('p', {class: 'muted'}, 'Processors read the log continuously. The watermark is how far event time has progressed; '
      + 'windows close (and emit their final results) when it passes their end. Late events arrived after all their windows had closed.'),
    body, lookup);
  let shown = '';
  const history = new Map();
  const rows = new Map();
  let table = null;
  async function poll() {
    try {
      const processors = await get('/processors');
      if (processors.length === 0) {
        fill(body, emptyState('No stream processors on this server',
          'A stream processor reads the log continuously and computes from it: filters, joins, aggregates over time windows '
          + '(sales per minute), alerts (many failed payments in a short window). Its results go back to the log or into state stores.',
          'This server runs no stream processor. Processors are registered with the server through its Java API: start a '
          + 'StreamProcessor on server.store() and call server.serve(ServedProcessor.of(processor)). They then show here with '
          + 'their throughput, watermark and late events, and their state stores can be looked up by key.'));
        fill(lookup);
        shown = '';
        table = null;
        rows.clear();
        return;
      }
      if (!table) {
        table = h('tbody');
        fill(body, h('table', {class: 'grid'},
          h('thead', {}, h('tr', {}, h('th', {}, 'Processor'), h('th', {}, 'Status'), h('th', {class: 'num'}, 'Input position'),
            h('th', {class: 'num'}, 'Lag'), h('th', {}, 'Watermark'), h('th', {class: 'num'}, 'Late events'),
            h('th', {class: 'num'}, 'Events/s'), h('th', {}, 'Events/s, last minute'))),
          table));
      }
      for (const p of processors) {
        const values = history.get(p.name) || [];
        values.push(p.eventsPerSecond);
        if (values.length > HISTORY) values.shift();
        history.set(p.name, values);
        let row = rows.get(p.name);
        if (!row) {
          row = processorRow(p.name);
          rows.set(p.name, row);
          table.append(row.element);
        }
        row.update(p, values);
      }
      const signature = JSON.stringify(processors.map(p => [p.name, p.stores || []]));
      if (signature !== shown) {
        shown = signature;
        fill(lookup, stateForm(processors));
      }
    } catch (e) {
      table = null;
      rows.clear();
      fill(body, errorBox(e));
    }
  }
  poll();
  const timer = setInterval(poll, 1000);
  return () => clearInterval(timer);
}

// A table row whose cells are updated in place, so that the page does not flicker (or lose a selection).
function processorRow(name) {
  const cells = {
    error: h('div', {class: 'small error'}),
    status: h('td'),
    position: h('td', {class: 'num', 'data-field': 'inputPosition'}),
    lag: h('td', {class: 'num', 'data-field': 'lag'}),
    watermark: h('td', {'data-field': 'watermark'}),
    late: h('td', {class: 'num', 'data-field': 'lateEvents'}),
    rate: h('td', {class: 'num', 'data-field': 'eventsPerSecond'}),
    spark: h('td'),
  };
  const element = h('tr', {'data-processor': name}, h('td', {}, h('strong', {}, name), cells.error),
    cells.status, cells.position, cells.lag, cells.watermark, cells.late, cells.rate, cells.spark);
  function update(p, values) {
    fill(cells.error, p.error || '');
    cells.error.hidden = !p.error;
    fill(cells.status, h('span', {class: 'badge', 'data-state': p.status}, p.status));
    fill(cells.position, number(p.inputPosition));
    fill(cells.lag, number(p.lag ?? 0));
    fill(cells.watermark, p.watermark ? time(p.watermark) : '–');
    cells.watermark.title = p.watermark ?? '';
    fill(cells.late, number(p.lateEvents));
    fill(cells.rate, number(p.eventsPerSecond));
    fill(cells.spark, sparkline(values));
  }
  return {element, update};
}

function stateForm(processors) {
  const storesOf = new Map(processors.map(p => [p.name, p.stores || []]));
  const processor = h('select', {name: 'processor'}, processors.map(p => h('option', {value: p.name}, p.name)));
  const stores = h('datalist', {id: 'processor-stores'});
  const store = h('input', {type: 'text', name: 'store', placeholder: 'state store', list: 'processor-stores'});
  const key = h('input', {type: 'text', name: 'key', placeholder: 'key'});
  const result = h('pre', {class: 'json', id: 'processor-state', hidden: true});
  function showStores() {
    const names = storesOf.get(processor.value) || [];
    fill(stores, ...names.map(n => h('option', {value: n})));
    store.value = names.length === 1 ? names[0] : '';
  }
  processor.addEventListener('change', showStores);
  showStores();
  return h('section', {class: 'panel'}, h('h2', {}, 'State look-up'),
    h('p', {class: 'muted small'}, 'A key\'s entry in a state store: a table\'s value, or a windowed store\'s open windows.'),
    h('form', {class: 'lookup', onsubmit: async e => {
      e.preventDefault();
      result.hidden = false;
      try {
        result.textContent = pretty(await get('/processors/' + segment(processor.value) + '/state/'
          + segment(store.value.trim()) + '/' + segment(key.value.trim())));
      } catch (error) {
        result.textContent = error.message;
      }
    }}, processor, store, stores, key, h('button', {type: 'submit', class: 'quiet'}, 'Look up')),
    result);
}

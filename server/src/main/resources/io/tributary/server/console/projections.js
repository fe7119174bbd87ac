// Projections: status, lag (with a sparkline of its recent history), rate, errors, a rebuild
// button (POST /projections/{name}/reset) and a look-up of one read-model document by key.
import {duration, emptyState, errorBox, fill, h, number, pretty} from './dom.js';
import {get, post, segment} from './api.js';
import {sparkline} from './chart.js';

const HISTORY = 60;

export function mount(root) {
  const body = h('div', {id: 'projections'});
  const problem = h('div');
  fill(root,
    h('h1', {}, 'Projections'),
    h('p', {class: 'muted'}, 'Read models built from the log. Lag is how many log positions a projection still has to process; '
      + 'rebuild replays it from the start of the log.'),
    problem,
    body);

  const history = new Map();
  const rows = new Map();
  let table = null;

  async function poll() {
    try {
      const list = await get('/projections');
      fill(problem);
      if (list.length === 0) {
        table = null;
        rows.clear();
        fill(body, emptyState('No projections on this server',
          'A projection turns events into a read model (a document per order, a balance per account) and keeps it up to date.',
          'Projections are registered with the server through its Java API: start a ProjectionRunner on server.store() and call '
          + 'server.serve(ServedProjection.documents(runner, documents, "collection")). They then appear here with their lag and a rebuild button.'));
        return;
      }
      if (!table) {
        table = h('tbody');
        fill(body, h('table', {class: 'grid projections'},
          h('thead', {}, h('tr', {}, h('th', {}, 'Projection'), h('th', {}, 'Status'), h('th', {class: 'num'}, 'Position'),
            h('th', {class: 'num'}, 'Lag'), h('th', {}, 'Lag, last minute'), h('th', {class: 'num'}, 'Events/s'), h('th', {}, ''))),
          table));
      }
      for (const p of list) {
        const values = history.get(p.name) || [];
        values.push(p.lag);
        if (values.length > HISTORY) values.shift();
        history.set(p.name, values);
        let row = rows.get(p.name);
        if (!row) {
          row = projectionRow(p.name);
          rows.set(p.name, row);
          table.append(row.element, row.details);
        }
        row.update(p, values);
      }
    } catch (e) {
      fill(problem, errorBox(e));
    }
  }
  poll();
  const timer = setInterval(poll, 1000);
  return () => clearInterval(timer);
}

function projectionRow(name) {
  const cells = {
    status: h('td'),
    position: h('td', {class: 'num'}),
    lag: h('td', {class: 'num'}),
    spark: h('td'),
    rate: h('td', {class: 'num'}),
  };
  const message = h('span', {class: 'small'});
  const rebuild = h('button', {type: 'button', class: 'danger', 'data-action': 'rebuild'}, 'Rebuild');
  const confirm = h('span', {class: 'confirm', hidden: true},
    'Replay from the start? ',
    h('button', {type: 'button', class: 'danger', 'data-action': 'confirm-rebuild', onclick: reset}, 'Yes, rebuild'),
    h('button', {type: 'button', class: 'quiet', onclick: () => toggle(false)}, 'Cancel'));
  rebuild.addEventListener('click', () => toggle(true));
  function toggle(asking) {
    rebuild.hidden = asking;
    confirm.hidden = !asking;
  }
  async function reset() {
    toggle(false);
    rebuild.disabled = true;
    message.textContent = 'rebuilding…';
    try {
      await post('/projections/' + segment(name) + '/reset');
      message.textContent = 'rebuild started';
    } catch (e) {
      message.textContent = 'rebuild failed: ' + e.message;
    } finally {
      rebuild.disabled = false;
    }
  }

  const key = h('input', {type: 'search', placeholder: 'key', 'data-role': 'key'});
  const result = h('pre', {class: 'json', hidden: true, 'data-role': 'state'});
  const lookup = h('form', {class: 'lookup', onsubmit: async e => {
    e.preventDefault();
    result.hidden = false;
    try {
      result.textContent = pretty(await get('/projections/' + segment(name) + '/state/' + segment(key.value.trim())));
    } catch (error) {
      result.textContent = error.message;
    }
  }}, h('label', {}, 'Look up the state of a key: ', key), h('button', {type: 'submit', class: 'quiet'}, 'Look up'));
  const error = h('p', {class: 'error', hidden: true});

  const element = h('tr', {'data-projection': name},
    h('td', {}, h('strong', {}, name)), cells.status, cells.position, cells.lag, cells.spark, cells.rate,
    h('td', {class: 'actions'}, rebuild, confirm, ' ', message));
  const details = h('tr', {class: 'details'}, h('td', {colspan: 7}, error, lookup, result));

  return {
    element,
    details,
    update(p, lagHistory) {
      fill(cells.status, h('span', {class: 'badge', 'data-state': p.status}, p.status.replace('_', ' ')));
      cells.position.textContent = number(p.position);
      cells.lag.textContent = number(p.lag) + (p.lagMs ? ' · ' + duration(p.lagMs) : '');
      fill(cells.spark, sparkline(lagHistory));
      cells.rate.textContent = Number(p.eventsPerSecond).toLocaleString('en-US');
      error.hidden = !p.error;
      error.textContent = p.error ? 'Last error: ' + p.error : '';
    },
  };
}

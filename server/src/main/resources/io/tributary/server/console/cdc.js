// CDC sources: captured database changes (GET /cdc).
import {duration, emptyState, errorBox, fill, h, number} from './dom.js';
import {get} from './api.js';

export function mount(root) {
  const body = h('div', {id: 'cdc'});
  fill(root, h('h1', {}, 'CDC sources'), body);
  async function poll() {
    try {
      const sources = await get('/cdc');
      if (sources.length === 0) {
        fill(body, emptyState('No CDC sources on this server',
          'Change data capture (CDC) reads the changes of a PostgreSQL or MySQL database (inserts, updates, deletes, '
          + 'after an initial snapshot of the tables) and appends them to the log as events, so other systems can follow them.',
          'This server runs no CDC source. A source that runs in the server shows here with its snapshot progress, '
          + 'its position in the database\'s log and how far behind it is. How to set one up: the README, sections CDC and Server '
          + '(a source is configured with its database connection and the tables to capture).'));
        return;
      }
      fill(body, h('table', {class: 'grid'},
        h('thead', {}, h('tr', {}, h('th', {}, 'Source'), h('th', {}, 'Kind'), h('th', {}, 'Status'), h('th', {}, 'Snapshot'),
          h('th', {}, 'Source position'), h('th', {class: 'num'}, 'Lag'))),
        h('tbody', {}, sources.map(s => h('tr', {'data-source': s.name},
          h('td', {}, h('strong', {}, s.name)), h('td', {}, s.kind),
          h('td', {}, h('span', {class: 'badge', 'data-state': s.status}, s.status)),
          h('td', {}, snapshot(s.snapshot)),
          h('td', {class: 'mono'}, String(s.sourcePosition ?? '–')),
          h('td', {class: 'num'}, duration(s.lagMs)))))));
    } catch (e) {
      fill(body, errorBox(e));
    }
  }
  poll();
  const timer = setInterval(poll, 2000);
  return () => clearInterval(timer);
}

function snapshot(s) {
  if (!s) return '–';
  if (s.done) return 'done · ' + number(s.rowsDone) + ' rows';
  const tables = Array.isArray(s.tables) ? s.tables.join(', ') : String(s.tables ?? '');
  return h('span', {}, h('progress', {}), ' ', number(s.rowsDone) + ' rows so far', tables ? ' (' + tables + ')' : '');
}

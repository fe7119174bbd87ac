// A small time-series chart in SVG, drawn by hand: no chart library, no build step.
import {h} from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/**
 * A line chart of the last `capacity` values, newest on the right. Returns {element, push(value)}.
 * `format` turns the largest value into the y-axis label.
 */
export function timeSeries({title, capacity = 120, format = v => String(Math.round(v)), unit = ''}) {
  const width = 600;
  const height = 160;
  const values = [];
  const area = svg('path', {class: 'chart-area'});
  const line = svg('path', {class: 'chart-line'});
  const grid = svg('g', {class: 'chart-grid'});
  for (const y of [0.25, 0.5, 0.75]) grid.append(svg('line', {x1: 0, x2: width, y1: y * height, y2: y * height}));
  const plot = svg('svg', {viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', class: 'chart-plot', role: 'img'});
  plot.append(grid, area, line);
  const max = h('span', {class: 'chart-max'});
  const latest = h('span', {class: 'chart-latest'});
  const element = h('figure', {class: 'chart'},
    h('figcaption', {}, h('span', {}, title), latest),
    h('div', {class: 'chart-body'}, plot, max, h('span', {class: 'chart-min'}, '0')),
    h('div', {class: 'chart-axis'}, h('span', {}, `−${capacity} s`), h('span', {}, 'now')));

  function draw() {
    const top = Math.max(1, ...values) * 1.1;
    const step = width / (capacity - 1);
    const offset = capacity - values.length;
    const points = values.map((v, i) => [(offset + i) * step, height - (v / top) * height]);
    if (points.length === 0) {
      line.setAttribute('d', '');
      area.setAttribute('d', '');
    } else {
      const d = points.map((p, i) => (i === 0 ? 'M' : 'L') + p[0].toFixed(1) + ' ' + p[1].toFixed(1)).join(' ');
      line.setAttribute('d', d);
      area.setAttribute('d', `${d} L${points[points.length - 1][0].toFixed(1)} ${height} L${points[0][0].toFixed(1)} ${height} Z`);
    }
    max.textContent = format(top) + (unit ? ' ' + unit : '');
    latest.textContent = values.length ? format(values[values.length - 1]) + (unit ? ' ' + unit : '') : '';
  }

  draw();
  return {
    element,
    push(value) {
      values.push(Math.max(0, value));
      if (values.length > capacity) values.shift();
      draw();
    },
  };
}

/** A tiny inline sparkline of recent values (for table rows). */
export function sparkline(values, {width = 120, height = 24} = {}) {
  const plot = svg('svg', {viewBox: `0 0 ${width} ${height}`, width, height, class: 'sparkline', preserveAspectRatio: 'none'});
  if (values.length > 1) {
    const top = Math.max(1, ...values);
    const step = width / (values.length - 1);
    const d = values.map((v, i) => (i === 0 ? 'M' : 'L') + (i * step).toFixed(1) + ' '
      + (height - 1 - (v / top) * (height - 2)).toFixed(1)).join(' ');
    plot.append(svg('path', {d, class: 'chart-line'}));
  }
  return plot;
}

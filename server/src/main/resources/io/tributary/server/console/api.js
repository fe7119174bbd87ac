// The HTTP API (HTTP-API.md) as the console uses it: JSON calls and Server-Sent Events, both with
// the bearer token when the server needs one.

const TOKEN_KEY = 'tributary.token';

/** An error answer of the API: {error, message, ...}. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : 'HTTP ' + status);
    this.status = status;
    this.body = body || {};
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
  window.dispatchEvent(new CustomEvent('tributary:token'));
}

function headers(extra = {}) {
  const result = {Accept: 'application/json', ...extra};
  const t = token();
  if (t) result.Authorization = 'Bearer ' + t;
  return result;
}

function unauthorized(body) {
  window.dispatchEvent(new CustomEvent('tributary:unauthorized', {detail: body}));
}

async function call(method, path, body) {
  const init = {method, headers: headers(body === undefined ? {} : {'Content-Type': 'application/json'})};
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = {message: text};
  }
  if (response.status === 401) unauthorized(json);
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

export const get = path => call('GET', path);
export const post = (path, body) => call('POST', path, body);

/** Encodes one path segment (stream names, keys). */
export const segment = value => encodeURIComponent(value);

/**
 * Subscribes to an SSE endpoint (/subscribe/...). EventSource cannot send an Authorization header,
 * so this reads the stream with fetch and parses the text/event-stream format itself. It resumes
 * after a dropped connection with Last-Event-ID, as EventSource would.
 *
 * onEvent(event) gets each event's JSON; onState('live' | 'reconnecting' | 'error', detail) reports
 * the connection. Returns {close()}.
 */
export function subscribe(path, onEvent, onState = () => {}) {
  let controller = null;
  let lastId = null;
  let closed = false;
  let retryTimer = null;

  async function connect() {
    controller = new AbortController();
    const extra = {Accept: 'text/event-stream'};
    if (lastId !== null) extra['Last-Event-ID'] = lastId;
    try {
      const response = await fetch(path, {headers: headers(extra), signal: controller.signal, cache: 'no-store'});
      if (response.status === 401) {
        unauthorized(await response.json().catch(() => null));
        onState('error', 'unauthorized');
        return;   // the token dialog reloads the page once a token is given
      }
      if (!response.ok) {
        const body = await response.json().catch(() => null);
        onState('error', body && body.message ? body.message : 'HTTP ' + response.status);
        return;
      }
      onState('live');
      await read(response.body);
    } catch (e) {
      if (closed) return;
    }
    if (!closed) {
      onState('reconnecting');
      retryTimer = setTimeout(connect, 1000);
    }
  }

  async function read(body) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let id = null;
    let data = [];
    for (;;) {
      const {value, done} = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, {stream: true});
      let newline;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (data.length > 0) {
            if (id !== null) lastId = id;
            try {
              onEvent(JSON.parse(data.join('\n')));
            } catch (e) {
              console.error('could not handle an event', e);
            }
          }
          id = null;
          data = [];
        } else if (line.startsWith(':')) {
          // a heartbeat comment
        } else {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let text = colon < 0 ? '' : line.slice(colon + 1);
          if (text.startsWith(' ')) text = text.slice(1);
          if (field === 'id') id = text;
          else if (field === 'data') data.push(text);
        }
      }
    }
  }

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(retryTimer);
      if (controller) controller.abort();
    },
  };
}

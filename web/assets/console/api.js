// The API client. The token is kept in sessionStorage (this tab only, gone when it
// closes) and sent as a bearer token on each call: never a cookie, so no other site
// can make the browser call the API for the user (no CSRF).
const KEY = 'verpmail.console.token';

export function storedToken() {
  return sessionStorage.getItem(KEY) || '';
}

export function keepToken(token) {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken() {
  sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// api('lists') or api('members/7/reset-bounces', {method: 'POST', body: {}}): the
// parsed JSON of a 2xx answer; an ApiError with the API's own message otherwise.
export async function api(path, options = {}) {
  const headers = { Authorization: 'Bearer ' + storedToken(), Accept: 'application/json' };
  let body;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response;
  try {
    response = await fetch('/api/v1/' + path, {
      method: options.method || 'GET', headers, body,
      cache: 'no-store', credentials: 'omit', redirect: 'error',
    });
  } catch (e) {
    throw new ApiError(0, 'the server cannot be reached');
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (e) {
    data = null;
  }
  if (!response.ok) {
    const message = data && typeof data.error === 'string' ? data.error : 'HTTP ' + response.status;
    throw new ApiError(response.status, message);
  }
  return data;
}

// A path segment or query value, escaped.
export const enc = encodeURIComponent;

// The role order of the API: a viewer reads, an operator also changes members.
const RANKS = { viewer: 1, operator: 2, admin: 3 };

export function canChange(role) {
  return (RANKS[role] || 0) >= RANKS.operator;
}

// Hash routing: `#/accounts?status=open` is the screen and its query, so a filter is a link.
import { signal } from './state';

export interface Route {
  path: string[];
  query: URLSearchParams;
}

function parse(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [p = '', q = ''] = raw.split('?', 2);
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q) };
}

export const route = signal<Route>(parse(location.hash));
window.addEventListener('hashchange', () => route.set(parse(location.hash)));

export function href(path: string, query?: URLSearchParams | Record<string, string>): string {
  const q = query ? new URLSearchParams(query).toString() : '';
  return `#/${path}${q ? `?${q}` : ''}`;
}

export function go(path: string, query?: URLSearchParams | Record<string, string>): void {
  location.hash = href(path, query);
}

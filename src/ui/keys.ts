import type { Key } from 'ink';
import type { Action, ViewState } from './store.js';

/**
 * The key bindings, as tables from a key's name to the action it triggers, one table per mode. The help screen is
 * printed from the same tables, so it cannot drift from what the keys do.
 */
type KeyTable = Readonly<Record<string, Action>>;

const LIST_KEYS: KeyTable = {
  up: { type: 'move', by: -1 },
  k: { type: 'move', by: -1 },
  down: { type: 'move', by: 1 },
  j: { type: 'move', by: 1 },
  pageUp: { type: 'page', by: -1 },
  pageDown: { type: 'page', by: 1 },
  ' ': { type: 'page', by: 1 },
  home: { type: 'home' },
  g: { type: 'home' },
  end: { type: 'end' },
  G: { type: 'end' },
  return: { type: 'open' },
  right: { type: 'open' },
  f: { type: 'toggleFailed' },
  '/': { type: 'startFilter' },
  c: { type: 'cycleCause' },
  n: { type: 'cycleSensor' },
  s: { type: 'cycleSort' },
  escape: { type: 'clearFilters' },
  '?': { type: 'toggleHelp' },
  q: { type: 'quit' },
};

/** In the detail view ↑/↓ scroll; `max` is filled in by the app, which knows how long the page is. */
const DETAIL_KEYS: KeyTable = {
  up: { type: 'scroll', by: -1, max: 0 },
  k: { type: 'scroll', by: -1, max: 0 },
  down: { type: 'scroll', by: 1, max: 0 },
  j: { type: 'scroll', by: 1, max: 0 },
  pageUp: { type: 'scroll', by: -20, max: 0 },
  pageDown: { type: 'scroll', by: 20, max: 0 },
  ' ': { type: 'scroll', by: 20, max: 0 },
  home: { type: 'scroll', by: -1e9, max: 0 },
  end: { type: 'scroll', by: 1e9, max: 0 },
  escape: { type: 'back' },
  backspace: { type: 'back' },
  left: { type: 'back' },
  '?': { type: 'toggleHelp' },
  q: { type: 'quit' },
};

const HELP_KEYS: KeyTable = {
  q: { type: 'quit' },
};

/** What each key does, for the help screen. */
export const KEY_HELP: readonly (readonly [string, string])[] = [
  ['↑ ↓  j k', 'move (in a connection: scroll)'],
  ['PgUp PgDn  space', 'a page up / down'],
  ['Home End  g G', 'first / last'],
  ['Enter  →', 'open the connection: timeline, diagnosis, hellos, certificates'],
  ['Esc  ←', 'back to the list (in the list: clear all filters)'],
  ['f', 'failed connections only / all'],
  ['/', 'filter by IP, port, SNI or sensor (Enter keeps it, Esc clears it)'],
  ['c', 'show one cause at a time, in order of frequency, then all'],
  ['n', 'show one sensor at a time (tlsdiag watch: the fleet view), then all'],
  ['s', 'sort: failures first, start time, server, cause'],
  ['?', 'this help'],
  ['q  Ctrl-C', 'quit'],
];

/** Ink's key flags as one name, the same names the tables use. */
export function keyName(input: string, key: Key): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageUp';
  if (key.pageDown) return 'pageDown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'return';
  if (key.escape) return 'escape';
  if (key.backspace || key.delete) return 'backspace';
  if (key.tab) return 'tab';
  return input;
}

/** The action a key press asks for in the current view, or null when the key means nothing there. */
export function actionForKey(input: string, key: Key, view: ViewState): Action | null {
  const name = keyName(input, key);
  if (view.editingFilter) return filterAction(name, input, key);
  if (view.help) return HELP_KEYS[name] ?? { type: 'toggleHelp' };
  const table = view.screen === 'detail' ? DETAIL_KEYS : LIST_KEYS;
  return table[name] ?? null;
}

/** While typing a filter every printable key is text; Enter keeps the filter, Esc drops it. */
function filterAction(name: string, input: string, key: Key): Action | null {
  if (name === 'return') return { type: 'filterDone' };
  if (name === 'escape') return { type: 'filterCancel' };
  if (name === 'backspace') return { type: 'filterErase' };
  if (key.ctrl || key.meta || input === '') return null;
  // a paste arrives as one input: keep only what can be typed in an address or a host name
  const text = input.replace(/[^\x21-\x7e]/g, '');
  return text === '' ? null : { type: 'filterType', text };
}

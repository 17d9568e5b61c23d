import type { ConnectionRecord, Outcome } from '../model/record.js';
import type { FeedProgress } from './feed.js';
import { matches, mergeBatch, nextSort, NO_FILTER, orderRecords, type ListFilter, type SortKey } from './list-order.js';

/**
 * Everything the terminal app shows, kept outside React: the records, what the user is looking at, and the analysis'
 * progress. Records arrive one by one from the feed but are applied in batches (`commit`, every 100 ms from the app),
 * so a capture of 50,000 connections merges small sorted batches instead of re-sorting on every record.
 * Components read immutable snapshots through `subscribe` / `getSnapshot` (React's useSyncExternalStore).
 */
export type Screen = 'list' | 'detail';

export interface ViewState {
  screen: Screen;
  help: boolean;
  filter: ListFilter;
  /** the user is typing the text filter (`/`) */
  editingFilter: boolean;
  sort: SortKey;
  /** index of the highlighted row in `rows`, and of the first row on screen */
  selected: number;
  top: number;
  /** rows the list shows at once */
  pageSize: number;
  /** the connection opened with Enter */
  detail: ConnectionRecord | null;
  detailScroll: number;
}

export type Action =
  | { type: 'move'; by: number }
  | { type: 'page'; by: number }
  | { type: 'home' }
  | { type: 'end' }
  | { type: 'open' }
  | { type: 'back' }
  | { type: 'toggleFailed' }
  | { type: 'cycleCause' }
  | { type: 'cycleSensor' }
  | { type: 'cycleSort' }
  | { type: 'toggleHelp' }
  | { type: 'startFilter' }
  | { type: 'filterType'; text: string }
  | { type: 'filterErase' }
  | { type: 'filterDone' }
  | { type: 'filterCancel' }
  | { type: 'clearFilters' }
  | { type: 'scroll'; by: number; max: number }
  | { type: 'resize'; pageSize: number }
  | { type: 'quit' };

export interface TuiSnapshot {
  view: ViewState;
  /** the records the list shows, filtered and in order */
  rows: readonly ConnectionRecord[];
  /** records received (committed) in all */
  total: number;
  counts: Readonly<Record<Outcome, number>>;
  /** diagnosis codes with how many connections have each, most frequent first */
  causes: readonly (readonly [string, number])[];
  /** sensors with how many connections each reported, by name ([] unless records name their sensor: the fleet view) */
  sensors: readonly (readonly [string, number])[];
  progress: FeedProgress | null;
  notices: readonly string[];
  finished: boolean;
}

export interface TuiStoreOptions {
  failedOnly?: boolean;
  pageSize?: number;
  /**
   * Connections kept for the list (live mode: a sniffing session of hours must not grow without bound). Past it the
   * oldest ones that did not fail are let go first; the counts still cover every connection.
   */
  maxRecords?: number;
}

/** Notices kept for display; older ones are dropped (they were already shown). */
const MAX_NOTICES = 50;

export class TuiStore {
  private readonly records: ConnectionRecord[] = [];
  private pending: ConnectionRecord[] = [];
  private readonly counts: Record<Outcome, number> = { established: 0, failed: 0, incomplete: 0 };
  private readonly causeCounts = new Map<string, number>();
  private readonly sensorCounts = new Map<string, number>();
  private snapshot: TuiSnapshot;
  private dirty = false;
  private readonly listeners = new Set<() => void>();
  private readonly maxRecords: number;
  private forgotten = 0;

  constructor(options: TuiStoreOptions = {}) {
    this.maxRecords = options.maxRecords ?? Infinity;
    this.snapshot = {
      view: {
        screen: 'list',
        help: false,
        filter: { ...NO_FILTER, failedOnly: options.failedOnly === true },
        editingFilter: false,
        sort: 'failures',
        selected: 0,
        top: 0,
        pageSize: Math.max(1, options.pageSize ?? 20),
        detail: null,
        detailScroll: 0,
      },
      rows: [],
      total: 0,
      counts: { ...this.counts },
      causes: [],
      sensors: [],
      progress: null,
      notices: [],
      finished: false,
    };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): TuiSnapshot => this.snapshot;

  /** Queues a decided connection; it shows after the next `commit`. */
  add(record: ConnectionRecord): void {
    this.pending.push(record);
  }

  setProgress(progress: FeedProgress): void {
    this.snapshot = { ...this.snapshot, progress };
    this.dirty = true;
  }

  notice(message: string): void {
    const notices = [...this.snapshot.notices, message];
    if (notices.length > MAX_NOTICES) notices.splice(0, notices.length - MAX_NOTICES);
    this.snapshot = { ...this.snapshot, notices };
    this.dirty = true;
  }

  finish(): void {
    this.snapshot = { ...this.snapshot, finished: true };
    this.dirty = true;
  }

  /** Applies the queued records and tells subscribers if anything changed since the last commit. */
  commit(): void {
    if (this.pending.length > 0) this.applyPending();
    if (!this.dirty) return;
    this.dirty = false;
    for (const listener of this.listeners) listener();
  }

  /** Applies a user action at once (a key press must answer without waiting for the next batch). */
  dispatch(action: Action): void {
    const before = this.snapshot;
    const next = reduce(before, action, this.records);
    if (next === before) return;
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }

  private applyPending(): void {
    const batch = this.pending;
    this.pending = [];
    for (const r of batch) {
      this.records.push(r);
      this.counts[r.outcome]++;
      const code = r.diagnosis?.code;
      if (code !== undefined) this.causeCounts.set(code, (this.causeCounts.get(code) ?? 0) + 1);
      if (r.sensor !== undefined) this.sensorCounts.set(r.sensor, (this.sensorCounts.get(r.sensor) ?? 0) + 1);
    }
    const forgot = this.records.length > this.maxRecords && this.forgetOldest(this.records.length - this.maxRecords);
    const snap = this.snapshot;
    const view = snap.view;
    const rows = forgot ? orderRecords(this.records, view.filter, view.sort) : mergeBatch(snap.rows, batch, view.filter, view.sort);
    this.snapshot = {
      ...snap,
      rows,
      view: rows === snap.rows ? view : followSelection(view, snap.rows, rows),
      total: this.records.length,
      counts: { ...this.counts },
      causes: [...this.causeCounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
      sensors: [...this.sensorCounts].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    };
    this.dirty = true;
  }

  /** Lets go of `excess` records, the oldest that did not fail first; says so once. */
  private forgetOldest(excess: number): boolean {
    let dropped = 0;
    let kept = this.records.filter((r) => (dropped < excess && r.outcome !== 'failed' ? (dropped++, false) : true));
    if (kept.length > this.maxRecords) kept = kept.slice(kept.length - this.maxRecords);
    if (this.forgotten === 0) {
      this.notice(`keeping the newest ${this.maxRecords} connections in the list (failed ones longest); the counts cover all`);
    }
    this.forgotten += this.records.length - kept.length;
    this.records.length = 0;
    for (const r of kept) this.records.push(r);
    return true;
  }
}

/**
 * Where the highlight goes when rows are inserted: a user still at the top stays at the top (and sees the newest
 * failures arrive there); anyone who moved keeps the connection they were on.
 */
function followSelection(view: ViewState, before: readonly ConnectionRecord[], after: readonly ConnectionRecord[]): ViewState {
  if (view.selected === 0 && view.top === 0) return view;
  const current = before[view.selected];
  const index = current === undefined ? -1 : after.indexOf(current);
  const selected = index >= 0 ? index : Math.min(view.selected, Math.max(0, after.length - 1));
  const top = index >= 0 ? view.top + (index - view.selected) : view.top;
  return keepVisible({ ...view, selected, top }, after.length);
}

/** Scrolls so the selected row is on screen, and never past the last page. */
function keepVisible(view: ViewState, rowCount: number): ViewState {
  const selected = Math.max(0, Math.min(view.selected, rowCount - 1));
  let top = view.top;
  if (selected < top) top = selected;
  if (selected >= top + view.pageSize) top = selected - view.pageSize + 1;
  top = Math.max(0, Math.min(top, rowCount - view.pageSize));
  if (selected === view.selected && top === view.top) return view;
  return { ...view, selected, top };
}

function withRows(snap: TuiSnapshot, view: ViewState, records: readonly ConnectionRecord[]): TuiSnapshot {
  const rows = orderRecords(records, view.filter, view.sort);
  return { ...snap, rows, view: keepVisible({ ...view, selected: 0, top: 0 }, rows.length) };
}

function withView(snap: TuiSnapshot, view: ViewState): TuiSnapshot {
  return { ...snap, view: keepVisible(view, snap.rows.length) };
}

/** The causes `c` steps through: every cause seen, most frequent first, then back to all. */
function nextCause(current: string | null, causes: readonly (readonly [string, number])[]): string | null {
  if (causes.length === 0) return null;
  if (current === null) return causes[0][0];
  const i = causes.findIndex(([code]) => code === current);
  return i < 0 || i + 1 >= causes.length ? null : causes[i + 1][0];
}

/** The sensors `n` steps through, by name, then back to all. */
function nextSensor(current: string | null, sensors: readonly (readonly [string, number])[]): string | null {
  if (sensors.length === 0) return null;
  if (current === null) return sensors[0][0];
  const i = sensors.findIndex(([name]) => name === current);
  return i < 0 || i + 1 >= sensors.length ? null : sensors[i + 1][0];
}

/** The store's transitions, pure: the snapshot after `action`, or the same object when nothing changes. */
export function reduce(snap: TuiSnapshot, action: Action, records: readonly ConnectionRecord[]): TuiSnapshot {
  const view = snap.view;
  switch (action.type) {
    case 'move':
      return withView(snap, { ...view, selected: view.selected + action.by });
    case 'page':
      return withView(snap, { ...view, selected: view.selected + action.by * view.pageSize, top: view.top + action.by * view.pageSize });
    case 'home':
      return withView(snap, { ...view, selected: 0, top: 0 });
    case 'end':
      return withView(snap, { ...view, selected: snap.rows.length - 1 });
    case 'open': {
      const record = snap.rows[view.selected];
      if (record === undefined) return snap;
      return { ...snap, view: { ...view, screen: 'detail', detail: record, detailScroll: 0, help: false } };
    }
    case 'back':
      if (view.help) return { ...snap, view: { ...view, help: false } };
      if (view.screen === 'detail') return { ...snap, view: { ...view, screen: 'list', detail: null } };
      return snap;
    case 'toggleFailed':
      return withRows(snap, { ...view, filter: { ...view.filter, failedOnly: !view.filter.failedOnly } }, records);
    case 'cycleCause':
      return withRows(snap, { ...view, filter: { ...view.filter, cause: nextCause(view.filter.cause, snap.causes) } }, records);
    case 'cycleSensor':
      return withRows(snap, { ...view, filter: { ...view.filter, sensor: nextSensor(view.filter.sensor, snap.sensors) } }, records);
    case 'clearFilters':
      if (view.filter.text === '' && view.filter.cause === null && view.filter.sensor === null && !view.filter.failedOnly) return snap;
      return withRows(snap, { ...view, filter: NO_FILTER }, records);
    case 'cycleSort':
      return withRows(snap, { ...view, sort: nextSort(view.sort) }, records);
    case 'toggleHelp':
      return { ...snap, view: { ...view, help: !view.help } };
    case 'startFilter':
      return { ...snap, view: { ...view, editingFilter: true } };
    case 'filterType':
      return narrowByText(snap, { ...view, filter: { ...view.filter, text: view.filter.text + action.text } });
    case 'filterErase':
      if (view.filter.text === '') return snap;
      return withRows(snap, { ...view, filter: { ...view.filter, text: view.filter.text.slice(0, -1) } }, records);
    case 'filterDone':
      return { ...snap, view: { ...view, editingFilter: false } };
    case 'filterCancel':
      return withRows(snap, { ...view, editingFilter: false, filter: { ...view.filter, text: '' } }, records);
    case 'scroll': {
      const detailScroll = Math.max(0, Math.min(action.max, view.detailScroll + action.by));
      return detailScroll === view.detailScroll ? snap : { ...snap, view: { ...view, detailScroll } };
    }
    case 'resize':
      if (action.pageSize === view.pageSize) return snap;
      return withView(snap, { ...view, pageSize: Math.max(1, action.pageSize) });
    case 'quit':
      return snap;
  }
}

/** Typing one more character can only narrow the list: filter the rows shown, not every record. */
function narrowByText(snap: TuiSnapshot, view: ViewState): TuiSnapshot {
  const rows = snap.rows.filter((r) => matches(r, view.filter));
  return { ...snap, rows, view: keepVisible({ ...view, selected: 0, top: 0 }, rows.length) };
}

import { describe, expect, it } from 'vitest';
import { mergeBatch, NO_FILTER, orderRecords } from '../../src/ui/list-order.js';
import { TuiStore } from '../../src/ui/store.js';
import { allCaptureRecords, HAVE_CAPTURES, manyRecords, warnIfNoCaptures } from './records.js';

warnIfNoCaptures('ui store');

describe.skipIf(!HAVE_CAPTURES)('ui store over the project captures', async () => {
  const records = HAVE_CAPTURES ? await allCaptureRecords() : [];

  function filled(options: { failedOnly?: boolean; pageSize?: number } = {}): TuiStore {
    const store = new TuiStore(options);
    for (const r of records) store.add(r);
    store.commit();
    return store;
  }

  it('lists failures first, each group by start time', () => {
    const rows = filled().getSnapshot().rows;
    expect(rows).toHaveLength(records.length);
    const firstHealthy = rows.findIndex((r) => r.outcome === 'established');
    expect(firstHealthy).toBeGreaterThan(0);
    expect(rows.slice(0, firstHealthy).every((r) => r.outcome !== 'established')).toBe(true);
    expect(rows.slice(firstHealthy).every((r) => r.outcome === 'established')).toBe(true);
    const failed = rows.filter((r) => r.outcome === 'failed');
    for (let i = 1; i < failed.length; i++) expect(failed[i].firstTs).toBeGreaterThanOrEqual(failed[i - 1].firstTs);
  });

  it('counts outcomes and causes, most frequent cause first', () => {
    const snap = filled().getSnapshot();
    expect(snap.counts.failed + snap.counts.established + snap.counts.incomplete).toBe(records.length);
    expect(snap.counts.failed).toBe(records.filter((r) => r.outcome === 'failed').length);
    const n = snap.causes.map(([, count]) => count);
    expect([...n].sort((a, b) => b - a)).toEqual(n);
    expect(snap.causes.map(([code]) => code)).toContain('certificate-expired');
  });

  it('f shows failed only and back; c steps through causes then back to all', () => {
    const store = filled();
    store.dispatch({ type: 'toggleFailed' });
    expect(store.getSnapshot().rows.every((r) => r.outcome === 'failed')).toBe(true);
    store.dispatch({ type: 'toggleFailed' });
    expect(store.getSnapshot().rows).toHaveLength(records.length);

    const causes = store.getSnapshot().causes.map(([code]) => code);
    for (const code of causes) {
      store.dispatch({ type: 'cycleCause' });
      const snap = store.getSnapshot();
      expect(snap.view.filter.cause).toBe(code);
      expect(snap.rows.length).toBeGreaterThan(0);
      expect(snap.rows.every((r) => r.diagnosis?.code === code)).toBe(true);
    }
    store.dispatch({ type: 'cycleCause' });
    expect(store.getSnapshot().view.filter.cause).toBeNull();
    expect(store.getSnapshot().rows).toHaveLength(records.length);
  });

  it('/ filters by SNI, IP and port while typing; Esc clears', () => {
    const store = filled();
    store.dispatch({ type: 'startFilter' });
    for (const ch of 'expired.') store.dispatch({ type: 'filterType', text: ch });
    let rows = store.getSnapshot().rows;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.tls.clientHello?.sni?.includes('expired.'))).toBe(true);
    store.dispatch({ type: 'filterCancel' });
    expect(store.getSnapshot().rows).toHaveLength(records.length);

    const port = String(records[0].client.port);
    store.dispatch({ type: 'startFilter' });
    store.dispatch({ type: 'filterType', text: `:${port}` });
    rows = store.getSnapshot().rows;
    expect(rows.map((r) => r.id)).toContain(records[0].id);
    store.dispatch({ type: 'filterErase' });
    store.dispatch({ type: 'filterDone' });
    expect(store.getSnapshot().view.editingFilter).toBe(false);
  });

  it('s cycles the sort orders and comes back to failures first', () => {
    const store = filled();
    const seen: string[] = [store.getSnapshot().view.sort];
    for (let i = 0; i < 4; i++) {
      store.dispatch({ type: 'cycleSort' });
      seen.push(store.getSnapshot().view.sort);
    }
    expect(seen).toEqual(['failures', 'time', 'server', 'cause', 'failures']);
  });

  it('keeps the highlighted connection when new records arrive above it', () => {
    const store = new TuiStore({ pageSize: 5 });
    const healthy = records.filter((r) => r.outcome === 'established');
    const failed = records.filter((r) => r.outcome === 'failed');
    for (const r of healthy) store.add(r);
    store.commit();
    store.dispatch({ type: 'move', by: 1 });
    const chosen = store.getSnapshot().rows[1];
    for (const r of failed) store.add(r);
    store.commit();
    const snap = store.getSnapshot();
    expect(snap.rows[snap.view.selected]).toBe(chosen);
    expect(snap.view.selected).toBe(failed.length + 1);
  });

  it('Enter opens the highlighted connection, Esc goes back', () => {
    const store = filled();
    store.dispatch({ type: 'move', by: 2 });
    const chosen = store.getSnapshot().rows[2];
    store.dispatch({ type: 'open' });
    expect(store.getSnapshot().view).toMatchObject({ screen: 'detail', detail: chosen });
    store.dispatch({ type: 'back' });
    expect(store.getSnapshot().view.screen).toBe('list');
  });

  it('50,000 records: batches merge into the same order a full sort gives, paging stays in bounds', () => {
    const bulk = manyRecords(records, 50_000);
    const store = new TuiStore({ pageSize: 20 });
    for (let i = 0; i < bulk.length; i += 5000) {
      for (const r of bulk.slice(i, i + 5000)) store.add(r);
      store.commit();
    }
    const snap = store.getSnapshot();
    expect(snap.total).toBe(50_000);
    expect(snap.rows.map((r) => r.id)).toEqual(orderRecords(bulk, NO_FILTER, 'failures').map((r) => r.id));
    store.dispatch({ type: 'end' });
    const end = store.getSnapshot().view;
    expect(end.selected).toBe(49_999);
    expect(end.top).toBe(50_000 - 20);
    store.dispatch({ type: 'page', by: 1 });
    expect(store.getSnapshot().view.selected).toBe(49_999);
    store.dispatch({ type: 'toggleFailed' });
    expect(store.getSnapshot().rows.length).toBe(bulk.filter((r) => r.outcome === 'failed').length);
    expect(store.getSnapshot().view).toMatchObject({ selected: 0, top: 0 });
  });

  it('mergeBatch leaves the rows untouched when no new record passes the filter', () => {
    const rows = orderRecords(records, { ...NO_FILTER, failedOnly: true }, 'time');
    const healthy = records.filter((r) => r.outcome === 'established');
    expect(mergeBatch(rows, healthy, { ...NO_FILTER, failedOnly: true }, 'time')).toBe(rows);
  });
});

describe.skipIf(!HAVE_CAPTURES)('ui store in live mode: bounded over hours', async () => {
  const base = HAVE_CAPTURES ? await allCaptureRecords() : [];

  it('keeps at most maxRecords connections, letting go of healthy ones before failed ones, counting all', () => {
    const store = new TuiStore({ maxRecords: 500 });
    const stream = manyRecords(base, 5000);
    for (let i = 0; i < stream.length; i += 250) {
      for (const r of stream.slice(i, i + 250)) store.add(r);
      store.commit();
    }
    const snap = store.getSnapshot();
    expect(snap.rows.length).toBeLessThanOrEqual(500);
    expect(snap.counts.established + snap.counts.failed + snap.counts.incomplete).toBe(5000);
    const failedShare = snap.rows.filter((r) => r.outcome === 'failed').length / snap.rows.length;
    const failedShareIn = stream.filter((r) => r.outcome === 'failed').length / stream.length;
    expect(failedShare).toBeGreaterThan(failedShareIn);
    expect(snap.notices.some((n) => n.includes('keeping the newest 500 connections'))).toBe(true);
  });
});

import { describe, expect, test } from 'vitest';
import { decodeCursor, encodeCursor, historyQueryString, parseHistoryQuery } from './filters';

const ID = '3f0c9a9e-52a4-4c8e-9a51-0d6c7f1b2a33';

describe('parseHistoryQuery', () => {
  test('keeps valid values and normalises the search to upper case without spaces', () => {
    const f = parseHistoryQuery(new URLSearchParams({ q: ' ukp1 abc ', status: 'completed', method: 'mpesa', policy: ID.toUpperCase(), from: '2026-11-01', to: '2026-11-30' }));
    expect(f).toEqual({ q: 'UKP1ABC', status: 'completed', method: 'mpesa', policyId: ID, from: '2026-11-01', to: '2026-11-30' });
  });

  test('drops what does not parse instead of failing', () => {
    const f = parseHistoryQuery({ q: "'; drop table--", status: 'paid', method: 'cash', policy: 'nope', from: '2026-02-30', to: '25/11/2026', cursor: 'garbage!' });
    // …but says that the search was set aside, rather than silently showing everything.
    expect(f).toEqual({ notes: ['search-ignored'] });
    expect(parseHistoryQuery({ q: 'MLP<7K' })).toEqual({ notes: ['search-ignored'] });
  });

  test('empty fields from a submitted form are ignored; arrays take their first value', () => {
    expect(parseHistoryQuery({ q: '', status: ['pending', 'completed'], method: '' })).toEqual({ status: 'pending' });
  });

  test('a reversed date range is swapped', () => {
    expect(parseHistoryQuery({ from: '2026-11-30', to: '2026-11-01' })).toMatchObject({ from: '2026-11-01', to: '2026-11-30' });
    // …and the page is told, so it can say so.
    const swapped = parseHistoryQuery({ from: '2026-11-30', to: '2026-11-01' });
    expect(swapped.notes).toEqual(['dates-swapped']);
    // The note survives the canonical redirect, and only known notes are kept.
    const again = parseHistoryQuery(new URLSearchParams(historyQueryString(swapped).slice(1) + '&note=whatever'));
    expect(again).toEqual({ from: '2026-11-01', to: '2026-11-30', notes: ['dates-swapped'] });
  });

  test('the canonical query string parses back to itself (so the page redirect cannot loop)', () => {
    const raw = { to: '2026-11-30', q: 'mlp-7k', policy: ID, status: 'unsuccessful', method: 'card', from: '2026-11-01', cursor: encodeCursor({ createdAt: '2026-11-25T10:00:00.123456Z', id: ID }) };
    const once = historyQueryString(parseHistoryQuery(raw));
    expect(historyQueryString(parseHistoryQuery(new URLSearchParams(once.slice(1))))).toBe(once);
    expect(once).toMatch(/^\?q=MLP-7K&status=unsuccessful&method=card&policy=/);
    expect(historyQueryString({})).toBe('');
  });
});

describe('cursor', () => {
  test('round-trips microsecond timestamps and rejects tampering', () => {
    const c = { createdAt: '2026-11-25T10:00:00.123456Z', id: ID };
    const s = encodeCursor(c);
    expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(s)).toEqual(c);
    expect(decodeCursor(Buffer.from(`2026-11-25T10:00:00Z_${ID}`).toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from(`2026-11-25T10:00:00.123456Z_x`).toString('base64url'))).toBeNull();
    expect(decodeCursor('')).toBeNull();
  });
});

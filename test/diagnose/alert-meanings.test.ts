/**
 * The alert-meanings table (src/diagnose/alert-meanings.ts) holds together: every alert it keys is a registered
 * alert under its registry name, every cause it names is a cause tlsdiag knows (a rule of src/diagnose/rules or a
 * code docs/causes.md documents), no cause or stack appears twice in one entry, and the alerts issue 9 asks about are
 * all covered.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALERT_MEANINGS, STACKS } from '../../src/diagnose/alert-meanings.js';
import { RULES } from '../../src/diagnose/rules/index.js';
import { ALERT_DESCRIPTIONS } from '../../src/tls/registry/alerts.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

/** Codes docs/causes.md documents: the backticked names in its level-2 headings (`## \`a\` / \`b\``). */
function documentedCodes(): Set<string> {
  const text = readFileSync(path.join(repo, 'docs/causes.md'), 'utf8');
  const codes = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('## ')) continue;
    for (const match of line.matchAll(/`([a-z0-9-]+)`/g)) codes.add(match[1]!);
  }
  return codes;
}

const knownCodes = new Set([...RULES.map((entry) => entry.code), ...documentedCodes()]);
const entries = Object.entries(ALERT_MEANINGS).map(([key, meaning]) => [Number(key), meaning] as const);

describe('ALERT_MEANINGS', () => {
  it('covers the alerts the diagnosis reasons from', () => {
    const required = [10, 20, 40, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 70, 71, 80, 86, 90, 109, 112, 115, 116, 120];
    const missing = required.filter((n) => !(n in ALERT_MEANINGS));
    expect(missing).toEqual([]);
  });

  it('keys only registered alerts, under their registry names', () => {
    for (const [number, meaning] of entries) {
      expect(Number.isInteger(number) && number >= 0 && number <= 255, `key ${number}`).toBe(true);
      expect(ALERT_DESCRIPTIONS.get(number), `alert ${number}`).toBe(meaning.name);
    }
  });

  it('names only causes tlsdiag knows', () => {
    expect(knownCodes.size).toBeGreaterThan(10);
    const unknown = entries.flatMap(([number, meaning]) =>
      meaning.causes.filter((cause) => !knownCodes.has(cause.code)).map((cause) => `${number}: ${cause.code}`),
    );
    expect(unknown).toEqual([]);
  });

  it('lists each cause once per alert, and each stack once per cause', () => {
    for (const [number, meaning] of entries) {
      const codes = meaning.causes.map((cause) => cause.code);
      expect(new Set(codes).size, `alert ${number} causes ${codes.join(', ')}`).toBe(codes.length);
      for (const cause of meaning.causes) {
        expect(new Set(cause.stacks).size, `alert ${number} ${cause.code} stacks`).toBe(cause.stacks.length);
      }
    }
  });

  it('names only stacks docs/alerts.md covers, and says when a cause has no established sender', () => {
    const stacks = new Set<string>(STACKS);
    for (const [number, meaning] of entries) {
      expect(meaning.causes.length, `alert ${number}`).toBeGreaterThan(0);
      for (const cause of meaning.causes) {
        for (const stack of cause.stacks) expect(stacks.has(stack), `alert ${number}: ${stack}`).toBe(true);
        if (cause.stacks.length === 0) expect(cause.when, `alert ${number} ${cause.code}`).toBeTruthy();
      }
    }
  });

  it('points every entry at a section of docs/alerts.md that exists', () => {
    const doc = readFileSync(path.join(repo, 'docs/alerts.md'), 'utf8');
    const headings = new Set(doc.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3).trim()));
    const source = readFileSync(path.join(repo, 'src/diagnose/alert-meanings.ts'), 'utf8');
    // the section names quoted in the line comments above the entries
    const comments = source.split('\n').filter((l) => l.trimStart().startsWith('//'));
    const cited = comments.flatMap((l) => [...l.matchAll(/"([^"]+)"/g)].map((m) => m[1]!));
    expect(cited.length).toBeGreaterThanOrEqual(entries.length);
    expect(cited.filter((section) => !headings.has(section))).toEqual([]);
  });
});

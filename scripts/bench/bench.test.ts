import { describe, expect, it } from 'vitest';
import { parseSse } from './sse-parse';
import { percentile, summarize } from './stats';

describe('bench stats', () => {
  it('uses nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(summarize([3, 1, 2])).toMatchObject({ n: 3, p50: 2, p99: 3, max: 3 });
  });
});

describe('SSE parser', () => {
  it('yields complete events across chunk boundaries and keeps the rest', () => {
    const first = parseSse('retry: 3000\n\nevent: status\ndata: {"status":"pend');
    expect(first.events).toEqual([]);
    const second = parseSse(first.rest + 'ing"}\n\n: keep-alive\n\nevent: status\ndata: {"status":"completed"}\n\n');
    expect(second.events).toEqual([
      { event: 'status', data: '{"status":"pending"}' },
      { event: 'status', data: '{"status":"completed"}' },
    ]);
    expect(second.rest).toBe('');
  });
});

describe('undoing next build edits to shared files', () => {
  it('removes only our dist dir from tsconfig include and restores next-env.d.ts', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { undoBuildEdits } = await import('./processes');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-undo-'));
    const tsconfig = { compilerOptions: { strict: true }, include: ['**/*.ts', '.next-other/types/**/*.ts', '.next-bench/types/**/*.ts', '.next-bench/dev/types/**/*.ts'] };
    fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2) + '\n');
    fs.writeFileSync(path.join(root, 'next-env.d.ts'), 'import "./.next-bench/types/routes.d.ts";\n');
    undoBuildEdits({ root, distDir: '.next-bench' }, 'import "./.next/types/routes.d.ts";\n');
    expect(JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8')).include).toEqual(['**/*.ts', '.next-other/types/**/*.ts']);
    expect(fs.readFileSync(path.join(root, 'next-env.d.ts'), 'utf8')).toBe('import "./.next/types/routes.d.ts";\n');
    fs.rmSync(root, { recursive: true, force: true });
  });
});

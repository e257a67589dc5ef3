// What the numbers were measured on. The load average matters on a shared 2-core machine: a run
// that started at load 3 is not comparable with one that started at 0.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export type Machine = {
  date: string;
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  loadAtStart: string;
  commit: string;
};

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function describeMachine(postgres: string): Machine {
  const head = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  // The previous run's results are not code: a run that overwrites them measures HEAD.
  const dirty = git(['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench/results']) ? ' + uncommitted changes' : '';
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    postgres,
    loadAtStart: os.loadavg().map((l) => l.toFixed(2)).join(' / '),
    commit: `${head}${dirty}`,
  };
}

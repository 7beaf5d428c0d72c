// CPU time of the processes a bench starts, read from /proc (Linux): what each side of a
// client/server bench costs per unit of work, whatever share of the cores the machine gave it.
// A wall-clock rate on a shared 2-core machine moves with the load; CPU per hit does not.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_S = 100;

/** utime + stime (and, with `children`, the CPU of its waited-for children: cutime + cstime) of a process, in seconds. */
export function processCpuS(pid: number | 'self', children = false): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command (which may hold spaces) in parentheses: field 3 onwards.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  const at = (i: number) => fields[i] ?? 0;
  return (at(11) + at(12) + (children ? at(13) + at(14) : 0)) / TICKS_PER_S;
}

/**
 * The CPU of a local PostgreSQL: its postmaster with every child that has exited (backends of
 * closed connections) and those still running. Undefined when no local postmaster is found.
 */
export function postgresCpuS(): number | undefined {
  let pids: number[];
  try {
    pids = execFileSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' }).trim().split('\n').map(Number);
  } catch {
    return undefined;
  }
  const postmaster = pids.find((pid) => {
    try {
      return !pids.includes(Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]));
    } catch {
      return false;
    }
  });
  if (postmaster === undefined) return undefined;
  let total = processCpuS(postmaster, true);
  for (const pid of pids) {
    if (pid === postmaster) continue;
    try {
      total += processCpuS(pid);
    } catch {
      // exited between pgrep and now: counted in the postmaster's children from now on
    }
  }
  return total;
}

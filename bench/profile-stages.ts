// Reads a V8 CPU profile (`node --cpu-prof`) of a loaded API server and splits its samples by
// stage of Footfall's request path, so bench/stages can say where each microsecond goes.
// A sample belongs to the innermost frame that is not Node's own or a builtin: a Footfall
// frame (mapped back to its src/ file through dist's source maps) gives the stage of that file;
// undici's frames are sending; anything else (the framework, the app) is the app's. Samples
// with only Node's frames are "node" (HTTP parsing, sockets), plus GC and idle.
import { readFileSync, existsSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The stages, in the order the table prints them. */
export const STAGES = ['adapter', 'track', 'batch', 'build', 'encode', 'send', 'undici', 'gc', 'node', 'app', 'idle'] as const;
export type Stage = (typeof STAGES)[number];

/** Footfall's source files by stage (paths under src/). First match wins. */
const FILE_STAGES: [RegExp, Stage][] = [
  [/^src\/adapters\//, 'adapter'],
  [/^src\/delivery\/(tracker|track-input|accounting|ring-buffer)\.ts$/, 'track'],
  [/^src\/delivery\/(drain|batcher|scheduler|flush-ledger|books|events|clock)\.ts$/, 'batch'],
  [/^src\/(core|privacy)\//, 'build'],
  [/^src\/(protocols|internal\/text)/, 'encode'],
  [/^src\/delivery\//, 'send'],
];

/** Milliseconds of CPU per stage in one profile. */
export function stageTimes(profilePath: string): Record<Stage, number> {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const maps = new Map<string, SourceMap | null>();
  const memo = new Map<number, Stage>();
  const stageOf = (id: number): Stage => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    let stage: Stage | undefined;
    const first = byId.get(id)?.callFrame.functionName;
    if (first === '(garbage collector)') stage = 'gc';
    else if (first === '(idle)') stage = 'idle';
    for (let at: number | undefined = id; stage === undefined && at !== undefined; at = parent.get(at)) {
      stage = frameStage((byId.get(at) as ProfileNode).callFrame, maps);
    }
    memo.set(id, stage ?? 'node');
    return stage ?? 'node';
  };
  const out = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  for (let i = 0; i < profile.samples.length; i++) out[stageOf(profile.samples[i] as number)] += (profile.timeDeltas[i] ?? 0) / 1000;
  return out;
}

function frameStage(frame: ProfileNode['callFrame'], maps: Map<string, SourceMap | null>): Stage | undefined {
  const { url } = frame;
  if (url === '' || url.startsWith('node:')) return undefined;
  // undici parses answers with llhttp compiled to WebAssembly.
  if (url.includes('/node_modules/undici/') || url.startsWith('wasm://')) return 'undici';
  if (!url.includes('/dist/')) return 'app';
  const source = originalFile(url, frame.lineNumber, frame.columnNumber, maps);
  if (source === undefined) return 'app';
  for (const [pattern, stage] of FILE_STAGES) if (pattern.test(source)) return stage;
  return 'app';
}

function originalFile(url: string, line: number, column: number, maps: Map<string, SourceMap | null>): string | undefined {
  let map = maps.get(url);
  if (map === undefined) {
    const file = `${fileURLToPath(url)}.map`;
    map = existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]) : null;
    maps.set(url, map);
  }
  if (map === null) return undefined;
  const entry = map.findEntry(line, column) as { originalSource?: string };
  const source = entry.originalSource;
  if (source === undefined) return undefined;
  const at = source.lastIndexOf('src/');
  return at === -1 ? source : source.slice(at);
}

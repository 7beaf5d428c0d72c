import type { Segment } from './route-pattern.js';
import { mixedRegExp, parseSegment, pathSegments, segmentShape } from './route-pattern.js';
import type { DeclaredRoute } from './types.js';

/** Templates with more optional parameters than this are matched with all of them present. */
const MAX_OPTIONALS = 4;

interface Node {
  readonly literals: Map<string, Node>;
  /** Segments mixing literals and parameters (`:name:pause`), tried in order of their shape. */
  readonly mixed: { readonly shape: string; readonly test: RegExp; readonly node: Node }[];
  param: Node | undefined;
  /** Routes ending here, and routes ending here in a rest parameter (`*`, `:path*`, `:path+`). */
  readonly ends: DeclaredRoute[];
  readonly rests: { readonly min: 0 | 1; readonly route: DeclaredRoute }[];
}

function newNode(): Node {
  return { literals: new Map(), mixed: [], param: undefined, ends: [], rests: [] };
}

/**
 * A segment trie of declared routes. `find` walks it as routers do: at each segment a literal
 * child first, then segments mixing literals and parameters, then a parameter, then a rest
 * parameter, backtracking when a branch has no route for the method; so the first route found
 * is the most specific, left to right. Each node is reached at one depth only, so a walk visits
 * a node at most once: at worst the trie's size, never exponential. Routes must be sorted
 * (tie-break: route text).
 */
export function buildTrie(routes: readonly DeclaredRoute[]): Node {
  const root = newNode();
  for (const route of routes) {
    for (const variant of variants(pathSegments(route.route).map(parseSegment))) insert(root, variant, route);
  }
  for (const node of nodes(root)) node.mixed.sort((a, b) => (a.shape < b.shape ? -1 : a.shape > b.shape ? 1 : 0));
  return root;
}

/** The segments with each optional parameter present or absent (present only past MAX_OPTIONALS). */
function variants(segments: readonly Segment[]): Segment[][] {
  let out: Segment[][] = [[]];
  let optionals = 0;
  for (const segment of segments) {
    const optional = segment.kind === 'param' && segment.optional && optionals++ < MAX_OPTIONALS;
    const required: Segment = segment.kind === 'param' ? { kind: 'param', optional: false } : segment;
    out = out.flatMap((prefix) => (optional ? [[...prefix, required], prefix] : [[...prefix, required]]));
  }
  return out;
}

function insert(root: Node, segments: readonly Segment[], route: DeclaredRoute): void {
  let node = root;
  for (const segment of segments) {
    if (segment.kind === 'rest') {
      node.rests.push({ min: segment.min, route });
      return;
    }
    node = child(node, segment);
  }
  node.ends.push(route);
}

function child(node: Node, segment: Exclude<Segment, { kind: 'rest' }>): Node {
  if (segment.kind === 'literal') return getOr(node.literals, segment.text);
  if (segment.kind === 'param') return (node.param ??= newNode());
  const shape = segmentShape(segment);
  const found = node.mixed.find((entry) => entry.shape === shape);
  if (found !== undefined) return found.node;
  const made = { shape, test: mixedRegExp(segment.parts), node: newNode() };
  node.mixed.push(made);
  return made.node;
}

function getOr(map: Map<string, Node>, key: string): Node {
  let node = map.get(key);
  if (node === undefined) map.set(key, (node = newNode()));
  return node;
}

function* nodes(node: Node): Generator<Node> {
  yield node;
  for (const next of node.literals.values()) yield* nodes(next);
  for (const entry of node.mixed) yield* nodes(entry.node);
  if (node.param !== undefined) yield* nodes(node.param);
}

/** The most specific route for the method (its own before `ALL`) matching the path's segments. */
export function findRoute(root: Node, method: string, segments: readonly string[]): DeclaredRoute | undefined {
  return walk(root, method, segments, 0);
}

function walk(node: Node, method: string, segments: readonly string[], i: number): DeclaredRoute | undefined {
  const segment = segments[i];
  if (segment === undefined) return pick(node.ends, method) ?? pick(restsFor(node, 0), method);
  const literal = node.literals.get(segment);
  const found = (literal && walk(literal, method, segments, i + 1))
    ?? firstMixed(node, method, segments, i)
    ?? (node.param && walk(node.param, method, segments, i + 1));
  return found ?? pick(restsFor(node, segments.length - i), method);
}

function firstMixed(node: Node, method: string, segments: readonly string[], i: number): DeclaredRoute | undefined {
  const segment = segments[i] ?? '';
  for (const entry of node.mixed) {
    const found = entry.test.test(segment) ? walk(entry.node, method, segments, i + 1) : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}

function restsFor(node: Node, remaining: number): DeclaredRoute[] {
  return node.rests.length === 0 ? [] : node.rests.filter((rest) => remaining >= rest.min).map((rest) => rest.route);
}

/** The route for the method among routes of one place: the method's own first, then `ALL`; the first in sort order. */
function pick(routes: readonly DeclaredRoute[], method: string): DeclaredRoute | undefined {
  return routes.find((route) => route.method === method) ?? routes.find((route) => route.method === 'ALL');
}

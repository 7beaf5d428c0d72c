// Minimal types for the benchmark's untyped dev dependencies.
declare module 'autocannon' {
  interface Result {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number; average: number };
    errors: number;
    non2xx: number;
  }
  function autocannon(options: { url: string; connections?: number; duration?: number; amount?: number; timeout?: number; pipelining?: number }): Promise<Result>;
  export default autocannon;
}
declare module 'universal-analytics' {
  interface Visitor {
    pageview(path: string, callback?: (error: unknown) => void): Visitor;
    send(callback?: (error: unknown) => void): void;
  }
  function ua(trackingId: string, clientId: string, options: { hostname: string; http?: boolean }): Visitor;
  export default ua;
}

// The app under test in docs/testing.md: a small Express API instrumented with Footfall.
// It takes its tracker as an argument, so a test can hand it a test tracker.
import express from 'express';
import { trackRequests } from 'footfall/express';

export function createApp(tracker) {
  const app = express();
  app.use(trackRequests(tracker));
  app.get('/v1/users/:id', (req, res) => {
    if (req.params.id === '0') return res.status(404).json({ error: 'no such user' });
    res.json({ id: req.params.id });
  });
  app.post('/v1/orders', (req, res) => res.status(201).json({ ok: true }));
  return app;
}

/** Starts `app` on a free port of 127.0.0.1; resolves with its URL and a close function. */
export async function listen(app) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

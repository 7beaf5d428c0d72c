// The app under test: Express 4 instrumented with Footfall, from a function that takes the tracker.
const express = require('express4');
const { trackRequests } = require('footfall/express');

function createApp(tracker) {
  const app = express();
  app.use(trackRequests(tracker));
  app.get('/v1/users/:id', (req, res) => res.json({ id: req.params.id }));
  app.post('/v1/orders', (req, res) => res.status(201).json({ ok: true }));
  return app;
}

module.exports = { createApp };

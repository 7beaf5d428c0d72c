const request = require('supertest');
const { createApp } = require('./app.cjs');
const { createSuiteTracker } = require('./tracker.cjs');

const tracker = createSuiteTracker();
const app = createApp(tracker);
afterAll(() => tracker.close()); // delivers what is queued: --forceExit never reaches beforeExit

test('GET /v1/users/:id (2)', async () => {
  for (let i = 0; i < 5; i++) await request(app).get('/v1/users/' + i).expect(200);
});

test('POST /v1/orders (2)', async () => {
  await request(app).post('/v1/orders').expect(201);
});

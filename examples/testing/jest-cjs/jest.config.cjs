// Jest with CommonJS (the setup of most Express apps): `require('footfall')` loads dist/index.cjs.
//   npx jest --config examples/testing/jest-cjs/jest.config.cjs --forceExit
module.exports = {
  testEnvironment: 'node',
  transform: {},
  rootDir: '.',
  testMatch: ['<rootDir>/*.test.cjs'],
};

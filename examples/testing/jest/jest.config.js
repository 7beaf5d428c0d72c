// Jest runs the example as native ESM (footfall/testing is ESM only):
//   NODE_OPTIONS=--experimental-vm-modules npx jest --config examples/testing/jest/jest.config.js
export default {
  testEnvironment: 'node',
  transform: {}, // plain JavaScript modules: nothing to compile
  rootDir: '.',
  testMatch: ['<rootDir>/*.test.js'],
};

// Express 4 is installed as `express4` (npm alias) beside Express 5 to test both; its API
// is close enough to Express 5's types for the routes the tests declare.
declare module 'express4' {
  import express from 'express';
  export default express;
}

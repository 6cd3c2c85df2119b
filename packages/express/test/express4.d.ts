// Express 4, installed beside 5 under the alias `express4` (see the catalog). Its types are Express
// 5's: the tests only run it, and the adapter's own types name no version.
declare module 'express4' {
  import express from 'express';
  export default express;
}

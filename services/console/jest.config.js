// Unit specs of the console's pure modules (src/**/*.spec.ts) and its browser tests (e2e/*.e2e.spec.ts, `int`).
module.exports = require('../../jest.preset.js')(__dirname);

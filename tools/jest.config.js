// Tests of the bench and chaos programs: unit tests of their pure helpers, and one short
// chaos run of the whole stack (tools/chaos/chaos.spec.ts) that starts its own servers.
module.exports = require('../jest.preset.js')(__dirname);

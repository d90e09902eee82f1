module.exports = async function globalTeardown() {
  for (const c of globalThis.__FENGQIAO_CONTAINERS__ ?? []) await c.stop();
};

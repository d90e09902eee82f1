// Finds the real servers integration tests run against, once per jest run (DESIGN §8, STYLE "Tests"):
//   1. explicit endpoints: KAFKA_BROKERS, MONGO_URL, KURRENTDB_URL (e.g. set by deploy/local/servers.sh env)
//   2. servers started by deploy/local/servers.sh on this machine (their recorded endpoints)
//   3. testcontainers, where a container runtime answers
//   4. none: the suites that need the server skip with the reason, or fail when CI is set.
// Results are passed to the test workers through the environment.
const net = require('node:net');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const root = __dirname;

function probe(hostPort, timeoutMs = 1500) {
  const [host, port] = splitHostPort(hostPort);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

function splitHostPort(hostPort) {
  const i = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, i), Number(hostPort.slice(i + 1))];
}

function hostPortOfUrl(url) {
  const u = new URL(url.replace(/^mongodb(\+srv)?:/, 'http:').replace(/^(esdb|kurrentdb|kurrent):/, 'http:'));
  return `${u.hostname}:${u.port || 27017}`;
}

function localServersEnv() {
  const script = path.join(root, 'deploy/local/servers.sh');
  if (!fs.existsSync(script)) return {};
  try {
    const out = execFileSync('bash', [script, 'env'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const env = {};
    for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]] = m[2].replace(/^['"]|['"]$/g, '');
    return env;
  } catch {
    return {};
  }
}

async function dockerAnswers() {
  if (process.env.FENGQIAO_NO_TESTCONTAINERS === '1') return false;
  try {
    const { getContainerRuntimeClient } = require('testcontainers');
    await Promise.race([getContainerRuntimeClient(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 5000).unref())]);
    return true;
  } catch {
    return false;
  }
}

module.exports = async function globalSetup() {
  const found = {};
  const reasons = {};
  const local = localServersEnv();

  const kafka = process.env.KAFKA_BROKERS || local.KAFKA_BROKERS;
  if (kafka) {
    const first = kafka.split(',')[0];
    if (await probe(first)) found.KAFKA_BROKERS = kafka;
    else reasons.kafka = `Kafka at ${kafka} does not answer (start it: bash deploy/local/servers.sh start)`;
  }
  const mongo = process.env.MONGO_URL || local.MONGO_URL;
  if (mongo) {
    if (await probe(hostPortOfUrl(mongo))) found.MONGO_URL = mongo;
    else reasons.mongo = `MongoDB at ${mongo} does not answer (start it: bash deploy/local/servers.sh start)`;
  }
  const kurrent = process.env.KURRENTDB_URL;
  if (kurrent) {
    if (await probe(hostPortOfUrl(kurrent))) found.KURRENTDB_URL = kurrent;
    else reasons.kurrentdb = `KurrentDB at ${kurrent} does not answer`;
  }

  // the interop tests' Python (another language's CloudEvents SDK, kafka-python, pymongo): .ci/run makes .venv-interop
  const python = process.env.INTEROP_PYTHON || path.join(root, '.venv-interop', 'bin', 'python');
  try {
    execFileSync(python, ['-c', 'import cloudevents.core.bindings.kafka, kafka, pymongo, dateutil'], { stdio: 'ignore', timeout: 30_000 });
    found.INTEROP_PYTHON = python;
  } catch {
    reasons.python = `no Python with the interop packages at ${python}: python3 -m venv .venv-interop && .venv-interop/bin/pip install -r tools/interop/requirements.txt`;
  }

  const missing = ['KAFKA_BROKERS', 'MONGO_URL', 'KURRENTDB_URL'].filter((k) => !found[k] && !process.env[k]);
  if (missing.length > 0 && (await dockerAnswers())) {
    const started = [];
    if (missing.includes('KAFKA_BROKERS')) {
      const { KafkaContainer } = require('@testcontainers/kafka');
      const c = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
      found.KAFKA_BROKERS = `${c.getHost()}:${c.getMappedPort(9093)}`;
      started.push(c);
    }
    if (missing.includes('MONGO_URL')) {
      const { MongoDBContainer } = require('@testcontainers/mongodb');
      const c = await new MongoDBContainer('mongo:8.0').start();
      found.MONGO_URL = `${c.getConnectionString()}?directConnection=true`;
      started.push(c);
    }
    if (missing.includes('KURRENTDB_URL')) {
      const { GenericContainer, Wait } = require('testcontainers');
      const c = await new GenericContainer('kurrentplatform/kurrentdb:25.0')
        .withEnvironment({ KURRENTDB_INSECURE: 'true', KURRENTDB_RUN_PROJECTIONS: 'None' })
        .withExposedPorts(2113)
        .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
        .start();
      found.KURRENTDB_URL = `kurrentdb://${c.getHost()}:${c.getMappedPort(2113)}?tls=false`;
      started.push(c);
    }
    globalThis.__FENGQIAO_CONTAINERS__ = started;
  }

  if (!found.KAFKA_BROKERS && !reasons.kafka) reasons.kafka = 'no Kafka: set KAFKA_BROKERS, run bash deploy/local/servers.sh start, or provide Docker';
  if (!found.MONGO_URL && !reasons.mongo) reasons.mongo = 'no MongoDB-wire server: set MONGO_URL, run bash deploy/local/servers.sh start, or provide Docker';
  if (!found.KURRENTDB_URL && !reasons.kurrentdb)
    reasons.kurrentdb = 'no KurrentDB server: none can be installed on this machine; set KURRENTDB_URL or provide Docker';

  for (const [k, v] of Object.entries(found)) process.env[k] = v;
  for (const [k, v] of Object.entries(reasons)) process.env[`FENGQIAO_NO_${k.toUpperCase()}`] = v;
};

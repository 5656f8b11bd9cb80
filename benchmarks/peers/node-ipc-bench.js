'use strict';
// node-ipc's round trip over TCP on loopback, between two Node processes, measured beside
// discordoo-sharding's link in the same benchmark run: the client emits an event carrying
// the benchmark's payload, the server emits it straight back.
//
//   node node-ipc-bench.js '{"payload": {...}, "warmup": 20000, "count": 20000, "runs": 5}'
//
// Prints one line of JSON: {"p50Nanos": [...], "p99Nanos": [...], "p999Nanos": [...]}.
const net = require('node:net');
const { fork } = require('node:child_process');

function quiet(ipc, id) {
  ipc.config.id = id;
  ipc.config.silent = true;
  ipc.config.retry = 100;
}

function server(port) {
  const ipc = require('node-ipc');
  quiet(ipc, 'bench-server');
  ipc.serveNet('127.0.0.1', port, () => {
    ipc.server.on('echo', (data, socket) => ipc.server.emit(socket, 'echo', data));
    process.send({ listening: true });
  });
  ipc.server.start();
  process.on('disconnect', () => process.exit(0));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function client(options) {
  const payload = options.payload ?? {};
  const warmup = options.warmup ?? 20000;
  const count = options.count ?? 20000;
  const runs = options.runs ?? 5;
  const port = await freePort();
  const child = fork(__filename, ['server', String(port)]);
  await new Promise((resolve) => child.once('message', resolve));
  const ipc = require('node-ipc');
  quiet(ipc, 'bench-client');
  await new Promise((resolve) => ipc.connectToNet('bench-server', '127.0.0.1', port, resolve));
  const connection = ipc.of['bench-server'];
  await new Promise((resolve) => (connection.socket && !connection.socket.connecting) ? resolve() : connection.on('connect', resolve));
  let pending = null;
  connection.on('echo', () => pending && pending());
  const roundTrips = async (n) => {
    const samples = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const start = process.hrtime.bigint();
      await new Promise((resolve) => {
        pending = resolve;
        connection.emit('echo', payload);
      });
      samples[i] = Number(process.hrtime.bigint() - start);
    }
    return samples.sort();
  };
  await roundTrips(warmup);
  const result = { p50Nanos: [], p99Nanos: [], p999Nanos: [] };
  for (let run = 0; run < runs; run++) {
    const sorted = await roundTrips(count);
    result.p50Nanos.push(percentile(sorted, 50));
    result.p99Nanos.push(percentile(sorted, 99));
    result.p999Nanos.push(percentile(sorted, 99.9));
  }
  ipc.disconnect('bench-server');
  child.disconnect();
  child.kill();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[2] === 'server') {
  server(Number(process.argv[3]));
}
else {
  client(JSON.parse(process.argv[2] || '{}')).then(() => process.exit(0), (error) => {
    console.error(error);
    process.exit(1);
  });
}

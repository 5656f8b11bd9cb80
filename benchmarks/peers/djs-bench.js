'use strict';
// discord.js ShardingManager with 4 child processes (mode 'process'), measured beside
// discordoo-sharding in the same benchmark run: spawn of all 4, broadcastEval fan-out
// round trips, and kill -9 of one child until the manager has respawned it and it is
// ready again. The children run djs-shard.js, which creates no Client (see there).
//
//   node djs-bench.js '{"payload": {...}, "warmup": 5000, "count": 2000, "runs": 5,
//                       "spawnRuns": 5, "kills": 5}'
//
// Prints one line of JSON: {"spawnNanos": [...], "p50Nanos": [...], "p99Nanos": [...],
// "deathNanos": [...], "readyNanos": [...]}.
const path = require('node:path');
const { ShardingManager } = require('discord.js');

const options = JSON.parse(process.argv[2] || '{}');
const shards = options.shards ?? 4;
const payload = options.payload ?? {};
const warmup = options.warmup ?? 5000;
const count = options.count ?? 2000;
const runs = options.runs ?? 5;
const spawnRuns = options.spawnRuns ?? 5;
const kills = options.kills ?? 5;

function newManager() {
  return new ShardingManager(path.join(__dirname, 'djs-shard.js'), {
    totalShards: shards,
    mode: 'process',
    respawn: true,
    // never used: the shards do not log in; set so that nothing looks one up
    token: 'not-a-token',
  });
}

async function spawn(manager) {
  const start = process.hrtime.bigint();
  // delay 0: discord.js waits 5.5 s between shards by default, for Discord's identify limit
  await manager.spawn({ amount: shards, delay: 0, timeout: 60_000 });
  return Number(process.hrtime.bigint() - start);
}

function stop(manager) {
  for (const shard of manager.shards.values()) {
    shard.kill();
  }
}

async function fanOut(manager, n) {
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    const results = await manager.broadcastEval((client, context) => context.payload, { context: { payload } });
    samples[i] = Number(process.hrtime.bigint() - start);
    if (results.length !== shards) {
      throw new Error(`broadcastEval answered ${results.length} of ${shards}`);
    }
  }
  return samples.sort();
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function once(emitter, event) {
  return new Promise((resolve) => emitter.once(event, resolve));
}

async function killAndRecover(manager, index) {
  const shard = manager.shards.get(index);
  const died = once(shard, 'death');
  const ready = once(shard, 'ready');
  const start = process.hrtime.bigint();
  process.kill(shard.process.pid, 'SIGKILL');
  await died;
  const death = Number(process.hrtime.bigint() - start);
  await ready;
  return [death, Number(process.hrtime.bigint() - start)];
}

async function main() {
  const result = { spawnNanos: [], p50Nanos: [], p99Nanos: [], deathNanos: [], readyNanos: [] };
  for (let run = -1; run < spawnRuns; run++) {
    const manager = newManager();
    const took = await spawn(manager);
    if (run >= 0) {
      result.spawnNanos.push(took);
    }
    stop(manager);
  }
  const manager = newManager();
  await spawn(manager);
  await fanOut(manager, warmup);
  for (let run = 0; run < runs; run++) {
    const sorted = await fanOut(manager, count);
    result.p50Nanos.push(percentile(sorted, 50));
    result.p99Nanos.push(percentile(sorted, 99));
  }
  for (let kill = -1; kill < kills; kill++) {
    const [death, ready] = await killAndRecover(manager, (kill + 1) % shards);
    if (kill >= 0) {
      result.deathNanos.push(death);
      result.readyNanos.push(ready);
    }
  }
  stop(manager);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});

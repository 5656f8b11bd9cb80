'use strict';
// A discord.js shard without a Client: it never logs in, so no token and no gateway are
// needed. It answers the ShardingManager's process messages the way discord.js's own
// ShardClientUtil does inside a Client: {_ready: true} once started, and every {_eval}
// with {_eval, _result} (or {_eval, _error}), evaluating the script with `this` bound to
// a stand-in for the client. What is measured is therefore discord.js's sharding IPC
// (child_process messages between the ShardingManager and its children), not Discord.
const client = {
  shard: { ids: [Number(process.env.SHARDS)], count: Number(process.env.SHARD_COUNT) },
};

process.on('message', async (message) => {
  if (!message || message._eval === undefined) {
    return;
  }
  try {
    // eslint-disable-next-line no-eval
    const result = await (function evaluate() { return eval(message._eval); }).call(client);
    process.send({ _eval: message._eval, _result: result });
  }
  catch (error) {
    process.send({ _eval: message._eval, _error: { name: error.name, message: error.message } });
  }
});

process.send({ _ready: true });

package dev.discordoo.sharding.instance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Which instance runs which shards, as the manager told this instance.
 *
 * @param totalShards the bot's total shard count
 * @param shardsByInstance the shards of each instance, by instance index
 */
record InstanceAllocation(int totalShards, List<List<Integer>> shardsByInstance) {

	static InstanceAllocation fromJson(JsonNode json) {
		List<List<Integer>> shards = new ArrayList<>();
		for (JsonNode instance : json.path("instances")) {
			int index = instance.path("index").asInt();
			while (shards.size() <= index) {
				shards.add(List.of());
			}
			List<Integer> ids = new ArrayList<>();
			instance.path("shards").forEach((id) -> ids.add(id.asInt()));
			shards.set(index, List.copyOf(ids));
		}
		return new InstanceAllocation(json.path("total_shards").asInt(), List.copyOf(shards));
	}

	int instanceCount() {
		return this.shardsByInstance.size();
	}

	List<Integer> shardsOf(int index) {
		return (index >= 0 && index < this.shardsByInstance.size()) ? this.shardsByInstance.get(index) : List.of();
	}

	int instanceOfShard(int shard) {
		return ownerByShard().getOrDefault(shard, -1);
	}

	private Map<Integer, Integer> ownerByShard() {
		Map<Integer, Integer> owners = new HashMap<>();
		for (int index = 0; index < this.shardsByInstance.size(); index++) {
			for (int shard : this.shardsByInstance.get(index)) {
				owners.put(shard, index);
			}
		}
		return owners;
	}

}

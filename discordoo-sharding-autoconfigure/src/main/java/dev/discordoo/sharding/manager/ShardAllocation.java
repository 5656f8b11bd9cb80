package dev.discordoo.sharding.manager;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The plan of sharding instances a sharding manager runs: which shard ids exist, and which
 * of them each instance runs.
 *
 * <p>The shard ids come from the {@value #SHARDS_PROPERTY} property, parsed as
 * {@link ShardIds}: a count, or a list of shard ids and {@code from-to} ranges.
 *
 * <p>The shard ids are cut, in the order they are given, into instances of
 * {@value #SHARDS_PER_INSTANCE_PROPERTY} shards each; the last instance may run fewer. Keeping
 * the given order (rather than sorting) lets the user decide which shards share an instance.
 *
 * <p>When {@value #TOTAL_SHARDS_PROPERTY} is not set it defaults to the largest shard id plus
 * one. For a count, or a list that starts at 0 without gaps, that is the count of shards; for
 * a list such as {@code 4-7} it is 8 rather than 4, because a total of 4 would put every listed
 * id out of range. The total may exceed the listed shards, when several hosts split one bot.
 *
 * <p>Instances of this class are immutable.
 */
public final class ShardAllocation {

	/** The property holding the shard ids this manager runs. */
	public static final String SHARDS_PROPERTY = "discordoo.sharding.shards";

	/** The property holding the number of shards of the whole bot. */
	public static final String TOTAL_SHARDS_PROPERTY = "discordoo.sharding.total-shards";

	/** The property holding the number of shards each instance runs. */
	public static final String SHARDS_PER_INSTANCE_PROPERTY = "discordoo.sharding.shards-per-instance";

	/**
	 * The largest accepted total number of shards. Far above what any bot needs, it turns a
	 * typing slip such as {@code 0-2000000000} into a clear error instead of an out of memory.
	 */
	public static final int MAX_TOTAL_SHARDS = 1 << 20;

	private final int totalShards;

	private final int shardsPerInstance;

	private final List<Integer> shards;

	private final List<InstancePlan> instances;

	private final Map<Integer, Integer> instanceOfShard;

	private ShardAllocation(int totalShards, int shardsPerInstance, List<Integer> shards) {
		this.totalShards = totalShards;
		this.shardsPerInstance = shardsPerInstance;
		this.shards = List.copyOf(shards);
		List<InstancePlan> instances = new ArrayList<>();
		for (int from = 0; from < shards.size(); from += shardsPerInstance) {
			int to = Math.min(from + shardsPerInstance, shards.size());
			instances.add(new InstancePlan(instances.size(), shards.subList(from, to)));
		}
		this.instances = List.copyOf(instances);
		Map<Integer, Integer> instanceOfShard = new HashMap<>();
		this.instances.forEach((plan) -> plan.shards().forEach((shard) -> instanceOfShard.put(shard, plan.index())));
		this.instanceOfShard = Map.copyOf(instanceOfShard);
	}

	/**
	 * Plan the instances for the given configuration.
	 * @param shards the {@value #SHARDS_PROPERTY} value: a count, or a list of shard ids and
	 * {@code from-to} ranges
	 * @param totalShards the {@value #TOTAL_SHARDS_PROPERTY} value, or {@code null} for the
	 * largest shard id plus one
	 * @param shardsPerInstance the {@value #SHARDS_PER_INSTANCE_PROPERTY} value
	 * @return the plan
	 * @throws InvalidConfigurationPropertyValueException if a value is malformed or out of
	 * range, naming the property, the value and the reason
	 */
	public static ShardAllocation of(String shards, Integer totalShards, int shardsPerInstance) {
		return of(ShardIds.parse(shards), totalShards, shardsPerInstance);
	}

	/**
	 * Plan the instances for the given configuration.
	 * @param shards the shard ids; not {@value ShardIds#AUTO}, which must be resolved first
	 * @param totalShards the {@value #TOTAL_SHARDS_PROPERTY} value, or {@code null} for the
	 * largest shard id plus one
	 * @param shardsPerInstance the {@value #SHARDS_PER_INSTANCE_PROPERTY} value
	 * @return the plan
	 * @throws InvalidConfigurationPropertyValueException if a value is out of range, naming
	 * the property, the value and the reason
	 */
	public static ShardAllocation of(ShardIds shards, Integer totalShards, int shardsPerInstance) {
		if (shards.isAuto()) {
			throw new IllegalStateException(SHARDS_PROPERTY + " is " + ShardIds.AUTO
					+ ": plan the shards of Discord's recommended total instead");
		}
		int total = check(shards, totalShards, shardsPerInstance);
		return new ShardAllocation(total, shardsPerInstance, shards.ids());
	}

	/**
	 * Check that the three values fit together, as far as they are known: with
	 * {@value ShardIds#AUTO} shards, the ids are not.
	 * @param shards the {@value #SHARDS_PROPERTY} value
	 * @param totalShards the {@value #TOTAL_SHARDS_PROPERTY} value, or {@code null}
	 * @param shardsPerInstance the {@value #SHARDS_PER_INSTANCE_PROPERTY} value
	 * @throws InvalidConfigurationPropertyValueException if a value is out of range, naming
	 * the property, the value and the reason
	 */
	public static void validate(ShardIds shards, Integer totalShards, int shardsPerInstance) {
		check(shards, totalShards, shardsPerInstance);
	}

	/**
	 * Check the values and return the total, or 0 when it is not known yet.
	 */
	private static int check(ShardIds shards, Integer totalShards, int shardsPerInstance) {
		if (shardsPerInstance < 1) {
			throw new InvalidConfigurationPropertyValueException(SHARDS_PER_INSTANCE_PROPERTY, shardsPerInstance,
					"must be at least 1");
		}
		if (totalShards != null) {
			checkTotal(totalShards);
		}
		if (shards.isAuto()) {
			return (totalShards != null) ? totalShards : 0;
		}
		int maxId = shards.ids().stream().mapToInt(Integer::intValue).max().getAsInt();
		int total = (totalShards != null) ? totalShards : maxId + 1;
		if (maxId >= total) {
			throw new InvalidConfigurationPropertyValueException(SHARDS_PROPERTY, shards, "shard id " + maxId
					+ " is out of range for " + TOTAL_SHARDS_PROPERTY + "=" + total + " (shard ids go from 0 to "
					+ (total - 1) + ")");
		}
		return total;
	}

	/**
	 * Return the total number of shards of the bot, across every manager.
	 * @return the total, at least 1
	 */
	public int totalShards() {
		return this.totalShards;
	}

	/**
	 * Return the largest number of shards an instance runs.
	 * @return the shards per instance, at least 1
	 */
	public int shardsPerInstance() {
		return this.shardsPerInstance;
	}

	/**
	 * Return every shard id this manager runs, in the configured order.
	 * @return an immutable, non-empty list of distinct shard ids
	 */
	public List<Integer> shards() {
		return this.shards;
	}

	/**
	 * Return the instances to run, in index order from index 0.
	 * @return an immutable, non-empty list of instance plans
	 */
	public List<InstancePlan> instances() {
		return this.instances;
	}

	/**
	 * Return the index of the instance that runs a shard.
	 * @param shardId the shard id
	 * @return the instance index, or {@code -1} when no instance of this plan runs it
	 */
	public int instanceOf(int shardId) {
		return this.instanceOfShard.getOrDefault(shardId, -1);
	}

	@Override
	public String toString() {
		return "ShardAllocation[totalShards=" + this.totalShards + ", instances=" + this.instances + "]";
	}

	private static void checkTotal(int totalShards) {
		if (totalShards < 1) {
			throw new InvalidConfigurationPropertyValueException(TOTAL_SHARDS_PROPERTY, totalShards, "must be at least 1");
		}
		if (totalShards > MAX_TOTAL_SHARDS) {
			throw new InvalidConfigurationPropertyValueException(TOTAL_SHARDS_PROPERTY, totalShards,
					"must be at most " + MAX_TOTAL_SHARDS);
		}
	}

}

package dev.discordoo.sharding.manager;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plan of sharding instances a sharding manager runs: which shard ids exist, and which
 * of them each instance runs.
 *
 * <p>The shard ids come from the {@value #SHARDS_PROPERTY} property, which takes one of:
 * <ul>
 * <li>a count: {@code 8} means shard ids 0 to 7;</li>
 * <li>a comma-separated list of shard ids and inclusive {@code from-to} ranges, freely mixed:
 * {@code 0,2,5}, {@code 4-11}, {@code 0-3,8,10-11}.</li>
 * </ul>
 * Whitespace around numbers, commas and dashes is ignored. A single number is always a count;
 * a single shard id is written as a range, such as {@code 5-5}.
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

	private static final Pattern NUMBER = Pattern.compile("-?\\d+");

	private static final Pattern RANGE = Pattern.compile("(-?\\d+)\\s*-\\s*(-?\\d+)");

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
	 * @throws InvalidShardingPropertyException if a value is malformed or out of range, naming
	 * the property, the value and the reason
	 */
	public static ShardAllocation of(String shards, Integer totalShards, int shardsPerInstance) {
		if (shardsPerInstance < 1) {
			throw new InvalidShardingPropertyException(SHARDS_PER_INSTANCE_PROPERTY, shardsPerInstance,
					"must be at least 1");
		}
		if (totalShards != null) {
			checkTotal(totalShards);
		}
		List<Integer> ids = parse(shards);
		int maxId = ids.stream().mapToInt(Integer::intValue).max().getAsInt();
		int total = (totalShards != null) ? totalShards : maxId + 1;
		if (maxId >= total) {
			throw new InvalidShardingPropertyException(SHARDS_PROPERTY, shards, "shard id " + maxId
					+ " is out of range for " + TOTAL_SHARDS_PROPERTY + "=" + total + " (shard ids go from 0 to "
					+ (total - 1) + ")");
		}
		return new ShardAllocation(total, shardsPerInstance, ids);
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
			throw new InvalidShardingPropertyException(TOTAL_SHARDS_PROPERTY, totalShards, "must be at least 1");
		}
		if (totalShards > MAX_TOTAL_SHARDS) {
			throw new InvalidShardingPropertyException(TOTAL_SHARDS_PROPERTY, totalShards,
					"must be at most " + MAX_TOTAL_SHARDS);
		}
	}

	private static List<Integer> parse(String text) {
		if (text == null || text.isBlank()) {
			throw new InvalidShardingPropertyException(SHARDS_PROPERTY, text,
					"must not be empty: give a count, a list of shard ids or a from-to range");
		}
		String trimmed = text.trim();
		if (trimmed.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return parseCount(text, trimmed);
		}
		List<Integer> ids = new ArrayList<>();
		BitSet seen = new BitSet();
		// limit -1 keeps trailing empty elements so that "1,2," is reported rather than ignored
		for (String element : trimmed.split(",", -1)) {
			String item = element.trim();
			Matcher range = RANGE.matcher(item);
			if (NUMBER.matcher(item).matches()) {
				add(text, parseId(text, item), ids, seen);
			}
			else if (range.matches()) {
				int from = parseId(text, range.group(1));
				int to = parseId(text, range.group(2));
				if (from > to) {
					throw new InvalidShardingPropertyException(SHARDS_PROPERTY, text,
							"range " + from + "-" + to + " starts after it ends");
				}
				for (int id = from; id <= to; id++) {
					add(text, id, ids, seen);
				}
			}
			else {
				throw new InvalidShardingPropertyException(SHARDS_PROPERTY, text, "expected a count, or a "
						+ "comma-separated list of shard ids and from-to ranges, but found '" + item + "'");
			}
		}
		return ids;
	}

	private static List<Integer> parseCount(String text, String digits) {
		int count = parseNumber(digits);
		if (count < 1) {
			throw new InvalidShardingPropertyException(SHARDS_PROPERTY, text, "a shard count must be at least 1");
		}
		if (count > MAX_TOTAL_SHARDS) {
			throw new InvalidShardingPropertyException(SHARDS_PROPERTY, text,
					"a shard count must be at most " + MAX_TOTAL_SHARDS);
		}
		List<Integer> ids = new ArrayList<>(count);
		for (int id = 0; id < count; id++) {
			ids.add(id);
		}
		return ids;
	}

	private static int parseId(String text, String number) {
		int id = parseNumber(number);
		if (id < 0) {
			throw new InvalidShardingPropertyException(SHARDS_PROPERTY, text, "shard id " + number + " is negative");
		}
		if (id >= MAX_TOTAL_SHARDS) {
			throw new InvalidShardingPropertyException(SHARDS_PROPERTY, text,
					"shard id " + number + " is too large (at most " + (MAX_TOTAL_SHARDS - 1) + ")");
		}
		return id;
	}

	/**
	 * Parse a number already matched as optional minus and digits, saturating instead of
	 * overflowing so that the range checks report it.
	 */
	private static int parseNumber(String number) {
		try {
			return Integer.parseInt(number);
		}
		catch (NumberFormatException ex) {
			return number.startsWith("-") ? Integer.MIN_VALUE : Integer.MAX_VALUE;
		}
	}

	private static void add(String text, int id, List<Integer> ids, BitSet seen) {
		if (seen.get(id)) {
			throw new InvalidShardingPropertyException(SHARDS_PROPERTY, text, "shard id " + id + " is listed twice");
		}
		seen.set(id);
		ids.add(id);
	}

}

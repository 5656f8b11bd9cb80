package dev.discordoo.sharding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntUnaryOperator;

/**
 * Which sharding instances a broadcast or a request goes to. Instances are addressed by
 * instance index; a Discord shard or guild is routed to the instance that runs it.
 */
public final class Targets {

	private enum Kind {

		ALL, OTHERS, INSTANCES, SHARD, GUILD

	}

	private final Kind kind;

	private final List<Integer> instances;

	private final long id;

	private Targets(Kind kind, List<Integer> instances, long id) {
		this.kind = kind;
		this.instances = instances;
		this.id = id;
	}

	/**
	 * Every instance, the sender included.
	 * @return the targets
	 */
	public static Targets all() {
		return new Targets(Kind.ALL, List.of(), 0);
	}

	/**
	 * Every instance but the sending one (from the manager: every instance).
	 * @return the targets
	 */
	public static Targets others() {
		return new Targets(Kind.OTHERS, List.of(), 0);
	}

	/**
	 * The instances with these indices.
	 * @param indices instance indices
	 * @return the targets
	 */
	public static Targets instances(int... indices) {
		return instances(Arrays.stream(indices).boxed().toList());
	}

	/**
	 * The instances with these indices.
	 * @param indices instance indices
	 * @return the targets
	 */
	public static Targets instances(Collection<Integer> indices) {
		Set<Integer> distinct = new LinkedHashSet<>(indices);
		for (int index : distinct) {
			if (index < 0) {
				throw new IllegalArgumentException("instance index must not be negative, was " + index);
			}
		}
		return new Targets(Kind.INSTANCES, List.copyOf(distinct), 0);
	}

	/**
	 * The instance that runs a Discord shard.
	 * @param shardId the shard id
	 * @return the targets
	 */
	public static Targets shard(int shardId) {
		if (shardId < 0) {
			throw new IllegalArgumentException("shard id must not be negative, was " + shardId);
		}
		return new Targets(Kind.SHARD, List.of(), shardId);
	}

	/**
	 * The instance that runs the shard of a guild: shard {@code (guildId >> 22) % totalShards}.
	 * @param guildId the guild's snowflake
	 * @return the targets
	 */
	public static Targets guild(long guildId) {
		return new Targets(Kind.GUILD, List.of(), guildId);
	}

	/**
	 * Return the Discord shard of a guild: {@code (guildId >> 22) % totalShards}, with the
	 * guild id read as unsigned.
	 * @param guildId the guild's snowflake
	 * @param totalShards the bot's total shard count
	 * @return the shard id
	 */
	public static int shardFor(long guildId, int totalShards) {
		if (totalShards < 1) {
			throw new IllegalArgumentException("totalShards must be at least 1, was " + totalShards);
		}
		return (int) Long.remainderUnsigned(guildId >>> 22, totalShards);
	}

	/**
	 * Return whether these targets are every instance ({@link #all()}).
	 * @return whether they are all instances
	 */
	public boolean isAll() {
		return this.kind == Kind.ALL;
	}

	/**
	 * Resolve to instance indices.
	 * @param instanceCount how many instances there are
	 * @param totalShards the bot's total shard count
	 * @param instanceOfShard the index of the instance running a shard, or -1 if none does
	 * @param self the sender's own index, or -1 for the manager
	 * @return the instance indices, in order; an index may name an instance that does not
	 * exist (it then answers NOT_CONNECTED)
	 * @throws IllegalArgumentException if a shard or guild is not run by any instance
	 */
	public List<Integer> resolve(int instanceCount, int totalShards, IntUnaryOperator instanceOfShard, int self) {
		return switch (this.kind) {
			case ALL -> range(instanceCount, -1);
			case OTHERS -> range(instanceCount, self);
			case INSTANCES -> this.instances;
			case SHARD -> List.of(owner((int) this.id, instanceOfShard));
			case GUILD -> List.of(owner(shardFor(this.id, totalShards), instanceOfShard));
		};
	}

	private static List<Integer> range(int count, int skip) {
		List<Integer> indices = new ArrayList<>(count);
		for (int index = 0; index < count; index++) {
			if (index != skip) {
				indices.add(index);
			}
		}
		return indices;
	}

	private static int owner(int shard, IntUnaryOperator instanceOfShard) {
		int owner = instanceOfShard.applyAsInt(shard);
		if (owner < 0) {
			throw new IllegalArgumentException("no instance of this manager runs shard " + shard);
		}
		return owner;
	}

	@Override
	public String toString() {
		return switch (this.kind) {
			case ALL -> "all instances";
			case OTHERS -> "all other instances";
			case INSTANCES -> "instances " + this.instances;
			case SHARD -> "the instance of shard " + this.id;
			case GUILD -> "the instance of guild " + Long.toUnsignedString(this.id);
		};
	}

}

package dev.discordoo.sharding.snowflake;

import java.math.BigInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates and reads DiscordooSnowflakes, the identifiers of sharding managers, sharding
 * instances and packets.
 *
 * <p>A snowflake is an unsigned integer of up to 128 bits, carried on the wire as a decimal
 * string: {@code ((timestamp - EPOCH) << 86) | (workerId << 54) | (shardId << 22) | increment}.
 * The worker id and the shard id take 32 bits each, the increment 22 bits.
 *
 * <p>Generation is thread-safe and never repeats an id within a process: the timestamp and
 * increment advance together as one atomic counter, so that when more than
 * {@value #MAX_INCREMENT} ids are asked for in one millisecond the timestamp of the later ones
 * moves on to the next millisecond instead of repeating an increment.
 */
public final class DiscordooSnowflake {

	/** The epoch of snowflake timestamps: 2021-01-01T00:00:00Z in milliseconds. */
	public static final long EPOCH = 1609459200000L;

	/** The shard id that marks a sharding manager's own snowflake. */
	public static final long MANAGER_SHARD_ID = 1111111111L;

	/** The exclusive upper bound of the increment: it wraps before reaching this value. */
	public static final long MAX_INCREMENT = 4194302L;

	private static final long MAX_ID = 0xFFFF_FFFFL;

	private static final int INCREMENT_BITS = 22;

	private static final int SHARD_SHIFT = 22;

	private static final int WORKER_SHIFT = 54;

	private static final int TIMESTAMP_SHIFT = 86;

	private static final BigInteger MAX_VALUE = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

	private static final BigInteger ID_MASK = BigInteger.valueOf(MAX_ID);

	private static final BigInteger INCREMENT_MASK = BigInteger.valueOf((1L << INCREMENT_BITS) - 1);

	/** (timestamp - EPOCH) << 22 | increment of the last generated id. */
	private static final AtomicLong lastTick = new AtomicLong();

	private DiscordooSnowflake() {
	}

	/**
	 * Generate a fresh snowflake for the current time.
	 * @param shardId the shard id (0 to 2^32-1); {@link #MANAGER_SHARD_ID} for a manager,
	 * the instance index for an instance
	 * @param workerId the worker id (0 to 2^32-1), the manager's process id
	 * @return the snowflake as a decimal string
	 */
	public static String generate(long shardId, long workerId) {
		checkId("shardId", shardId);
		checkId("workerId", workerId);
		long tick = nextTick(System.currentTimeMillis());
		return compose(EPOCH + (tick >>> INCREMENT_BITS), workerId, shardId, tick & ((1L << INCREMENT_BITS) - 1));
	}

	/**
	 * Generate a snowflake for a given time with increment 0.
	 * @param shardId the shard id (0 to 2^32-1)
	 * @param workerId the worker id (0 to 2^32-1)
	 * @param timestamp epoch milliseconds, not before {@link #EPOCH}
	 * @return the snowflake as a decimal string
	 */
	public static String generate(long shardId, long workerId, long timestamp) {
		return generate(shardId, workerId, timestamp, 0);
	}

	/**
	 * Generate a snowflake from all of its parts.
	 * @param shardId the shard id (0 to 2^32-1)
	 * @param workerId the worker id (0 to 2^32-1)
	 * @param timestamp epoch milliseconds, not before {@link #EPOCH}
	 * @param increment the increment (0 to {@value #MAX_INCREMENT} exclusive)
	 * @return the snowflake as a decimal string
	 */
	public static String generate(long shardId, long workerId, long timestamp, long increment) {
		checkId("shardId", shardId);
		checkId("workerId", workerId);
		checkTimestamp(timestamp);
		if (increment < 0 || increment >= MAX_INCREMENT) {
			throw new IllegalArgumentException(
					"increment must be between 0 and " + (MAX_INCREMENT - 1) + ", was " + increment);
		}
		return compose(timestamp, workerId, shardId, increment);
	}

	/**
	 * Generate the smallest snowflake of a millisecond: only its timestamp part is set. Useful
	 * as a bound when comparing snowflakes by time.
	 * @param timestamp epoch milliseconds, not before {@link #EPOCH}
	 * @return the snowflake as a decimal string
	 */
	public static String generatePartial(long timestamp) {
		checkTimestamp(timestamp);
		return BigInteger.valueOf(timestamp - EPOCH).shiftLeft(TIMESTAMP_SHIFT).toString();
	}

	/**
	 * Read the parts of a snowflake.
	 * @param snowflake a snowflake as a decimal string
	 * @return its parts
	 * @throws IllegalArgumentException if the text is not an unsigned decimal of at most
	 * 128 bits
	 */
	public static DeconstructedSnowflake deconstruct(String snowflake) {
		if (snowflake == null || snowflake.isEmpty() || !snowflake.chars().allMatch(c -> c >= '0' && c <= '9')) {
			throw new IllegalArgumentException("snowflake must be an unsigned decimal string, was '" + snowflake + "'");
		}
		BigInteger value = new BigInteger(snowflake);
		if (value.compareTo(MAX_VALUE) > 0) {
			throw new IllegalArgumentException("snowflake must fit in 128 bits, was " + snowflake);
		}
		long timestamp = value.shiftRight(TIMESTAMP_SHIFT).longValueExact() + EPOCH;
		long workerId = value.shiftRight(WORKER_SHIFT).and(ID_MASK).longValue();
		long shardId = value.shiftRight(SHARD_SHIFT).and(ID_MASK).longValue();
		long increment = value.and(INCREMENT_MASK).longValue();
		return new DeconstructedSnowflake(timestamp, workerId, shardId, increment);
	}

	private static long nextTick(long now) {
		long nowTick = Math.max(0, now - EPOCH) << INCREMENT_BITS;
		while (true) {
			long last = lastTick.get();
			long next;
			if (nowTick > last) {
				next = nowTick;
			}
			else if ((last & ((1L << INCREMENT_BITS) - 1)) + 1 < MAX_INCREMENT) {
				next = last + 1;
			}
			else {
				// increment exhausted in this millisecond: borrow the next one
				next = ((last >>> INCREMENT_BITS) + 1) << INCREMENT_BITS;
			}
			if (lastTick.compareAndSet(last, next)) {
				return next;
			}
		}
	}

	private static String compose(long timestamp, long workerId, long shardId, long increment) {
		// The low 86 bits fit in two longs: high = bits 64..85, low = bits 0..63.
		BigInteger low = BigInteger.valueOf(workerId).shiftLeft(WORKER_SHIFT)
			.or(BigInteger.valueOf((shardId << SHARD_SHIFT) | increment));
		return BigInteger.valueOf(timestamp - EPOCH).shiftLeft(TIMESTAMP_SHIFT).or(low).toString();
	}

	private static void checkId(String name, long id) {
		if (id < 0 || id > MAX_ID) {
			throw new IllegalArgumentException(name + " must be between 0 and " + MAX_ID + ", was " + id);
		}
	}

	private static void checkTimestamp(long timestamp) {
		if (timestamp < EPOCH) {
			throw new IllegalArgumentException("timestamp must not be before " + EPOCH + " (2021-01-01), was " + timestamp);
		}
	}

}

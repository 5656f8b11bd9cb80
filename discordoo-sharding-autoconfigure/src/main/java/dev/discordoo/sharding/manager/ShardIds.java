package dev.discordoo.sharding.manager;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The value of {@value ShardAllocation#SHARDS_PROPERTY}: the shard ids a manager runs, or
 * {@value #AUTO} for every shard of the total Discord recommends.
 *
 * <p>Parsed from one of:
 * <ul>
 * <li>a count: {@code 8} means shard ids 0 to 7;</li>
 * <li>a comma-separated list of shard ids and inclusive {@code from-to} ranges, freely mixed:
 * {@code 0,2,5}, {@code 4-11}, {@code 0-3,8,10-11};</li>
 * <li>{@value #AUTO}, in any case: the ids are only known once Discord told the total.</li>
 * </ul>
 * Whitespace around numbers, commas and dashes is ignored. A single number is always a count;
 * a single shard id is written as a range, such as {@code 5-5}. The ids keep the order they
 * are given in.
 *
 * <p>Instances are immutable.
 */
public final class ShardIds {

	/** The value that takes every shard of Discord's recommended total. */
	public static final String AUTO = "auto";

	private static final Pattern NUMBER = Pattern.compile("-?\\d+");

	private static final Pattern RANGE = Pattern.compile("(-?\\d+)\\s*-\\s*(-?\\d+)");

	private final String text;

	private final @Nullable List<Integer> ids;

	private ShardIds(String text, @Nullable List<Integer> ids) {
		this.text = text;
		this.ids = (ids != null) ? List.copyOf(ids) : null;
	}

	/**
	 * Parse a value of {@value ShardAllocation#SHARDS_PROPERTY}.
	 * @param text the value as written
	 * @return the shard ids
	 * @throws InvalidConfigurationPropertyValueException if the value is malformed or out of
	 * range, naming the property, the value and the reason
	 */
	public static ShardIds parse(@Nullable String text) {
		if (text == null || text.isBlank()) {
			throw invalid(text, "must not be empty: give a count, a list of shard ids, a from-to range or auto");
		}
		String trimmed = text.trim();
		if (AUTO.equalsIgnoreCase(trimmed)) {
			return new ShardIds(text, null);
		}
		if (trimmed.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return new ShardIds(text, parseCount(text, trimmed));
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
					throw invalid(text, "range " + from + "-" + to + " starts after it ends");
				}
				for (int id = from; id <= to; id++) {
					add(text, id, ids, seen);
				}
			}
			else {
				throw invalid(text, "expected a count, or a comma-separated list of shard ids and from-to ranges, "
						+ "but found '" + item + "'");
			}
		}
		return new ShardIds(text, ids);
	}

	/**
	 * Return whether the ids are every shard of Discord's recommended total, unknown until
	 * Discord told it.
	 * @return whether the value is {@value #AUTO}
	 */
	public boolean isAuto() {
		return this.ids == null;
	}

	/**
	 * Return the shard ids, in the order given.
	 * @return an immutable, non-empty list of distinct shard ids
	 * @throws IllegalStateException if the value is {@value #AUTO}
	 */
	public List<Integer> ids() {
		if (this.ids == null) {
			throw new IllegalStateException(ShardAllocation.SHARDS_PROPERTY + " is " + AUTO
					+ ": the shard ids come from Discord's recommended total");
		}
		return this.ids;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof ShardIds that)) {
			return false;
		}
		return (this.ids != null) ? this.ids.equals(that.ids) : that.ids == null;
	}

	@Override
	public int hashCode() {
		return (this.ids != null) ? this.ids.hashCode() : 0;
	}

	/**
	 * Return the value as it was written.
	 * @return the text parsed
	 */
	@Override
	public String toString() {
		return this.text;
	}

	private static List<Integer> parseCount(String text, String digits) {
		int count = parseNumber(digits);
		if (count < 1) {
			throw invalid(text, "a shard count must be at least 1");
		}
		if (count > ShardAllocation.MAX_TOTAL_SHARDS) {
			throw invalid(text, "a shard count must be at most " + ShardAllocation.MAX_TOTAL_SHARDS);
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
			throw invalid(text, "shard id " + number + " is negative");
		}
		if (id >= ShardAllocation.MAX_TOTAL_SHARDS) {
			throw invalid(text, "shard id " + number + " is too large (at most " + (ShardAllocation.MAX_TOTAL_SHARDS - 1)
					+ ")");
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
			throw invalid(text, "shard id " + id + " is listed twice");
		}
		seen.set(id);
		ids.add(id);
	}

	private static InvalidConfigurationPropertyValueException invalid(@Nullable String text, String reason) {
		return new InvalidConfigurationPropertyValueException(ShardAllocation.SHARDS_PROPERTY, text, reason);
	}

}

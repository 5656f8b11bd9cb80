package dev.discordoo.sharding.manager;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import tools.jackson.databind.JsonNode;

/**
 * The {@code targets} of a DISPATCH or REQUEST an instance asks the manager to relay, read
 * from the wire. A peer chooses them, so they are checked before anything is sent: each
 * instance at most once, and only instances that exist. A relay therefore fans out to no more
 * targets than there are instances, however large the list it came with.
 */
final class RelayTargets {

	/** How much of a refused value an error message quotes. */
	private static final int MAX_QUOTED = 64;

	private RelayTargets() {
	}

	/**
	 * Parse the wire form of relay targets.
	 * @param targets {@code "all"} or an array of instance indices
	 * @param instanceCount how many instances the manager runs
	 * @return the instance indices, each once, in the order they first appear
	 * @throws IllegalArgumentException naming {@code targets} and the refused value, when
	 * {@code targets} is neither {@code "all"} nor an array, or holds something that is not
	 * an integer from 0 to {@code instanceCount - 1}
	 */
	static List<Integer> parse(JsonNode targets, int instanceCount) {
		if (targets.isString() && "all".equals(targets.stringValue())) {
			return IntStream.range(0, instanceCount).boxed().toList();
		}
		if (!targets.isArray()) {
			throw new IllegalArgumentException(
					"targets must be \"all\" or a list of instance indices, was " + quote(targets));
		}
		// at most one slot per instance: a long list of repeats never grows past it
		boolean[] seen = new boolean[instanceCount];
		List<Integer> indices = new ArrayList<>(Math.min(targets.size(), instanceCount));
		for (JsonNode target : targets) {
			if (!target.isIntegralNumber() || !target.canConvertToInt() || target.intValue() < 0
					|| target.intValue() >= instanceCount) {
				throw new IllegalArgumentException("targets must hold instance indices from 0 to " + (instanceCount - 1)
						+ ", had " + quote(target));
			}
			int index = target.intValue();
			if (!seen[index]) {
				seen[index] = true;
				indices.add(index);
			}
		}
		return indices;
	}

	/** The value as JSON, cut short: the message must fit in the ERROR frame that carries it. */
	private static String quote(JsonNode value) {
		String text = value.toString();
		if (text.length() <= MAX_QUOTED) {
			return text;
		}
		return text.substring(0, MAX_QUOTED) + "… (" + text.length() + " characters)";
	}

}

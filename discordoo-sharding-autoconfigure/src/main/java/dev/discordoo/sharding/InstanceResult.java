package dev.discordoo.sharding;

import org.jspecify.annotations.Nullable;

/**
 * One target's answer to a request: its result, or why there is none. A fan-out gives one
 * per target, so one failing target never fails the others.
 *
 * @param <T> the result type
 * @param instance the target's instance index
 * @param ok whether it answered with a result
 * @param value the result when ok (may be {@code null})
 * @param error why not, when not ok
 */
public record InstanceResult<T>(int instance, boolean ok, @Nullable T value, @Nullable RequestError error) {

	/**
	 * A result.
	 * @param <T> the result type
	 * @param instance the instance index
	 * @param value the value
	 * @return the result
	 */
	public static <T> InstanceResult<T> success(int instance, @Nullable T value) {
		return new InstanceResult<>(instance, true, value, null);
	}

	/**
	 * A failure.
	 * @param <T> the result type
	 * @param instance the instance index
	 * @param error why
	 * @return the result
	 */
	public static <T> InstanceResult<T> failure(int instance, RequestError error) {
		return new InstanceResult<>(instance, false, null, error);
	}

}

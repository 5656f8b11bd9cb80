package dev.discordoo.sharding.identify;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What the {@link IdentifyBroker} is doing, for health, the endpoint and metrics.
 *
 * @param maxConcurrency how many buckets identify at once
 * @param interval the least time between two identifies of one bucket
 * @param waiting permits asked for and not granted yet
 * @param held permits granted whose outcome is not reported yet
 * @param granted permits granted since the manager started
 * @param budget the daily budget, {@code null} when unknown (no Discord token)
 */
public record IdentifyStatus(int maxConcurrency, Duration interval, int waiting, int held, long granted,
		@Nullable Budget budget) {

	/**
	 * Return why permits are held back, if they are.
	 * @return the reason, or {@code null} while permits flow
	 */
	public @Nullable String holdReason() {
		if (this.budget == null || !this.budget.exhausted()) {
			return null;
		}
		return "daily identify budget at its reserve: " + this.budget.remaining() + " of " + this.budget.total()
				+ " left, reserve " + this.budget.reserve() + "; no identify until it resets at " + this.budget.resetAt();
	}

	/**
	 * Return this status as health and endpoint details: names in camel case, durations in
	 * milliseconds, the budget only when known, the hold reason only while permits are held.
	 * @return the details, in a stable order
	 */
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("maxConcurrency", this.maxConcurrency);
		details.put("intervalMillis", this.interval.toMillis());
		details.put("waiting", this.waiting);
		details.put("held", this.held);
		details.put("granted", this.granted);
		if (this.budget != null) {
			Map<String, Object> budget = new LinkedHashMap<>();
			budget.put("total", this.budget.total());
			budget.put("remaining", this.budget.remaining());
			budget.put("reserve", this.budget.reserve());
			budget.put("resetAt", this.budget.resetAt().toString());
			details.put("budget", budget);
		}
		String reason = holdReason();
		if (reason != null) {
			details.put("heldBecause", reason);
		}
		return details;
	}

	/**
	 * The daily identify budget.
	 *
	 * @param total identifies per day
	 * @param remaining identifies left until the reset, as the manager counts them
	 * @param reserve identifies never spent
	 * @param resetAt when Discord resets the budget
	 * @param exhausted whether no more than the reserve is left, so no permit is granted
	 */
	public record Budget(int total, int remaining, int reserve, Instant resetAt, boolean exhausted) {

	}

}

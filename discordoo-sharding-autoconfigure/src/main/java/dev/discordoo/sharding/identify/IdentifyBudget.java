package dev.discordoo.sharding.identify;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.discordoo.sharding.discord.GatewayBot;
import dev.discordoo.sharding.ipc.NanoClock;

/**
 * The bot's daily identify budget (Discord's {@code session_start_limit}) as the manager
 * counts it: one identify less per permit granted, whether or not the instance used it, so
 * the count never runs ahead of Discord's. Running out terminates every session and resets
 * the bot's token, so permits stop while no more than the reserve is left; the budget is
 * read again from Discord when it resets. Not thread-safe: the {@link IdentifyBroker} guards
 * it.
 */
public final class IdentifyBudget {

	private final @Nullable Integer reserveSetting;

	private final @Nullable Supplier<GatewayBot.SessionStartLimit> source;

	private final NanoClock clock;

	private int total;

	private int remaining;

	private int reserve;

	private long resetAtNanos;

	private Instant resetAt;

	/**
	 * Create a budget.
	 * @param limit the budget as Discord last told it
	 * @param reserve identifies never spent, or {@code null} for 10 % of the daily total
	 * @param source reads the budget again from Discord once it resets; {@code null} to take
	 * the total as the new remaining instead
	 */
	public IdentifyBudget(GatewayBot.SessionStartLimit limit, @Nullable Integer reserve,
			@Nullable Supplier<GatewayBot.SessionStartLimit> source) {
		this(limit, reserve, source, NanoClock.SYSTEM);
	}

	/**
	 * Create a budget that measures time to its reset with a clock of the caller's, the same
	 * as its broker's.
	 * @param limit the budget as Discord last told it
	 * @param reserve identifies never spent, or {@code null} for 10 % of the daily total
	 * @param source reads the budget again from Discord once it resets; {@code null} to take
	 * the total as the new remaining instead
	 * @param clock measures the time to the reset
	 */
	public IdentifyBudget(GatewayBot.SessionStartLimit limit, @Nullable Integer reserve,
			@Nullable Supplier<GatewayBot.SessionStartLimit> source, NanoClock clock) {
		if (reserve != null && reserve < 0) {
			throw new IllegalArgumentException("reserve must not be negative, was " + reserve);
		}
		this.reserveSetting = reserve;
		this.source = source;
		this.clock = clock;
		update(limit);
	}

	/** Take one identify, unless that would leave no more than the reserve. */
	boolean tryTake() {
		if (this.remaining <= this.reserve) {
			return false;
		}
		this.remaining--;
		return true;
	}

	boolean exhausted() {
		return this.remaining <= this.reserve;
	}

	long resetAtNanos() {
		return this.resetAtNanos;
	}

	int remaining() {
		return this.remaining;
	}

	/** Read the budget again after its reset: from Discord when there is a source. Blocks. */
	GatewayBot.SessionStartLimit fetchAfterReset() {
		if (this.source != null) {
			return this.source.get();
		}
		return new GatewayBot.SessionStartLimit(this.total, this.total, Duration.ofDays(1), 1);
	}

	void update(GatewayBot.SessionStartLimit limit) {
		this.total = limit.total();
		this.remaining = limit.remaining();
		this.reserve = (this.reserveSetting != null) ? this.reserveSetting : limit.total() / 10;
		this.resetAtNanos = this.clock.nanoTime() + limit.resetAfter().toNanos();
		this.resetAt = Instant.now().plus(limit.resetAfter());
	}

	/**
	 * Return the budget now.
	 * @return the view
	 */
	IdentifyStatus.Budget view() {
		return new IdentifyStatus.Budget(this.total, this.remaining, this.reserve, this.resetAt, exhausted());
	}

}

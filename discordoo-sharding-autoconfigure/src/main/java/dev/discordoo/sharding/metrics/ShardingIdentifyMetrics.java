package dev.discordoo.sharding.metrics;

import java.time.Duration;
import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.discordoo.sharding.identify.IdentifyBroker;
import dev.discordoo.sharding.identify.IdentifyObserver;
import dev.discordoo.sharding.identify.IdentifyStatus;
import dev.discordoo.sharding.identify.PermitRelease;

/**
 * The identify broker's meters, in the manager:
 * <ul>
 * <li>{@code discordoo.sharding.identify.waiting}, a gauge of permits asked for and not
 * granted yet;</li>
 * <li>{@code discordoo.sharding.identify.remaining}, a gauge of identifies left in the daily
 * budget as the manager counts them; {@code NaN} when it is unknown (no Discord token);</li>
 * <li>{@code discordoo.sharding.identify.permits}, a counter of permit requests by
 * {@code outcome}: {@code granted}, or the refusal's code in lower case
 * ({@code shard_not_owned}, {@code permit_pending}, {@code not_connected});</li>
 * <li>{@code discordoo.sharding.identify.releases}, a counter of granted permits that freed
 * their bucket, by {@code reason}: the reported outcome ({@code ready},
 * {@code invalid_session}, {@code closed}, {@code timed_out}), {@code expired} or
 * {@code instance_gone};</li>
 * <li>{@code discordoo.sharding.identify.wait}, a timer of how long granted permits were
 * waited for.</li>
 * </ul>
 * The counters of every outcome and reason are registered up front, at zero.
 */
public final class ShardingIdentifyMetrics implements MeterBinder {

	private final IdentifyBroker broker;

	/**
	 * Create the meters of a broker.
	 * @param broker the broker
	 */
	public ShardingIdentifyMetrics(IdentifyBroker broker) {
		this.broker = broker;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(MeterNames.IDENTIFY_WAITING, this.broker, (broker) -> broker.status().waiting())
			.description("Identify permits asked for and not granted yet")
			.register(registry);
		Gauge.builder(MeterNames.IDENTIFY_REMAINING, this.broker, ShardingIdentifyMetrics::remaining)
			.description("Identifies left in the bot's daily budget")
			.register(registry);
		Counter granted = permits(registry, "granted");
		for (String code : new String[] { "shard_not_owned", "permit_pending", "not_connected" }) {
			permits(registry, code);
		}
		for (PermitRelease release : PermitRelease.values()) {
			releases(registry, release);
		}
		Timer wait = Timer.builder(MeterNames.IDENTIFY_WAIT)
			.description("Time identify permits were waited for")
			.register(registry);
		this.broker.addObserver(new IdentifyObserver() {

			@Override
			public void onGranted(int shardId, Duration waited) {
				granted.increment();
				wait.record(waited);
			}

			@Override
			public void onRefused(String code) {
				permits(registry, code.toLowerCase(Locale.ROOT)).increment();
			}

			@Override
			public void onReleased(PermitRelease release) {
				releases(registry, release).increment();
			}

		});
	}

	private static Counter permits(MeterRegistry registry, String outcome) {
		return Counter.builder(MeterNames.IDENTIFY_PERMITS)
			.description("Identify permit requests, granted or refused")
			.tag(MeterNames.TAG_OUTCOME, outcome)
			.register(registry);
	}

	private static Counter releases(MeterRegistry registry, PermitRelease release) {
		return Counter.builder(MeterNames.IDENTIFY_RELEASES)
			.description("Identify permits that freed their bucket")
			.tag(MeterNames.TAG_REASON, release.name().toLowerCase(Locale.ROOT))
			.register(registry);
	}

	private static double remaining(IdentifyBroker broker) {
		IdentifyStatus.Budget budget = broker.status().budget();
		return (budget != null) ? budget.remaining() : Double.NaN;
	}

}

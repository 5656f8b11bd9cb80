package dev.discordoo.sharding.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;

import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.bench.bot.BenchBotApplication;
import dev.discordoo.sharding.identify.IdentifyBroker;
import dev.discordoo.sharding.identify.IdentifyStatus;

/**
 * The identify scenario: what the manager's identify broker adds to the start-up of 16
 * shards, against the least time Discord's pacing allows. Every shard of
 * {@link BenchBotApplication} asks for a permit and reports READY at once, so the time
 * between permits is the broker's alone.
 */
final class IdentifyScenarios {

	private static final int SHARDS = 16;

	/** The unpaced run's interval: every shard is alone in its bucket, so nobody waits. */
	private static final Duration UNPACED_INTERVAL = Duration.ofMillis(1);

	private final Results results;

	private final Config config;

	IdentifyScenarios(Results results, Config config) {
		this.results = results;
		this.config = config;
	}

	void run() throws Exception {
		int runs = this.config.integer("identify.runs", 3);
		Duration interval = this.config.duration("identify.interval", Duration.ofSeconds(1));
		System.out.printf("identify: %d workers of 1 shard, start -> all READY with identify permits, "
				+ "1 warm-up + %d runs per configuration, interval %s%n", SHARDS, runs, describe(interval));
		Pacing unpaced = new Pacing(SHARDS, UNPACED_INTERVAL);
		Pacing oneRound = new Pacing(SHARDS, interval);
		Pacing oneBucket = new Pacing(1, interval);
		List<Pacing> pacings = List.of(unpaced, oneRound, oneBucket);
		// the configurations take turns, run by run: the benchmark JVM still speeds up from one
		// manager start to the next, and T0 measured first would be too slow a floor
		for (int r = -1; r < runs; r++) {
			for (Pacing pacing : pacings) {
				pacing.startUp(r >= 0);
			}
		}
		Stats.Summary t0 = Stats.Summary.of(unpaced.times);
		this.results.add("identify", SHARDS + " workers, unpaced: start → all READY (T0)", t0, Results::millis, "",
				"max_concurrency " + SHARDS + ", interval " + describe(UNPACED_INTERVAL)
						+ ": a permit and a READY report per shard, nobody waits; configurations take turns; "
						+ ManagerRun.describeSettings("workers"));
		paced(oneRound, t0.median());
		paced(oneBucket, t0.median());
		// the floor above counts all of T0 before the first round, but the rounds overlap the
		// spawn: the time between the first and the last READY is the pacing alone
		List<Double> late = oneBucket.spans.stream()
			.map((span) -> span - (oneBucket.rounds() - 1) * (double) interval.toNanos())
			.toList();
		this.results.add("identify", oneBucket.label() + ": first → last READY − " + (oneBucket.rounds() - 1) + " × "
				+ describe(interval), Stats.Summary.of(late), Results::millis, "",
				"what the pacing adds beyond Discord's intervals, spawn excluded; each READY trails its permit "
						+ "by a report round trip");
	}

	/**
	 * Add the start-up with identifies paced in buckets of {@code maxConcurrency}, and
	 * compare it with the floor: T0 plus one interval per round after the first.
	 */
	private void paced(Pacing pacing, double t0) {
		int rounds = pacing.rounds();
		double floor = t0 + (rounds - 1) * (double) pacing.interval.toNanos();
		// a constant floor maps each run to its overhead, so the median of the overheads is
		// median / floor − 1 and the range is that of the runs
		List<Double> overheads = pacing.times.stream().map((time) -> time / floor - 1).toList();
		String floorNote = (rounds == 1) ? "1 round; floor = T0 = " + Results.millis(floor)
				: rounds + " rounds; floor = T0 + " + (rounds - 1) + " × " + describe(pacing.interval) + " = "
						+ Results.millis(floor);
		if (pacing.maxConcurrency == 1) {
			floorNote += "; broker status().granted() = " + SHARDS + " in every run, checked";
		}
		this.results.add("identify", pacing.label() + ": start → all READY", Stats.Summary.of(pacing.times),
				Results::millis, "", floorNote);
		this.results.add("identify", pacing.label() + ": overhead over the floor", Stats.Summary.of(overheads),
				Results::percent, "≤ 5 %", "median / floor − 1");
	}

	/** One configuration of the broker, and its measured runs. */
	private static final class Pacing {

		final int maxConcurrency;

		final Duration interval;

		/** Manager start → every instance READY, per run. */
		final List<Double> times = new ArrayList<>();

		/** First READY → last READY, per run. */
		final List<Double> spans = new ArrayList<>();

		Pacing(int maxConcurrency, Duration interval) {
			this.maxConcurrency = maxConcurrency;
			this.interval = interval;
		}

		int rounds() {
			return (SHARDS + this.maxConcurrency - 1) / this.maxConcurrency;
		}

		String label() {
			return SHARDS + " workers, max_concurrency " + this.maxConcurrency + ", interval " + describe(this.interval);
		}

		/** Start a manager of 16 one-shard workers once; keep its times when measured. */
		void startUp(boolean measured) throws Exception {
			Map<String, Object> overrides = Map.of("discordoo.sharding.identify.max-concurrency",
					Integer.toString(this.maxConcurrency), "discordoo.sharding.identify.interval",
					this.interval.toMillis() + "ms", "discordoo.sharding.instance.properties.bench.identify", "true");
			// the last round starts (rounds − 1) intervals after the first: leave room for it
			Duration timeout = Duration.ofSeconds(60).plus(this.interval.multipliedBy(rounds()));
			try (ManagerRun run = new ManagerRun("workers", SHARDS, overrides)) {
				long ready = run.awaitAllReady(timeout);
				IdentifyStatus status = run.context.getBean(IdentifyBroker.class).status();
				check(status, this.maxConcurrency, this.interval);
				if (this.maxConcurrency == 1) {
					System.out.printf("  max_concurrency 1, %s: broker granted %d permits%n",
							measured ? "run " + (this.times.size() + 1) : "warm-up", status.granted());
				}
				if (measured) {
					LongSummaryStatistics readies = run.transitions.stream()
						.filter((transition) -> transition.state() == InstanceState.READY)
						.mapToLong(ManagerRun.Transition::nanos)
						.summaryStatistics();
					this.times.add((double) (ready - run.startNanos));
					this.spans.add((double) (readies.getMax() - readies.getMin()));
				}
			}
		}

	}

	/**
	 * Fail unless the broker paced as configured and granted one permit per shard: otherwise
	 * the figures would time something else (a token's limits, shards that never asked).
	 */
	private static void check(IdentifyStatus status, int maxConcurrency, Duration interval) {
		if (status.maxConcurrency() != maxConcurrency || !status.interval().equals(interval)
				|| status.granted() != SHARDS || status.waiting() != 0 || status.held() != 0) {
			throw new IllegalStateException("identify broker expected max_concurrency " + maxConcurrency
					+ ", interval " + interval + ", " + SHARDS + " permits granted and none waiting or held, but its "
					+ "status is " + status);
		}
	}

	private static String describe(Duration interval) {
		long millis = interval.toMillis();
		return (millis >= 1000 && millis % 1000 == 0) ? (millis / 1000) + " s" : millis + " ms";
	}

}

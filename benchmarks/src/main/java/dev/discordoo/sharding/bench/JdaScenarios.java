package dev.discordoo.sharding.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.bench.bot.BenchBotApplication;
import dev.discordoo.sharding.discord.FakeDiscord;

/**
 * The jda scenario: start-up and memory of one child instance of 2 shards that runs the
 * starter's JDA client against the tests' fake Discord on loopback (no guilds), beside the
 * same child with {@link BenchBotApplication}'s own client, whose shards are ready at once:
 * the difference is what JDA adds.
 */
final class JdaScenarios {

	private static final String TOKEN = "bench-jda-token";

	private static final int SHARDS = 2;

	/** Both shards in one identify round: the figure is JDA's start, not Discord's pacing. */
	private static final int MAX_CONCURRENCY = 2;

	/** Short, as it is a fake; the manager's interval must not be below the fake's window. */
	private static final Duration IDENTIFY_WINDOW = Duration.ofMillis(100);

	private static final String IDENTIFY_INTERVAL = "200ms";

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

	private final Results results;

	private final Config config;

	JdaScenarios(Results results, Config config) {
		this.results = results;
		this.config = config;
	}

	void run() throws Exception {
		int runs = this.config.integer("jda.runs", 5);
		int settleMillis = this.config.integer("jda.settle-millis", 2_000);
		System.out.printf("jda: 1 child of %d shards, JDA against a fake Discord and the bench client, "
				+ "start -> READY and RSS, 1 warm-up + %d runs each%n", SHARDS, runs);
		Client jda = new Client(true);
		Client bench = new Client(false);
		// the two take turns, run by run, so that the load of the machine falls on both alike
		for (int r = -1; r < runs; r++) {
			jda.run(r >= 0, settleMillis);
			bench.run(r >= 0, settleMillis);
		}
		this.results.add("jda", "1 child, " + SHARDS + " JDA shards: start → READY", Stats.Summary.of(jda.startUps),
				Results::millis, "",
				"a fake Discord on loopback (the tests' REST API and WebSocket gateway), no guilds; from "
						+ "SpringApplication.run of the manager to the instance's READY, which waits for every JDA "
						+ "shard to be CONNECTED; JDA defaults (default intents, zlib-stream); max_concurrency "
						+ MAX_CONCURRENCY + ", identify.interval " + IDENTIFY_INTERVAL + "; "
						+ ManagerRun.describeSettings("processes"));
		this.results.add("jda", "1 child, " + SHARDS + " JDA shards: IDENTIFIED → READY",
				Stats.Summary.of(jda.clientStarts), Results::millis, "",
				"the client's start alone, spawn excluded: JDA's login, gateway connections, identifies "
						+ "through the manager's broker, READYs");
		this.results.add("jda", "1 child, " + SHARDS + " shards, bench client: start → READY",
				Stats.Summary.of(bench.startUps), Results::millis, "",
				"the same manager, fake Discord and shards; the memory scenario's client (no gateway, shards "
						+ "ready at once); the two take turns run by run");
		this.results.add("jda", "1 child, " + SHARDS + " shards, bench client: IDENTIFIED → READY",
				Stats.Summary.of(bench.clientStarts), Results::millis, "", "");
		this.results.add("jda", "what JDA adds to start → READY", Stats.Summary.of(differences(jda.startUps,
				bench.startUps)), Results::millis, "", "JDA − bench client, run by run");
		this.results.add("jda", "RSS of the child, JDA", Stats.Summary.of(jda.rss), Results::mebibytes, "",
				"VmRSS " + settleMillis + " ms after READY");
		this.results.add("jda", "RSS of the child, bench client", Stats.Summary.of(bench.rss), Results::mebibytes, "",
				"");
		this.results.add("jda", "what JDA adds to the RSS", Stats.Summary.of(differences(jda.rss, bench.rss)),
				Results::mebibytes, "", "JDA − bench client, run by run");
	}

	private static List<Double> differences(List<Double> minuends, List<Double> subtrahends) {
		List<Double> differences = new ArrayList<>();
		for (int i = 0; i < minuends.size(); i++) {
			differences.add(minuends.get(i) - subtrahends.get(i));
		}
		return differences;
	}

	/** One of the two clients of the child, with its figures. */
	private static final class Client {

		private final boolean jda;

		final List<Double> startUps = new ArrayList<>();

		final List<Double> clientStarts = new ArrayList<>();

		final List<Double> rss = new ArrayList<>();

		Client(boolean jda) {
			this.jda = jda;
		}

		void run(boolean record, int settleMillis) throws Exception {
			try (FakeDiscord discord = FakeDiscord.start(TOKEN)
				.shards(SHARDS)
				.maxConcurrency(MAX_CONCURRENCY)
				.identifyWindow(IDENTIFY_WINDOW)) {
				try (ManagerRun run = new ManagerRun("processes", SHARDS, properties(discord))) {
					long ready = run.awaitAllReady(READY_TIMEOUT);
					// the manager sends IDENTIFY once the link is up; the client starts on it
					ManagerRun.Transition identified = run.await(run.startNanos, READY_TIMEOUT,
							(transition) -> transition.state() == InstanceState.IDENTIFIED);
					check(discord);
					Thread.sleep(settleMillis);
					List<Long> pids = run.childPids();
					if (pids.size() != 1) {
						throw new IllegalStateException("expected 1 child process, found " + pids);
					}
					long bytes = Children.rssBytes(pids.get(0));
					if (bytes < 0) {
						throw new IllegalStateException("no VmRSS for child " + pids.get(0));
					}
					if (record) {
						this.startUps.add((double) (ready - run.startNanos));
						this.clientStarts.add((double) (ready - identified.nanos()));
						this.rss.add((double) bytes);
					}
				}
			}
		}

		private Map<String, Object> properties(FakeDiscord discord) {
			return Map.of("discordoo.sharding.shards-per-instance", Integer.toString(SHARDS),
					"discordoo.sharding.discord.token", TOKEN, "discordoo.sharding.discord.api-url", discord.apiUrl(),
					"discordoo.sharding.identify.interval", IDENTIFY_INTERVAL,
					"discordoo.sharding.instance.properties.bench.jda", Boolean.toString(this.jda));
		}

		/** Make sure the child ran the client it was meant to: JDA's sessions, or none. */
		private void check(FakeDiscord discord) {
			if (this.jda) {
				if (discord.liveSessions().size() != SHARDS || discord.identifies().size() != SHARDS
						|| !discord.violations().isEmpty()) {
					throw new IllegalStateException("JDA instance READY, but the fake Discord has live sessions "
							+ discord.liveSessions() + " and identifies " + discord.identifies());
				}
			}
			else if (!discord.gatewaySessions().isEmpty()) {
				throw new IllegalStateException("the bench client opened gateway sessions: "
						+ discord.gatewaySessions());
			}
		}

	}

}

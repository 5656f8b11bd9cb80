package dev.discordoo.sharding.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.Targets;
import dev.discordoo.sharding.bench.bot.BenchBotApplication;
import dev.discordoo.sharding.cds.ClassDataCache;
import dev.discordoo.sharding.cds.SpringAot;
import dev.discordoo.sharding.ipc.IpcClient;
import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.ipc.IpcLinkHandler;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.ipc.IpcSettings;
import dev.discordoo.sharding.ipc.LinkLossCause;
import dev.discordoo.sharding.protocol.ControlEvents;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.InstanceEnvironment;
import dev.discordoo.sharding.protocol.Payloads;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

/**
 * The scenarios that drive real managers of {@link BenchBotApplication}: fan-out, spawn,
 * failover and memory.
 */
final class ManagerScenarios {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

	private final Results results;

	private final Config config;

	private final FrameCodec codec = new FrameCodec();

	ManagerScenarios(Results results, Config config) {
		this.results = results;
		this.config = config;
	}

	// ---------------------------------------------------------------- fan-out

	void fanOut() throws Exception {
		int warmup = this.config.integer("fan-out.warmup", 5_000);
		int count = this.config.integer("fan-out.count", 2_000);
		int runs = this.config.integer("fan-out.runs", 5);
		System.out.printf("fan-out: one request to every instance and back, %d warm-up, %d runs x %d%n", warmup, runs,
				count);
		fanOut("workers", 4, warmup, count, runs, "", "");
		fanOut("workers", 16, warmup, count, runs, "", "≤ 1.5 ms");
		fanOut("processes", 4, warmup, count, runs, "below discord.js", "below discord.js");
		discordJs(warmup, count, runs);
	}

	/**
	 * discord.js's {@code ShardingManager} with 4 child processes in the same run, for
	 * comparison: spawn, {@code broadcastEval} fan-out with the same payload, kill -9 until
	 * respawned and ready (see {@code benchmarks/peers/djs-bench.js}).
	 */
	private void discordJs(int warmup, int count, int runs) throws Exception {
		NodePeers peers = new NodePeers(this.results);
		tools.jackson.databind.node.ObjectNode options = peers.options();
		options.set("payload", BenchPayload.payload(this.codec));
		options.put("warmup", warmup);
		options.put("count", count);
		options.put("runs", runs);
		options.put("spawnRuns", this.config.integer("fan-out.discord-js.spawn-runs", 5));
		options.put("kills", this.config.integer("fan-out.discord-js.kills", 5));
		JsonNode result = peers.run("djs-bench.js", options, 30);
		if (result == null) {
			return;
		}
		String note = "discord.js 14.28.1 ShardingManager, mode process, shards without a Client (no token)";
		this.results.add("fan-out", "discord.js broadcastEval to 4 processes p50",
				Stats.Summary.of(NodePeers.values(result, "p50Nanos")), Results::micros, "", note);
		this.results.add("fan-out", "discord.js broadcastEval to 4 processes p99",
				Stats.Summary.of(NodePeers.values(result, "p99Nanos")), Results::micros, "", "");
		this.results.add("fan-out", "discord.js spawn of 4 processes → all ready",
				Stats.Summary.of(NodePeers.values(result, "spawnNanos")), Results::millis, "",
				"manager.spawn({delay: 0}); each child sends _ready at once");
		this.results.add("fan-out", "discord.js kill -9 → death noticed",
				Stats.Summary.of(NodePeers.values(result, "deathNanos")), Results::millis, "", "");
		this.results.add("fan-out", "discord.js kill -9 → respawned and ready",
				Stats.Summary.of(NodePeers.values(result, "readyNanos")), Results::millis, "",
				"respawn: true; includes a new Node.js process's start-up");
	}

	private void fanOut(String mode, int instances, int warmup, int count, int runs, String goal50, String goal99)
			throws Exception {
		JsonNode payload = BenchPayload.payload(this.codec);
		try (ManagerRun run = new ManagerRun(mode, instances)) {
			run.awaitAllReady(READY_TIMEOUT);
			fanOutSamples(run.manager, instances, payload, warmup);
			List<Double> p50 = new ArrayList<>();
			List<Double> p99 = new ArrayList<>();
			for (int r = 0; r < runs; r++) {
				long[] samples = Stats.sorted(fanOutSamples(run.manager, instances, payload, count));
				p50.add((double) Stats.percentile(samples, 50));
				p99.add((double) Stats.percentile(samples, 99));
			}
			String label = "fan-out to " + instances + " " + (mode.equals("workers") ? "workers" : "processes");
			String note = "ShardingManager.request(..., Targets.all(), ...); " + count + " per run";
			this.results.add("fan-out", label + " p50", Stats.Summary.of(p50), Results::micros, goal50, note);
			this.results.add("fan-out", label + " p99", Stats.Summary.of(p99), Results::micros, goal99, "");
		}
	}

	/**
	 * Time {@code count} requests of {@code echo} to every instance, one after the other.
	 * @return each request's time in nanoseconds
	 * @throws IllegalStateException when an instance does not answer
	 */
	static long[] fanOutSamples(ShardingManager manager, int instances, JsonNode payload, int count)
			throws Exception {
		long[] samples = new long[count];
		Duration timeout = Duration.ofSeconds(10);
		for (int i = 0; i < count; i++) {
			long start = System.nanoTime();
			List<InstanceResult<JsonNode>> results = manager
				.request("echo", payload, Targets.all(), JsonNode.class, timeout)
				.get(30, TimeUnit.SECONDS);
			samples[i] = System.nanoTime() - start;
			if (results.size() != instances || !results.stream().allMatch(InstanceResult::ok)) {
				throw new IllegalStateException("fan-out request failed: " + results);
			}
		}
		return samples;
	}

	// ---------------------------------------------------------------- spawn

	void spawn() throws Exception {
		int processRuns = this.config.integer("spawn.process-runs", 5);
		int workerRuns = this.config.integer("spawn.worker-runs", 5);
		System.out.printf("spawn: manager start -> all instances READY, 1 warm-up + %d runs (processes), %d (workers)%n",
				processRuns, workerRuns);
		String classData = primeClassData();
		spawn("processes", 4, processRuns, goal("≤ 1.2 s", "≤ 2.5 s"), classData);
		spawn("workers", 4, workerRuns, "", "");
		spawn("workers", 16, workerRuns, "≤ 1 s", "");
		childAlone(processRuns);
	}

	/** A goal that depends on the JDK the children run on: the for 25, and for 17. */
	static String goal(String jdk25, String jdk17) {
		return (Runtime.version().feature() >= 25) ? jdk25 : jdk17;
	}

	/** Start a manager of children and wait until its children start from a class data archive. */
	private static String primeClassData() throws Exception {
		try (ManagerRun run = new ManagerRun("processes", 4)) {
			run.awaitAllReady(READY_TIMEOUT);
			return run.awaitClassData();
		}
	}

	private void spawn(String mode, int instances, int runs, String goal, String classData) throws Exception {
		List<Double> times = new ArrayList<>();
		for (int r = -1; r < runs; r++) {
			try (ManagerRun run = new ManagerRun(mode, instances)) {
				long ready = run.awaitAllReady(READY_TIMEOUT);
				if (r >= 0) {
					times.add((double) (ready - run.startNanos));
				}
			}
		}
		this.results.add("spawn", instances + " " + mode + " instances: start → all READY", Stats.Summary.of(times),
				Results::millis, goal, "from SpringApplication.run of the manager; " + ManagerRun.describeSettings(mode)
						+ (classData.isEmpty() ? "" : "; " + classData));
	}

	/**
	 * One child JVM of the bot, without a manager: exec → listening, and → READY after HELLO,
	 * from the bot jar with its class data archive, and from the bot jar plainly.
	 */
	private void childAlone(int runs) throws Exception {
		List<String> jvmArgs = ManagerRun.defaultChildJvmArgs();
		List<String> args = List.of("--spring.main.banner-mode=off", "--spring.main.log-startup-info=false",
				"--logging.level.root=warn");
		try (ClassDataCache springAotCache = new ClassDataCache(Path.of(ManagerRun.CLASS_DATA_CACHE),
				Children.javaBinary(), Path.of(ManagerRun.BOT_JAR), jvmArgs, new SpringAot(Map.of()));
				ClassDataCache archiveCache = new ClassDataCache(Path.of(ManagerRun.CLASS_DATA_CACHE),
						Children.javaBinary(), Path.of(ManagerRun.BOT_JAR), jvmArgs)) {
			Launch aot = prepared(springAotCache);
			Launch archive = prepared(archiveCache);
			String springAot = (springAotCache.springAotUnavailableReason() == null) ? "Spring AOT"
					: "no Spring AOT: " + springAotCache.springAotUnavailableReason();
			List<Double> listening = new ArrayList<>();
			List<Double> ready = new ArrayList<>();
			List<Double> cpu = new ArrayList<>();
			List<Double> archiveReady = new ArrayList<>();
			List<Double> archiveCpu = new ArrayList<>();
			List<Double> plainReady = new ArrayList<>();
			List<Double> plainCpu = new ArrayList<>();
			for (int r = -1; r < runs; r++) {
				long[] fast = childAloneRun(aot.jvmArgs(jvmArgs), aot.jar(), args);
				long[] shared = childAloneRun(archive.jvmArgs(jvmArgs), archive.jar(), args);
				long[] plain = childAloneRun(jvmArgs, ManagerRun.BOT_JAR, args);
				if (r >= 0) {
					listening.add((double) fast[0]);
					ready.add((double) fast[1]);
					cpu.add((double) fast[2]);
					archiveReady.add((double) shared[1]);
					archiveCpu.add((double) shared[2]);
					plainReady.add((double) plain[1]);
					plainCpu.add((double) plain[2]);
				}
			}
			String note = "from the bot jar, " + aot.describe() + ", " + springAot + "; default child JVM args";
			this.results.add("spawn", "1 child JVM alone: exec → IPC listening", Stats.Summary.of(listening),
					Results::millis, "", note);
			this.results.add("spawn", "1 child JVM alone: exec → READY", Stats.Summary.of(ready), Results::millis,
					goal("≤ 400 ms", ""), "handshake by a bare IpcClient, no manager");
			this.results.add("spawn", "1 child JVM alone: CPU time at READY", Stats.Summary.of(cpu), Results::millis, "",
					"user + system of all its threads, /proc (10 ms ticks): less sensitive to a busy machine");
			this.results.add("spawn", "1 child JVM alone, archive without Spring AOT: exec → READY",
					Stats.Summary.of(archiveReady), Results::millis, "",
					"processes.spring-aot=off: " + archive.describe() + ", bean definitions parsed at every start");
			this.results.add("spawn", "1 child JVM alone, archive without Spring AOT: CPU time at READY",
					Stats.Summary.of(archiveCpu), Results::millis, "", "");
			this.results.add("spawn", "1 child JVM alone, plain fat jar: exec → READY", Stats.Summary.of(plainReady),
					Results::millis, "", "the same without class data sharing: java -jar of the bot jar");
			this.results.add("spawn", "1 child JVM alone, plain fat jar: CPU time at READY", Stats.Summary.of(plainCpu),
					Results::millis, "", "");
		}
	}

	/** Wait until the cache has made its entry; return how a child starts from it. */
	private static Launch prepared(ClassDataCache cache) throws Exception {
		cache.launch(childEnvironment(childIdentity()));
		cache.availability().get(ManagerRun.CLASS_DATA_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		return new Launch(cache.launch(childEnvironment(childIdentity())), cache.unavailableReason());
	}

	/** How a child alone starts: from the cache's entry, or from the bot jar if it has none. */
	private record Launch(ClassDataCache.@Nullable Launch launch, @Nullable String unavailable) {

		String jar() {
			return (this.launch != null) ? this.launch.jar() : ManagerRun.BOT_JAR;
		}

		List<String> jvmArgs(List<String> jvmArgs) {
			List<String> all = new ArrayList<>(jvmArgs);
			if (this.launch != null) {
				all.addAll(this.launch.jvmOptions());
			}
			return all;
		}

		String describe() {
			return (this.launch != null) ? "with its class data archive" : "no archive: " + this.unavailable;
		}

	}

	private static String[] childIdentity() {
		long pid = ProcessHandle.current().pid();
		byte[] secret = new byte[16];
		new SecureRandom().nextBytes(secret);
		return new String[] { DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, pid),
				DiscordooSnowflake.generate(0, pid), HexFormat.of().formatHex(secret) };
	}

	private static Map<String, String> childEnvironment(String[] identity) {
		return Map.of(InstanceEnvironment.MANAGER_ID, identity[0], InstanceEnvironment.INSTANCE_ID, identity[1],
				InstanceEnvironment.INSTANCE_INDEX, "0", InstanceEnvironment.TOKEN, identity[2]);
	}

	/** Start the bot as an instance and connect to it; return exec → listening and exec → READY. */
	private long[] childAloneRun(List<String> jvmArgs, String jar, List<String> args) throws Exception {
		IpcSettings settings = IpcSettings.defaults();
		long pid = ProcessHandle.current().pid();
		String[] identity = childIdentity();
		String managerId = identity[0];
		String instanceId = identity[1];
		String token = identity[2];
		CompletableFuture<Long> connected = new CompletableFuture<>();
		long start = System.nanoTime();
		Process child = Children.startJar(jvmArgs, jar, args, childEnvironment(identity));
		try (IpcResources resources = new IpcResources("bench-child-alone")) {
			String line = Children.awaitLine(child, (text) -> text.startsWith(InstanceEnvironment.READY_LINE_PREFIX))
				.get(60, TimeUnit.SECONDS);
			long listeningAt = System.nanoTime();
			int port = Integer.parseInt(line.replaceAll(".*port=([0-9]+).*", "$1"));
			IpcClient client = new IpcClient("127.0.0.1", port, settings, resources, this.codec);
			client.connect(new Payloads.Hello(managerId, DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID,
					pid), token, settings.heartbeatInterval().toMillis(), List.of(0), 1, 0, Payloads.VERSION), instanceId,
					new IpcLinkHandler() {

						@Override
						public void onDispatch(IpcLink link, String event, JsonNode data) {
							if (ControlEvents.CONNECTED.equals(event)) {
								connected.complete(System.nanoTime());
							}
						}

						@Override
						public CompletionStage<JsonNode> onRequest(IpcLink link, Payloads.Request request) {
							return CompletableFuture.completedFuture(null);
						}

						@Override
						public void onLost(IpcLink link, LinkLossCause cause, String detail) {
						}

					});
			long readyAt = connected.get(60, TimeUnit.SECONDS);
			long cpu = Children.cpuNanos(child.pid());
			client.close();
			return new long[] { listeningAt - start, readyAt - start, cpu };
		}
		finally {
			Children.destroyTree(child.toHandle());
		}
	}

	// ---------------------------------------------------------------- failover

	void failover() throws Exception {
		int runs = this.config.integer("failover.runs", 5);
		System.out.printf("failover: 4 processes, kill -9 and SIGSTOP of one child, 1 warm-up + %d runs each%n", runs);
		List<Double> killDetected = new ArrayList<>();
		List<Double> killReady = new ArrayList<>();
		List<Double> stopDetected = new ArrayList<>();
		List<Double> stopReady = new ArrayList<>();
		String classData;
		try (ManagerRun run = new ManagerRun("processes", 4)) {
			run.awaitAllReady(READY_TIMEOUT);
			classData = run.awaitClassData();
			for (int r = -1; r < runs; r++) {
				int index = Math.floorMod(r, 4);
				long pid = run.manager.instance(index).pid();
				long start = System.nanoTime();
				ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL, as kill -9
				ManagerRun.Transition lost = run.await(start, Duration.ofSeconds(30),
						(t) -> t.index() == index && t.state() == InstanceState.LOST);
				ManagerRun.Transition ready = run.await(start, READY_TIMEOUT,
						(t) -> t.index() == index && t.state() == InstanceState.READY && t.pid() != pid);
				if (r >= 0) {
					killDetected.add((double) (lost.nanos() - start));
					killReady.add((double) (ready.nanos() - start));
				}
			}
			for (int r = -1; r < runs; r++) {
				int index = Math.floorMod(r + 2, 4);
				long pid = run.manager.instance(index).pid();
				Process kill = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start();
				if (kill.waitFor() != 0) {
					throw new IllegalStateException("kill -STOP " + pid + " failed");
				}
				long start = System.nanoTime();
				ManagerRun.Transition lost = run.await(start, Duration.ofSeconds(30),
						(t) -> t.index() == index && t.state() == InstanceState.LOST);
				ManagerRun.Transition ready = run.await(start, READY_TIMEOUT,
						(t) -> t.index() == index && t.state() == InstanceState.READY && t.pid() != pid);
				if (r >= 0) {
					stopDetected.add((double) (lost.nanos() - start));
					stopReady.add((double) (ready.nanos() - start));
				}
			}
		}
		List<Double> spareReady = new ArrayList<>();
		try (ManagerRun run = new ManagerRun("processes", 4, Map.of("discordoo.sharding.spawn.spares", "1"))) {
			run.awaitAllReady(READY_TIMEOUT);
			for (int r = -1; r < runs; r++) {
				awaitSpare(run);
				int index = Math.floorMod(r, 4);
				long pid = run.manager.instance(index).pid();
				long start = System.nanoTime();
				ProcessHandle.of(pid).orElseThrow().destroyForcibly();
				ManagerRun.Transition ready = run.await(start, READY_TIMEOUT,
						(t) -> t.index() == index && t.state() == InstanceState.READY && t.pid() != pid);
				if (r >= 0) {
					spareReady.add((double) (ready.nanos() - start));
				}
			}
		}
		String restart = "restart.initial-backoff=1ms; " + ManagerRun.describeSettings("processes") + "; " + classData;
		this.results.add("failover", "kill -9 → LOST", Stats.Summary.of(killDetected), Results::millis, "", restart);
		this.results.add("failover", "kill -9 → replaced and READY", Stats.Summary.of(killReady), Results::millis,
				goal("≤ 600 ms", ""), "includes a new child JVM's start-up");
		this.results.add("failover", "kill -9 → READY on a spare", Stats.Summary.of(spareReady), Results::millis,
				"≤ 300 ms", "spawn.spares=1: a child started ahead of need takes over");
		this.results.add("failover", "SIGSTOP → LOST (heartbeat timeout)", Stats.Summary.of(stopDetected),
				Results::millis, "", "heartbeat.interval=" + ManagerRun.HEARTBEAT_INTERVAL + " × tolerance="
						+ ManagerRun.HEARTBEAT_TOLERANCE + " = " + heartbeatWindowMillis() + " ms; checked every interval/2");
		this.results.add("failover", "SIGSTOP → replaced and READY", Stats.Summary.of(stopReady), Results::millis, "",
				"");
	}

	private static void awaitSpare(ManagerRun run) throws InterruptedException {
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		while (run.manager.sparePids().isEmpty()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("no spare started within " + READY_TIMEOUT);
			}
			Thread.sleep(20);
		}
	}

	private static long heartbeatWindowMillis() {
		return Long.parseLong(ManagerRun.HEARTBEAT_INTERVAL.replace("ms", "")) * ManagerRun.HEARTBEAT_TOLERANCE;
	}

	// ---------------------------------------------------------------- memory

	void memory() throws Exception {
		int runs = this.config.integer("memory.runs", 3);
		int settleMillis = this.config.integer("memory.settle-millis", 2_000);
		System.out.printf("memory: RSS of 4 child processes; heap of 4 and 16 workers, %d runs%n", runs);
		// the library's default JVM arguments, then none at all (the JVM's own defaults)
		for (boolean defaults : List.of(true, false)) {
			List<Double> rss = new ArrayList<>();
			String classData;
			try (ManagerRun run = new ManagerRun("processes", 4,
					defaults ? Map.of() : Map.of("discordoo.sharding.processes.jvm-args", ""))) {
				run.awaitAllReady(READY_TIMEOUT);
				classData = run.awaitClassData();
			}
			try (ManagerRun run = new ManagerRun("processes", 4,
					defaults ? Map.of() : Map.of("discordoo.sharding.processes.jvm-args", ""))) {
				run.awaitAllReady(READY_TIMEOUT);
				Thread.sleep(settleMillis);
				for (long pid : run.childPids()) {
					rss.add((double) Children.rssBytes(pid));
				}
			}
			if (defaults) {
				this.results.add("memory", "RSS per child process", Stats.Summary.of(rss), Results::mebibytes,
						"≤ 100 MiB", "VmRSS of each of 4 READY children, " + settleMillis + " ms after READY; "
								+ "default child JVM args " + String.join(" ", ManagerRun.defaultChildJvmArgs()) + "; "
								+ classData);
			}
			else {
				this.results.add("memory", "RSS per child process, no JVM args", Stats.Summary.of(rss),
						Results::mebibytes, "", "processes.jvm-args empty: the JVM's own defaults; " + classData);
			}
		}
		List<Double> perWorker = new ArrayList<>();
		List<Double> marginal = new ArrayList<>();
		for (int r = 0; r < runs; r++) {
			long none = usedHeapAfterGc();
			long four = workersHeap(4, settleMillis);
			long sixteen = workersHeap(16, settleMillis);
			perWorker.add((double) (sixteen - none) / 16);
			marginal.add((double) (sixteen - four) / 12);
		}
		this.results.add("memory", "heap per worker, approx. (16 workers − none) / 16", Stats.Summary.of(perWorker),
				Results::mebibytes, "≤ 15 MB", "used heap after System.gc(), manager context included");
		this.results.add("memory", "heap per worker, approx. (16 workers − 4) / 12", Stats.Summary.of(marginal),
				Results::mebibytes, "≤ 15 MB", "marginal cost of one more worker");
	}

	private static long workersHeap(int instances, int settleMillis) throws Exception {
		try (ManagerRun run = new ManagerRun("workers", instances)) {
			run.awaitAllReady(READY_TIMEOUT);
			Thread.sleep(settleMillis);
			return usedHeapAfterGc();
		}
	}

	static long usedHeapAfterGc() throws InterruptedException {
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(100);
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}

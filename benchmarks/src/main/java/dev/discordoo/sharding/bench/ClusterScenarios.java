package dev.discordoo.sharding.bench;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.cluster.ClusterShardingManager;
import dev.discordoo.sharding.protocol.FrameCodec;

/**
 * The cluster scenarios, with nodes of the bench bot (processes mode, one instance each) and an
 * in-process ZooKeeper.
 * <ul>
 * <li>{@code cluster}: three node JVMs; a cold start of the three to every instance READY, and
 * a node killed with {@code kill -9} to its instance READY on another node (the failover
 * scenario has the same figure for a child on one host).</li>
 * <li>{@code cluster-fan-out}: a request to every instance of a three-node cluster with node
 * links (a cluster secret), made from the node in this JVM (two of its three instances run on
 * the two node JVMs), beside a single-host manager in this JVM with as many instances and a
 * raw-socket fan-out to as many echo peers; runs of the three alternate.</li>
 * </ul>
 */
final class ClusterScenarios {

	private static final String CLUSTER = "bench";

	private static final int NODES = 3;

	private static final int SHARDS = 6;

	private static final int SHARDS_PER_INSTANCE = 2;

	private static final int INSTANCES = SHARDS / SHARDS_PER_INSTANCE;

	/** ZooKeeper's tick: a session timeout may be as short as two ticks. */
	private static final int TICK_MILLIS = 500;

	private static final String SESSION_TIMEOUT = "3s";

	private static final String MOVE_MARGIN = "2s";

	private static final String SETTLE = "1s";

	private static final Duration TIMEOUT = Duration.ofSeconds(180);

	private static final String SECRET = "bench-cluster-secret";

	private final Results results;

	private final Config config;

	ClusterScenarios(Results results, Config config) {
		this.results = results;
		this.config = config;
	}

	void run() throws Exception {
		int runs = this.config.integer("cluster.runs", 3);
		System.out.printf("cluster: %d nodes (processes, %d instance of %d shards each), in-process ZooKeeper, "
				+ "cold start and kill -9 of a node, 1 warm-up + %d runs%n", NODES, 1, SHARDS_PER_INSTANCE, runs);
		List<Double> starts = new ArrayList<>();
		List<Double> failovers = new ArrayList<>();
		for (int r = -1; r < runs; r++) {
			double[] figures = once();
			if (r >= 0) {
				starts.add(figures[0]);
				failovers.add(figures[1]);
			}
		}
		String settings = "session-timeout " + SESSION_TIMEOUT + ", move-margin " + MOVE_MARGIN + ", settle " + SETTLE
				+ ", heartbeat " + ManagerRun.HEARTBEAT_INTERVAL + " x " + ManagerRun.HEARTBEAT_TOLERANCE
				+ ", children from the bot jar";
		this.results.add("cluster", NODES + " nodes, " + INSTANCES + " instances: exec → all READY",
				Stats.Summary.of(starts), Results::millis, "",
				"from starting the node JVMs together to every instance READY in ZooKeeper (the owners' reports); "
						+ "includes the leader's settle; " + settings);
		this.results.add("cluster", "kill -9 of a node → its instance READY on another", Stats.Summary.of(failovers),
				Results::millis, "",
				"its ZooKeeper session expires (" + SESSION_TIMEOUT + "), the leader waits the move margin ("
						+ MOVE_MARGIN + "), then a surviving node spawns the instance: a child JVM");
	}

	// ---------------------------------------------------------------- cluster-fan-out

	void fanOut() throws Exception {
		fanOut(null);
	}

	/** The same as {@link #fanOut()}, the node links over TLS with mutual authentication. */
	void fanOutOverTls() throws Exception {
		fanOut(LinkStores.make());
	}

	private void fanOut(@Nullable LinkStores tls) throws Exception {
		String scenario = (tls != null) ? "cluster-fan-out-tls" : "cluster-fan-out";
		String links = (tls != null) ? "TLS node links" : "plain node links";
		int warmup = this.config.integer("cluster-fan-out.warmup", 5_000);
		int count = this.config.integer("cluster-fan-out.count", 2_000);
		int runs = this.config.integer("cluster-fan-out.runs", 5);
		System.out.printf("%s: one request to each of %d instances on %d nodes (%s), beside one "
				+ "host and raw sockets, %d warm-up, %d runs x %d%n", scenario, NODES, NODES, links, warmup, runs, count);
		FrameCodec codec = new FrameCodec();
		JsonNode payload = BenchPayload.payload(codec);
		byte[] frame = BenchPayload.echoFrame(codec);
		File data = Files.createTempDirectory("bench-zookeeper").toFile();
		InstanceSpec spec = new InstanceSpec(data, -1, -1, -1, true, -1, TICK_MILLIS, -1);
		List<Process> nodes = new ArrayList<>();
		List<LinkScenarios.RawEnd> raw = new ArrayList<>();
		ManagerRun node = null;
		ManagerRun host = null;
		try (TestingServer zookeeper = new TestingServer(spec, true);
				CuratorFramework observer = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(),
						new RetryOneTime(100))) {
			observer.start();
			for (int n = 1; n < NODES; n++) {
				Map<String, String> properties = fanOutNodeProperties("node-" + n, zookeeper.getConnectString(), tls);
				nodes.add(startNode(properties));
			}
			// the node this JVM measures from; it waits for the first assignment while it starts
			node = new ManagerRun("processes", NODES,
					new LinkedHashMap<>(fanOutNodeProperties("node-0", zookeeper.getConnectString(), tls)));
			// settled: one READY instance on each node, so two of the three answers cross a node link
			awaitOwners(observer, (owners) -> owners.size() == NODES
					&& owners.values().stream().allMatch((owner) -> owner.endsWith(" READY"))
					&& new HashSet<>(owners.values().stream().map((owner) -> owner.split(" ")[0]).toList())
						.size() == NODES);
			ShardingManager cluster = node.context.getBean(ShardingManager.class);
			if (!(cluster instanceof ClusterShardingManager)) {
				throw new IllegalStateException("the node's ShardingManager is not the cluster's: " + cluster);
			}
			host = new ManagerRun("processes", NODES);
			host.awaitAllReady(TIMEOUT);
			for (int n = 0; n < NODES; n++) {
				raw.add(new LinkScenarios.RawEnd(codec, payload, frame));
			}
			ManagerScenarios.fanOutSamples(cluster, NODES, payload, warmup);
			ManagerScenarios.fanOutSamples(host.manager, NODES, payload, warmup);
			rawFanOut(raw, warmup);
			FanOutFigures acrossNodes = new FanOutFigures();
			FanOutFigures oneHost = new FanOutFigures();
			FanOutFigures rawSockets = new FanOutFigures();
			List<Double> ratio = new ArrayList<>();
			List<Double> rawRatio = new ArrayList<>();
			for (int r = 0; r < runs; r++) {
				long[] across = acrossNodes.add(ManagerScenarios.fanOutSamples(cluster, NODES, payload, count));
				long[] one = oneHost.add(ManagerScenarios.fanOutSamples(host.manager, NODES, payload, count));
				long[] floor = rawSockets.add(rawFanOut(raw, count));
				ratio.add((double) Stats.percentile(across, 50) / Stats.percentile(one, 50));
				rawRatio.add((double) Stats.percentile(across, 50) / Stats.percentile(floor, 50));
			}
			String label = "fan-out to " + NODES + " instances ";
			String nodesLabel = (tls != null) ? NODES + " nodes, TLS links" : NODES + " nodes";
			acrossNodes.report(this.results, scenario, label + "on " + nodesLabel,
					"from the node in the benchmark JVM: its own instance over its IPC link, the two others over a "
							+ "node link to their node JVM and that node's IPC link; "
							+ ((tls != null) ? "TLS 1.3 with client certificates, no secret, " : "secret set, ")
							+ count + " per run");
			String same = (tls != null) ? " (TLS run)" : "";
			oneHost.report(this.results, scenario, label + "on one host" + same,
					"one manager in the benchmark JVM with " + NODES + " child JVMs, in the same run");
			rawSockets.report(this.results, scenario, "raw socket fan-out to " + NODES + " echo peers" + same,
					"write the frame to each, then read each echo: one hop, the floor");
			this.results.add(scenario, "p50 ratio " + nodesLabel + " / one host", Stats.Summary.of(ratio),
					Results::ratio, "", "per run, runs alternate; the extra is the node-link hop");
			this.results.add(scenario, "p50 ratio " + nodesLabel + " / raw socket", Stats.Summary.of(rawRatio),
					Results::ratio, "", "");
		}
		finally {
			for (LinkScenarios.RawEnd end : raw) {
				end.close();
			}
			// the node first, while the others can still take its instance: its hand-over is bounded
			if (node != null) {
				node.close();
			}
			if (host != null) {
				host.close();
			}
			nodes.forEach((each) -> Children.destroyTree(each.toHandle()));
			if (tls != null) {
				tls.delete();
			}
		}
	}

	/**
	 * A fan-out node: one instance per node, node links on loopback, authenticated by the
	 * secret, or over TLS by the stores' certificate.
	 */
	private static Map<String, String> fanOutNodeProperties(String name, String connectString,
			@Nullable LinkStores tls) {
		Map<String, String> properties = nodeProperties(name, connectString, NODES, 1);
		properties.put("discordoo.sharding.cluster.link.host", "127.0.0.1");
		properties.put("discordoo.sharding.cluster.hand-over-timeout", "5s");
		if (tls != null) {
			properties.putAll(tls.bundleProperties("nodes"));
			properties.put("discordoo.sharding.cluster.link.ssl.bundle", "nodes");
		}
		else {
			properties.put("discordoo.sharding.cluster.secret", SECRET);
		}
		return properties;
	}

	/** Write the frame to every raw peer, then read every echo. */
	private static long[] rawFanOut(List<LinkScenarios.RawEnd> ends, int count) throws Exception {
		long[] samples = new long[count];
		for (int i = 0; i < count; i++) {
			long start = System.nanoTime();
			for (LinkScenarios.RawEnd end : ends) {
				end.send();
			}
			for (LinkScenarios.RawEnd end : ends) {
				end.awaitEcho();
			}
			samples[i] = System.nanoTime() - start;
		}
		return samples;
	}

	/** p50, p99 and mean of each run of one kind of fan-out. */
	private static final class FanOutFigures {

		private final List<Double> p50 = new ArrayList<>();

		private final List<Double> p99 = new ArrayList<>();

		private final List<Double> mean = new ArrayList<>();

		/** Add a run; return its samples sorted. */
		long[] add(long[] samples) {
			long[] sorted = Stats.sorted(samples);
			this.p50.add((double) Stats.percentile(sorted, 50));
			this.p99.add((double) Stats.percentile(sorted, 99));
			this.mean.add(Arrays.stream(sorted).average().orElseThrow());
			return sorted;
		}

		void report(Results results, String scenario, String label, String note) {
			results.add(scenario, label + " p50", Stats.Summary.of(this.p50), Results::micros, "", note);
			results.add(scenario, label + " p99", Stats.Summary.of(this.p99), Results::micros, "", "");
			results.add(scenario, label + " mean", Stats.Summary.of(this.mean), Results::micros, "", "");
		}

	}

	/** One run: a cold start, then a node killed; the two figures in nanoseconds. */
	private double[] once() throws Exception {
		File data = Files.createTempDirectory("bench-zookeeper").toFile();
		InstanceSpec spec = new InstanceSpec(data, -1, -1, -1, true, -1, TICK_MILLIS, -1);
		List<Process> nodes = new ArrayList<>();
		try (TestingServer zookeeper = new TestingServer(spec, true);
				CuratorFramework observer = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(),
						new RetryOneTime(100))) {
			observer.start();
			long started = System.nanoTime();
			for (int n = 0; n < NODES; n++) {
				nodes.add(startNode("node-" + n, zookeeper.getConnectString()));
			}
			awaitOwners(observer, (owners) -> owners.size() == INSTANCES
					&& owners.values().stream().allMatch((owner) -> owner.endsWith(" READY")));
			long ready = System.nanoTime();
			Map<Integer, String> owners = owners(observer);
			String victim = owners.get(INSTANCES - 1).split(" ")[0];
			Process killed = nodes.get(Integer.parseInt(victim.substring("node-".length())));
			long killedAt = System.nanoTime();
			new ProcessBuilder("kill", "-9", Long.toString(killed.pid())).start().waitFor();
			awaitOwners(observer, (now) -> now.size() == INSTANCES
					&& now.values().stream().allMatch((owner) -> owner.endsWith(" READY") && !owner.startsWith(victim + " ")));
			long movedAt = System.nanoTime();
			return new double[] { ready - started, movedAt - killedAt };
		}
		finally {
			nodes.forEach((node) -> Children.destroyTree(node.toHandle()));
		}
	}

	private Process startNode(String name, String connectString) throws Exception {
		Map<String, String> properties = nodeProperties(name, connectString, SHARDS, SHARDS_PER_INSTANCE);
		return startNode(properties);
	}

	/** A node's properties: processes mode, this cluster's timings, the identify pacing. */
	private static Map<String, String> nodeProperties(String name, String connectString, int shards,
			int shardsPerInstance) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("discordoo.sharding.mode", "processes");
		properties.put("discordoo.sharding.shards", Integer.toString(shards));
		properties.put("discordoo.sharding.shards-per-instance", Integer.toString(shardsPerInstance));
		properties.put("discordoo.sharding.heartbeat.interval", ManagerRun.HEARTBEAT_INTERVAL);
		properties.put("discordoo.sharding.heartbeat.tolerance", Integer.toString(ManagerRun.HEARTBEAT_TOLERANCE));
		properties.put("discordoo.sharding.identify.interval", "100ms");
		properties.put("discordoo.sharding.identify.max-concurrency", Integer.toString(shards));
		properties.put("discordoo.sharding.processes.class-data-cache-directory", ManagerRun.CLASS_DATA_CACHE);
		properties.put("discordoo.sharding.cluster.zookeeper.connect-string", connectString);
		properties.put("discordoo.sharding.cluster.name", CLUSTER);
		properties.put("discordoo.sharding.cluster.node-name", name);
		properties.put("discordoo.sharding.cluster.session-timeout", SESSION_TIMEOUT);
		properties.put("discordoo.sharding.cluster.move-margin", MOVE_MARGIN);
		properties.put("discordoo.sharding.cluster.settle", SETTLE);
		return properties;
	}

	private Process startNode(Map<String, String> properties) throws Exception {
		List<String> args = properties.entrySet().stream()
			.map((property) -> "--" + property.getKey() + "=" + property.getValue())
			.toList();
		Process node = Children.startJar(List.of(), ManagerRun.BOT_JAR, args, Map.of());
		// its output is not needed, but must be read, or the node blocks once the pipe is full
		Thread drain = new Thread(() -> {
			try (InputStream output = node.getInputStream()) {
				output.transferTo(java.io.OutputStream.nullOutputStream());
			}
			catch (Exception ex) {
				// the node is gone
			}
		});
		drain.setDaemon(true);
		drain.start();
		return node;
	}

	private static void awaitOwners(CuratorFramework observer, Predicate<Map<Integer, String>> condition)
			throws Exception {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!condition.test(owners(observer))) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("cluster not as expected within " + TIMEOUT + ": " + owners(observer));
			}
			Thread.sleep(20);
		}
	}

	private static Map<Integer, String> owners(CuratorFramework observer) throws Exception {
		String path = "/discordoo/" + CLUSTER + "/owners";
		Map<Integer, String> owners = new TreeMap<>();
		List<String> children;
		try {
			children = observer.getChildren().forPath(path);
		}
		catch (KeeperException.NoNodeException ex) {
			return owners;
		}
		for (String child : children) {
			try {
				owners.put(Integer.valueOf(child),
						new String(observer.getData().forPath(path + "/" + child), StandardCharsets.UTF_8));
			}
			catch (KeeperException.NoNodeException ex) {
				// gone between the listing and the read
			}
		}
		return owners;
	}

}

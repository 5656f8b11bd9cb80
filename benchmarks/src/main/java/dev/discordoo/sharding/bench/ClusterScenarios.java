package dev.discordoo.sharding.bench;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
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

/**
 * The cluster scenario: three node JVMs of the bench bot (processes mode, one instance of two
 * shards each) and an in-process ZooKeeper. It measures a cold start of the three nodes to
 * every instance READY, and a node killed with {@code kill -9} to its instance READY on
 * another node; the failover scenario has the same figure for a child on one host.
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
		List<String> args = List.of("--discordoo.sharding.mode=processes",
				"--discordoo.sharding.shards=" + SHARDS, "--discordoo.sharding.shards-per-instance=" + SHARDS_PER_INSTANCE,
				"--discordoo.sharding.heartbeat.interval=" + ManagerRun.HEARTBEAT_INTERVAL,
				"--discordoo.sharding.heartbeat.tolerance=" + ManagerRun.HEARTBEAT_TOLERANCE,
				"--discordoo.sharding.identify.interval=100ms", "--discordoo.sharding.identify.max-concurrency=" + SHARDS,
				"--discordoo.sharding.processes.class-data-cache-directory=" + ManagerRun.CLASS_DATA_CACHE,
				"--discordoo.sharding.cluster.zookeeper.connect-string=" + connectString,
				"--discordoo.sharding.cluster.name=" + CLUSTER, "--discordoo.sharding.cluster.node-name=" + name,
				"--discordoo.sharding.cluster.session-timeout=" + SESSION_TIMEOUT,
				"--discordoo.sharding.cluster.move-margin=" + MOVE_MARGIN,
				"--discordoo.sharding.cluster.settle=" + SETTLE);
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

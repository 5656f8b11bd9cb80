package dev.discordoo.sharding.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;

import dev.discordoo.sharding.discord.FakeDiscord;
import dev.discordoo.sharding.manager.ChildJvmCommand;
import dev.discordoo.sharding.testbot.TestBotApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the cluster tests share: a fake Discord strict about identifies, an in-process
 * ZooKeeper, node JVMs of the test bot on loopback (each a manager in a JVM of its own, so
 * that a test can kill or freeze it), and the checks that read ZooKeeper and the fake's
 * record of gateway sessions. {@link #close()} destroys every process it started.
 */
final class ClusterTestSupport implements AutoCloseable {

	static final String TOKEN = "cluster-test-token";

	static final String CLUSTER = "cluster-test";

	/** JVM arguments that make the instances' child JVMs start quickly. */
	static final String FAST_CHILD_JVM_ARGS = "-XX:TieredStopAtLevel=1,-XX:+UseSerialGC,-Xss512k,-XX:CICompilerCount=1";

	final int shards;

	final int instances;

	final FakeDiscord discord;

	final TestingServer zookeeper;

	final CuratorFramework observer;

	final Map<String, Process> nodes = new LinkedHashMap<>();

	/** The child JVMs of nodes killed by {@link #kill(String)}: no longer any node's descendants. */
	final List<ProcessHandle> orphans = new ArrayList<>();

	/** Every node's output, each line prefixed with its node. */
	final Queue<String> output = new ConcurrentLinkedQueue<>();

	ClusterTestSupport(int shards, int instances) throws Exception {
		this.shards = shards;
		this.instances = instances;
		this.discord = FakeDiscord.start(TOKEN).shards(shards).maxConcurrency(2).identifyWindow(Duration.ofMillis(100));
		this.zookeeper = new TestingServer(true);
		this.observer = CuratorFrameworkFactory.newClient(this.zookeeper.getConnectString(), new RetryOneTime(200));
		this.observer.start();
	}

	/**
	 * Start a node of the test bot.
	 * @param name its node name
	 * @param arguments more command-line arguments, which win over the defaults here
	 */
	Process startNode(String name, String... arguments) throws Exception {
		List<String> command = new ArrayList<>(
				ChildJvmCommand.forCurrentJvm(TestBotApplication.class.getName()).toCommandLine());
		List<String> defaults = List.of("--discordoo.sharding.mode=workers", "--discordoo.sharding.shards=auto",
				"--discordoo.sharding.discord.api-url=" + this.discord.apiUrl(),
				"--discordoo.sharding.identify.interval=600ms", "--discordoo.sharding.heartbeat.interval=1s",
				"--discordoo.sharding.spawn.timeout=90s", "--discordoo.sharding.spawn.ready-timeout=60s",
				"--discordoo.sharding.instance.properties.testbot.jda=true",
				"--discordoo.sharding.cluster.zookeeper.connect-string=" + this.zookeeper.getConnectString(),
				"--discordoo.sharding.cluster.name=" + CLUSTER, "--discordoo.sharding.cluster.node-name=" + name,
				"--discordoo.sharding.cluster.session-timeout=6s", "--discordoo.sharding.cluster.settle=3s",
				"--discordoo.sharding.cluster.move-margin=1s");
		// a property given twice on a command line is bound as a list: the test's wins
		List<String> given = Stream.of(arguments).map((argument) -> argument.substring(0, argument.indexOf('=')))
			.toList();
		defaults.stream()
			.filter((argument) -> !given.contains(argument.substring(0, argument.indexOf('='))))
			.forEach(command::add);
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		// the token in the environment, as a user gives it: never on a command line
		builder.environment().put("DISCORDOO_SHARDING_DISCORD_TOKEN", TOKEN);
		Process node = builder.start();
		this.nodes.put(name, node);
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					System.out.println("[node " + name + "] " + line);
					this.output.add("[node " + name + "] " + line);
				}
			}
			catch (Exception ex) {
				// the node is gone
			}
		});
		reader.setDaemon(true);
		reader.start();
		return node;
	}

	boolean everyShardLiveOnce() {
		for (int shard = 0; shard < this.shards; shard++) {
			if (this.discord.liveSessions(shard).size() != 1) {
				return false;
			}
		}
		return true;
	}

	/** The owner node of each instance, as ZooKeeper has it. */
	Map<Integer, String> owners() throws Exception {
		String path = "/discordoo/" + CLUSTER + "/owners";
		Map<Integer, String> owners = new LinkedHashMap<>();
		for (String child : children(path)) {
			try {
				byte[] data = this.observer.getData().forPath(path + "/" + child);
				owners.put(Integer.valueOf(child), new String(data, StandardCharsets.UTF_8).split(" ")[0]);
			}
			catch (KeeperException.NoNodeException ex) {
				// gone between the listing and the read
			}
		}
		return owners;
	}

	/**
	 * Whether the cluster is settled: every shard live once, every instance owned, no
	 * hand-over under way.
	 */
	boolean settled() throws Exception {
		return everyShardLiveOnce() && owners().size() == this.instances
				&& children("/discordoo/" + CLUSTER + "/successors").isEmpty();
	}

	/** The live nodes' names, as ZooKeeper has them. */
	List<String> members() throws Exception {
		return children("/discordoo/" + CLUSTER + "/nodes");
	}

	private List<String> children(String path) throws Exception {
		try {
			return this.observer.getChildren().forPath(path);
		}
		catch (KeeperException.NoNodeException ex) {
			return List.of();
		}
	}

	/** No two sessions of a shard that became READY after a moment were live at once. */
	void assertNoTwoSessionsAtOnce(int shard, long sinceNanos) {
		List<FakeDiscord.GatewaySession> sessions = new ArrayList<>(this.discord.gatewaySessions(shard));
		sessions.removeIf((session) -> session.readyAtNanos() < 0);
		sessions.sort(Comparator.comparingLong(FakeDiscord.GatewaySession::readyAtNanos));
		for (int i = 1; i < sessions.size(); i++) {
			FakeDiscord.GatewaySession before = sessions.get(i - 1);
			FakeDiscord.GatewaySession after = sessions.get(i);
			if (after.readyAtNanos() < sinceNanos) {
				continue;
			}
			assertThat(before.closed()).as("shard %d: session %s still open when %s was READY", shard,
					before.sessionId(), after.sessionId()).isTrue();
			assertThat(before.closedAtNanos()).as("shard %d: sessions %s and %s overlap", shard, before.sessionId(),
					after.sessionId()).isLessThanOrEqualTo(after.readyAtNanos());
		}
	}

	/**
	 * {@code kill -9} a node and wait until it is gone; its child JVMs, reparented, are kept
	 * so that {@link #close()} still destroys them.
	 * @param name the node
	 * @return the node's child JVMs as they were when it was killed
	 */
	List<ProcessHandle> kill(String name) throws Exception {
		Process node = this.nodes.get(name);
		List<ProcessHandle> descendants = node.descendants().toList();
		this.orphans.addAll(descendants);
		signal("KILL", node.pid());
		node.onExit().get();
		return descendants;
	}

	/**
	 * Whether a process has exited: gone, or a zombie, which is all a child of a frozen parent
	 * (or an orphan nobody reaps yet) can be.
	 */
	static boolean exited(ProcessHandle process) {
		Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
		String line;
		try {
			line = Files.readString(stat);
		}
		catch (IOException ex) {
			// no such process any more
			return true;
		}
		if (!process.isAlive()) {
			return true;
		}
		// pid (command) state ...: the command may hold spaces and parentheses, the state follows the last ')'
		return line.substring(line.lastIndexOf(')') + 2).startsWith("Z");
	}

	static void signal(String signal, long pid) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
		if (kill.waitFor() != 0) {
			throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
		}
	}

	@Override
	public void close() throws Exception {
		// whatever happened, nothing a test started outlives it; a frozen node is thawed so
		// that it can be killed and reaped
		for (Process node : this.nodes.values()) {
			List<ProcessHandle> descendants = node.descendants().toList();
			descendants.forEach(ProcessHandle::destroyForcibly);
			node.destroyForcibly();
			if (node.isAlive()) {
				new ProcessBuilder("kill", "-CONT", Long.toString(node.pid())).start().waitFor();
			}
			for (ProcessHandle descendant : descendants) {
				descendant.onExit().get();
			}
		}
		for (Process node : this.nodes.values()) {
			node.onExit().get();
		}
		this.orphans.forEach(ProcessHandle::destroyForcibly);
		for (ProcessHandle orphan : this.orphans) {
			orphan.onExit().get();
		}
		this.observer.close();
		this.zookeeper.close();
		this.discord.close();
	}

}

package dev.discordoo.sharding.testbot;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.Targets;

/**
 * A {@link ShardingManager} whose instances are whatever the test says they are, and which
 * records the restarts it is asked for and answers them with futures the test completes.
 */
public final class ScriptedShardingManager implements ShardingManager {

	private volatile List<InstanceInfo> instances;

	/** Indices of single restarts asked for, in order. */
	public final Queue<Integer> restarts = new ConcurrentLinkedQueue<>();

	/** The futures handed out for single restarts, in order. */
	public final Queue<CompletableFuture<InstanceInfo>> restartFutures = new ConcurrentLinkedQueue<>();

	/** The futures handed out for rolling restarts, in order. */
	public final Queue<CompletableFuture<List<InstanceInfo>>> restartAllFutures = new ConcurrentLinkedQueue<>();

	private volatile CompletableFuture<InstanceInfo> nextRestart;

	/**
	 * Create a manager with the given instances.
	 * @param instances the instances, by index
	 */
	public ScriptedShardingManager(InstanceInfo... instances) {
		this.instances = List.of(instances);
	}

	/**
	 * Replace the instances.
	 * @param instances the instances, by index
	 */
	public void setInstances(InstanceInfo... instances) {
		this.instances = List.of(instances);
	}

	/**
	 * Make the next single restart answer with the given future instead of a pending one.
	 * @param future the future
	 */
	public void answerNextRestartWith(CompletableFuture<InstanceInfo> future) {
		this.nextRestart = future;
	}

	/**
	 * Return an instance snapshot with the given values.
	 * @param index the index
	 * @param state the state
	 * @param latencyMillis the heartbeat latency, or {@code null}
	 * @param heartbeatAgeMillis the last heartbeat age, or {@code null}
	 * @return the snapshot, running shards {@code 2 * index} and {@code 2 * index + 1}
	 */
	public static InstanceInfo instance(int index, InstanceState state, Double latencyMillis, Long heartbeatAgeMillis) {
		boolean running = state != InstanceState.STOPPED && state != InstanceState.FAILED
				&& state != InstanceState.RESTARTING;
		return new InstanceInfo(index, "1000" + index, List.of(2 * index, 2 * index + 1), 8, state,
				running ? 4000 + index : -1, latencyMillis, heartbeatAgeMillis, 0, null, null);
	}

	@Override
	public List<InstanceInfo> instances() {
		return this.instances;
	}

	@Override
	public InstanceInfo instance(int index) {
		List<InstanceInfo> current = this.instances;
		if (index < 0 || index >= current.size()) {
			throw new IllegalArgumentException("no sharding instance " + index);
		}
		return current.get(index);
	}

	@Override
	public CompletableFuture<InstanceInfo> restart(int index) {
		instance(index);
		this.restarts.add(index);
		CompletableFuture<InstanceInfo> future = (this.nextRestart != null) ? this.nextRestart
				: new CompletableFuture<>();
		this.nextRestart = null;
		this.restartFutures.add(future);
		return future;
	}

	@Override
	public CompletableFuture<List<InstanceInfo>> restartAll() {
		CompletableFuture<List<InstanceInfo>> future = new CompletableFuture<>();
		this.restartAllFutures.add(future);
		return future;
	}

	@Override
	public void send(int index, String event, Object payload) {
		throw new IllegalStateException("sharding instance " + index + " has no live link");
	}

	@Override
	public void broadcast(String event, Object payload) {
		throw new IllegalStateException("no instance has a live link");
	}

	@Override
	public <T> CompletableFuture<List<InstanceResult<T>>> request(String name, Object payload, Targets targets,
			Class<T> type) {
		return request(name, payload, targets, type, Duration.ofSeconds(1));
	}

	@Override
	public <T> CompletableFuture<List<InstanceResult<T>>> request(String name, Object payload, Targets targets,
			Class<T> type, Duration timeout) {
		return CompletableFuture.failedFuture(new IllegalStateException("no instance has a live link"));
	}

	@Override
	public int instanceForGuild(long guildId) {
		throw new IllegalArgumentException("no instance runs any shard");
	}

}
